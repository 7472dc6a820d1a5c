import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createRewriteContext,
  localPathFor,
  mapRequestTarget,
  rewriteLocation,
  rewriteReferer,
  rewriteRequestHeaders,
  rewriteResponseHeaders,
  rewriteSetCookie,
  type RewriteContext,
} from './rewrite';

const LOCAL = 'https://127.0.0.1:50123';
const EP = 'vpce-0a1b-x.vpce-svc-1.eu-west-1.vpce.amazonaws.com';
const TAG = 'dcvl_t0123456789ab_';

function ctx(pathPrefix = '/10.150.248.180/', extra: { hostHeader?: string; origin?: string; port?: number } = {}): RewriteContext {
  return createRewriteContext({
    upstream: { host: EP, port: extra.port ?? 8443, pathPrefix },
    hostHeader: extra.hostHeader,
    origin: extra.origin,
    localOrigin: LOCAL,
    localOrigins: [LOCAL, 'https://localhost:50123'],
    cookieTag: TAG,
  });
}

function pairs(flat: string[]): [string, string][] {
  const out: [string, string][] = [];
  for (let i = 0; i < flat.length; i += 2) out.push([flat[i], flat[i + 1]]);
  return out;
}

describe('createRewriteContext', () => {
  it.each([
    [443, undefined, undefined, EP, `https://${EP}`],
    [8443, undefined, undefined, `${EP}:8443`, `https://${EP}:8443`],
    [8443, '10.213.66.188', undefined, '10.213.66.188', 'https://10.213.66.188'],
    [8443, undefined, 'https://10.213.66.188:8443', `${EP}:8443`, 'https://10.213.66.188:8443'],
  ])('port %s hostHeader %s origin %s → Host %s Origin %s', (port, hostHeader, origin, host, org) => {
    const c = ctx('/', { port, hostHeader, origin });
    expect(c.upstreamHost).toBe(host);
    expect(c.upstreamOrigin).toBe(org);
  });

  it.each(['', 'x/', '/x', 'x'])('refuses the prefix %j', (p) => {
    expect(() => ctx(p)).toThrow(/pathPrefix/);
  });

  it('refuses a Host override with a line break', () => {
    expect(() => ctx('/', { hostHeader: 'a\r\nX-Evil: 1' })).toThrow(/hostHeader/);
  });
});

describe('mapRequestTarget', () => {
  it.each([
    ['/', '/', '/'],
    ['/', '/10.150.248.180/', '/10.150.248.180/'],
    ['/auth', '/10.150.248.180/', '/10.150.248.180/auth'],
    ['/ws?x=1&y=%2F..', '/10.150.248.180/', '/10.150.248.180/ws?x=1&y=%2F..'],
    ['/dcv/app.js', '/', '/dcv/app.js'],
    ['//double', '/p/', '/p//double'],
    ['/a%20b/c.txt', '/p/', '/p/a%20b/c.txt'],
    ['/...', '/p/', '/p/...'],
    ['/.hidden/..x', '/p/', '/p/.hidden/..x'],
  ])('%s under %s → %s', (target, prefix, expected) => {
    expect(mapRequestTarget(target, prefix)).toEqual({ ok: true, path: expected });
  });

  it.each([
    ['http://evil.example/x', /path/],
    ['https://127.0.0.1:1/x', /path/],
    ['*', /path/],
    ['evil.example:443', /path/],
    ['', /path/],
    ['/../10.150.248.136/', /dot segment/],
    ['/a/../../x', /dot segment/],
    ['/..', /dot segment/],
    ['/./x', /dot segment/],
    ['/%2e%2e/x', /dot segment/],
    ['/%2E%2e/x', /dot segment/],
    ['/.%2e/x', /dot segment/],
    ['/..;/x', /dot segment/],
    ['/%2e%2e;jsessionid=1/x', /dot segment/],
    ['/..%2Fx', /encoded slash/],
    ['/a%2fb', /encoded slash/],
    ['/a%5cb', /encoded slash/],
    ['/a%00b', /encoded slash/],
    ['/a\\..\\b', /backslash/],
    ['/\\evil', /backslash/],
    ['/a%zz', /malformed/],
    ['/a%2', /malformed/],
    ['/a b', /control/],
    ['/a\r\nX: y', /control/],
    ['/a\u0100', /control/],
    ['/a#frag', /fragment/],
  ])('refuses %j', (target, reason) => {
    const r = mapRequestTarget(target, '/10.150.248.180/');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(reason);
  });

  // What an upstream might do with the path: percent-decode it and resolve dot segments (backslash as slash).
  function decodeLoosely(s: string): string {
    return s.replace(/%([0-9a-fA-F]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16)));
  }
  function resolveDots(path: string): string {
    const out: string[] = [];
    for (const seg of path.replace(/\\/g, '/').split('/')) {
      const name = seg.split(';')[0];
      if (name === '..') out.pop();
      else if (name !== '.') out.push(seg);
    }
    return out.join('/');
  }

  it('never lets a mapped path leave the prefix, however the upstream decodes it (fuzzed)', () => {
    const prefix = '/10.150.248.180/';
    const piece = fc.constantFrom('/', '..', '.', '%2e', '%2E', '%2f', '%2F', '%5c', '\\', ';', 'a', '%', '%25', '?', '#', '//', 'http:', ' ', '\r', '\n');
    const target = fc.oneof(
      fc.array(piece, { maxLength: 12 }).map((a) => a.join('')),
      fc.array(piece, { maxLength: 12 }).map((a) => '/' + a.join('')),
      fc.string({ unit: 'binary', maxLength: 40 }),
    );
    fc.assert(
      fc.property(target, (t) => {
        const r = mapRequestTarget(t, prefix);
        if (!r.ok) return;
        expect(r.path.startsWith(prefix)).toBe(true);
        expect(r.path).not.toMatch(/[\r\n\0 ]/);
        const path = r.path.split('?')[0];
        // As sent, and as an upstream that decodes once before resolving dot segments sees it.
        for (const seen of [path, decodeLoosely(path)]) {
          expect(('/' + resolveDots(seen) + '/').replace(/\/+/g, '/').startsWith(prefix)).toBe(true);
        }
      }),
      { numRuns: 3000 },
    );
  });
});

describe('localPathFor', () => {
  it.each([
    ['/10.150.248.180/', '/10.150.248.180/', '/'],
    ['/10.150.248.180/auth', '/10.150.248.180/', '/auth'],
    ['/10.150.248.180', '/10.150.248.180/', '/'],
    ['/10.150.248.136/auth', '/10.150.248.180/', null],
    ['/', '/10.150.248.180/', null],
    ['/x', '/', '/x'],
    ['x', '/', null],
  ])('%s under %s → %s', (up, prefix, local) => {
    expect(localPathFor(up, prefix)).toBe(local);
  });
});

describe('rewriteLocation', () => {
  const c = ctx('/10.150.248.180/', { hostHeader: `${EP}:8443` });
  it.each([
    [`https://${EP}:8443/10.150.248.180/`, `${LOCAL}/`],
    [`https://${EP}:8443/10.150.248.180/?authToken=T#s1`, `${LOCAL}/?authToken=T#s1`],
    [`https://${EP.toUpperCase()}:8443/10.150.248.180/x`, `${LOCAL}/x`],
    [`http://${EP}:8443/10.150.248.180/x`, `${LOCAL}/x`],
    [`//${EP}:8443/10.150.248.180/x`, `${LOCAL}/x`],
    [`https://${EP}:8443/10.150.248.180/a/../b`, `${LOCAL}/b`],
    ['/10.150.248.180/login?next=/10.150.248.180/', '/login?next=/10.150.248.180/'],
    ['/10.150.248.180', '/'],
    ['/10.150.248.136/x', '/10.150.248.136/x'],
    [`https://${EP}:8443/other/`, `https://${EP}:8443/other/`],
    [`https://${EP}/10.150.248.180/`, `https://${EP}/10.150.248.180/`],
    ['https://broker.example/login', 'https://broker.example/login'],
    ['relative/path', 'relative/path'],
    ['../up', '../up'],
    ['?q=1', '?q=1'],
  ])('%s → %s', (loc, expected) => {
    expect(rewriteLocation(loc, c)).toBe(expected);
  });

  it('knows the upstream by its Host override and Origin override too', () => {
    const o = ctx('/', { hostHeader: '10.213.66.188', origin: 'https://gw.example:9443' });
    expect(rewriteLocation('https://10.213.66.188/x', o)).toBe(`${LOCAL}/x`);
    expect(rewriteLocation('https://gw.example:9443/y', o)).toBe(`${LOCAL}/y`);
    expect(rewriteLocation(`https://${EP}:8443/z`, o)).toBe(`${LOCAL}/z`);
  });
});

describe('rewriteSetCookie', () => {
  const c = ctx('/10.150.248.180/');
  it.each([
    ['a=1', `${TAG}a=1; HttpOnly`],
    ['a=1; Path=/10.150.248.180/', `${TAG}a=1; Path=/; HttpOnly`],
    ['a=1; Path=/10.150.248.180/dcv; Secure', `${TAG}a=1; Path=/dcv; Secure; HttpOnly`],
    ['a=1; Path=/10.150.248.180', `${TAG}a=1; Path=/; HttpOnly`],
    ['a=1; Path=/', `${TAG}a=1; Path=/; HttpOnly`],
    ['a=1; Path=/10.150.248.180/; Domain=vpce.amazonaws.com; HttpOnly', `${TAG}a=1; Path=/; HttpOnly`],
    ['a=1; domain=.example; path=/10.150.248.180/x; SameSite=Lax', `${TAG}a=1; Path=/x; SameSite=Lax; HttpOnly`],
    ['a=1; Path=bogus', `${TAG}a=1; Path=/; HttpOnly`],
    ['a=1; Path=/10.150.248.136/', null],
    ['a=1; Path=/10.150', null],
    ['a=b=c; Max-Age=10', `${TAG}a=b=c; Max-Age=10; HttpOnly`],
    ['__Host-x=1; Secure; Path=/', `${TAG}__Host-x=1; Secure; Path=/; HttpOnly`],
    // The launcher's cookies and other tunnels' names become this tunnel's own, harmless.
    ['dcvl_session_50123=stolen; Path=/', `${TAG}dcvl_session_50123=stolen; Path=/; HttpOnly`],
    [' dcvl_session_1=x', `${TAG}dcvl_session_1=x; HttpOnly`],
    ['dcvl_tffffffffffff_a=1', `${TAG}dcvl_tffffffffffff_a=1; HttpOnly`],
    // Nameless: nothing to tag.
    ['=x', null],
    ['x', null],
    [' =x; Path=/', null],
  ])('%s → %s', (sc, expected) => {
    expect(rewriteSetCookie(sc, c)).toBe(expected);
  });

  it('whatever the upstream sets, the name the page stores starts with the tag (fuzzed)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (sc) => {
        const out = rewriteSetCookie(sc, c);
        if (out !== null) expect(out.startsWith(TAG)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('rewriteReferer', () => {
  const c = ctx('/10.150.248.180/', { origin: 'https://10.213.66.188:8443' });
  it.each([
    [`${LOCAL}/`, 'https://10.213.66.188:8443/10.150.248.180/'],
    [`${LOCAL}/a?b=1#h`, 'https://10.213.66.188:8443/10.150.248.180/a?b=1'],
    ['https://localhost:50123/x', 'https://10.213.66.188:8443/10.150.248.180/x'],
    ['https://evil.example/', null],
    ['https://127.0.0.1:1/', null],
    ['not a url', null],
  ])('%s → %s', (ref, expected) => {
    expect(rewriteReferer(ref, c)).toBe(expected);
  });
});

describe('rewriteRequestHeaders', () => {
  const c = ctx('/10.150.248.180/');
  it('sets Host, rewrites Origin and Referer, sends only the tunnel’s own cookies, drops hop-by-hop headers', () => {
    const out = rewriteRequestHeaders(
      [
        'Host', '127.0.0.1:50123',
        'Connection', 'keep-alive, X-Private',
        'Keep-Alive', 'timeout=5',
        'X-Private', 'secret',
        'Proxy-Authorization', 'Basic Zm9vOmJhcg==',
        'TE', 'trailers',
        'Origin', LOCAL,
        'Referer', `${LOCAL}/page`,
        'Cookie', `a=1; dcvl_session_50123=s3cret; ${TAG}b=2; dcvl_session_1=host; dcvl_tffffffffffff_c=3; ${TAG}d=4; ${TAG}=5`,
        'Accept', 'text/html',
        'Accept', 'application/json',
      ],
      c,
    );
    expect(pairs(out)).toEqual([
      ['Host', `${EP}:8443`],
      ['Origin', `https://${EP}:8443`],
      ['Referer', `https://${EP}:8443/10.150.248.180/page`],
      ['Cookie', 'b=2; d=4'],
      ['Accept', 'text/html'],
      ['Accept', 'application/json'],
    ]);
  });

  it('drops the Cookie header when none of the tunnel’s own cookies was in it, and a foreign Referer', () => {
    const out = rewriteRequestHeaders(['Cookie', 'dcvl_session_50123=x; a=1', 'Referer', 'https://evil.example/'], c);
    expect(pairs(out)).toEqual([['Host', `${EP}:8443`]]);
  });

  it('re-frames a chunked body as chunked and drops Content-Length', () => {
    const out = rewriteRequestHeaders(['Transfer-Encoding', 'chunked', 'Content-Length', '5', 'Content-Type', 'x/y'], c);
    expect(pairs(out)).toEqual([
      ['Host', `${EP}:8443`],
      ['Content-Type', 'x/y'],
      ['Transfer-Encoding', 'chunked'],
    ]);
  });

  it('keeps Content-Length and Expect for a sized upload', () => {
    const out = rewriteRequestHeaders(['Content-Length', '20971520', 'Expect', '100-continue'], c);
    expect(pairs(out)).toEqual([
      ['Host', `${EP}:8443`],
      ['Content-Length', '20971520'],
      ['Expect', '100-continue'],
    ]);
  });

  it('for an upgrade keeps Upgrade and Sec-WebSocket-* untouched and sends Connection: Upgrade', () => {
    const out = rewriteRequestHeaders(
      [
        'Host', 'localhost:50123',
        'Connection', 'Upgrade',
        'Upgrade', 'websocket',
        'Sec-WebSocket-Key', 'dGhlIHNhbXBsZSBub25jZQ==',
        'Sec-WebSocket-Version', '13',
        'Sec-WebSocket-Protocol', 'dcv',
        'Sec-WebSocket-Extensions', 'permessage-deflate; client_max_window_bits',
        'Origin', 'https://localhost:50123',
      ],
      c,
      { upgrade: true },
    );
    expect(pairs(out)).toEqual([
      ['Host', `${EP}:8443`],
      ['Sec-WebSocket-Key', 'dGhlIHNhbXBsZSBub25jZQ=='],
      ['Sec-WebSocket-Version', '13'],
      ['Sec-WebSocket-Protocol', 'dcv'],
      ['Sec-WebSocket-Extensions', 'permessage-deflate; client_max_window_bits'],
      ['Origin', `https://${EP}:8443`],
      ['Connection', 'Upgrade'],
      ['Upgrade', 'websocket'],
    ]);
  });

  it('a plain request loses Upgrade', () => {
    const out = rewriteRequestHeaders(['Connection', 'Upgrade', 'Upgrade', 'h2c'], c);
    expect(pairs(out)).toEqual([['Host', `${EP}:8443`]]);
  });
});

describe('rewriteResponseHeaders', () => {
  const c = ctx('/10.150.248.180/', { hostHeader: `${EP}:8443` });
  it('rewrites Location and Set-Cookie, drops HSTS, Alt-Svc and hop-by-hop headers', () => {
    const out = rewriteResponseHeaders(
      [
        'Content-Type', 'text/html',
        'Strict-Transport-Security', 'max-age=31536000',
        'Alt-Svc', 'h3=":443"',
        'Connection', 'keep-alive, X-Hop',
        'X-Hop', '1',
        'Keep-Alive', 'timeout=5',
        'Transfer-Encoding', 'chunked',
        'Trailer', 'X-Sum',
        'Proxy-Authenticate', 'Basic',
        'Location', `https://${EP}:8443/10.150.248.180/?authToken=T`,
        'Set-Cookie', 'a=1; Path=/10.150.248.180/; Domain=x',
        'Set-Cookie', 'b=2; Path=/10.150.248.180/sub; HttpOnly',
        'X-Frame-Options', 'DENY',
        'Content-Length', '0',
      ],
      c,
    );
    expect(pairs(out)).toEqual([
      ['Content-Type', 'text/html'],
      ['Location', `${LOCAL}/?authToken=T`],
      ['Set-Cookie', `${TAG}a=1; Path=/; HttpOnly`],
      ['Set-Cookie', `${TAG}b=2; Path=/sub; HttpOnly`],
      ['X-Frame-Options', 'DENY'],
      ['Content-Length', '0'],
    ]);
  });

  it('for a 101 keeps Connection and Upgrade, and tags its cookies', () => {
    const out = rewriteResponseHeaders(['Upgrade', 'websocket', 'Connection', 'Upgrade', 'Sec-WebSocket-Accept', 'x', 'Set-Cookie', 'dcvl_session_50123=x', 'Sec-WebSocket-Protocol', 'dcv'], c, { upgrade: true });
    expect(pairs(out)).toEqual([
      ['Upgrade', 'websocket'],
      ['Connection', 'Upgrade'],
      ['Sec-WebSocket-Accept', 'x'],
      ['Set-Cookie', `${TAG}dcvl_session_50123=x; HttpOnly`],
      ['Sec-WebSocket-Protocol', 'dcv'],
    ]);
  });

  it('never emits a control character in a header, whatever comes in (fuzzed)', () => {
    const text = fc.string({ unit: 'binary', maxLength: 30 });
    const name = fc.constantFrom('Location', 'Set-Cookie', 'Content-Location', 'Referer', 'Origin', 'Cookie', 'X-Other', 'Connection');
    const raw = fc.array(fc.tuple(name, fc.oneof(text, text.map((t) => `https://${EP}:8443/10.150.248.180/${t}`), text.map((t) => `${LOCAL}/${t}`))), { maxLength: 6 });
    fc.assert(
      fc.property(raw, (list) => {
        const flat = list.flat();
        for (const out of [rewriteResponseHeaders(flat, c), rewriteRequestHeaders(flat, c), rewriteRequestHeaders(flat, c, { upgrade: true })]) {
          for (const v of out) expect(v).not.toMatch(/[\0-\x08\x0a-\x1f\x7f]|[^\0-\xff]/);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
