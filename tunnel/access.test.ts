import { describe, expect, it } from 'vitest';
import { AccessGate } from './access';

function gate(now = { t: 1_000_000 }, ttl = 60_000) {
  return { now, g: new AccessGate({ listenHost: '127.0.0.1', port: 8443, launchTokenTtlMs: ttl, now: () => now.t }) };
}

describe('AccessGate launch tokens', () => {
  it('are 32 random bytes in base64url and differ every time', () => {
    const { g } = gate();
    const a = g.createLaunchToken();
    const b = g.createLaunchToken();
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(a, 'base64url')).toHaveLength(32);
    expect(a).not.toBe(b);
  });

  it('redeem exactly once', () => {
    const { g } = gate();
    const t = g.createLaunchToken();
    expect(g.redeemLaunchToken(t)).toBe(true);
    expect(g.redeemLaunchToken(t)).toBe(false);
  });

  it('expire after the TTL and are not redeemable afterwards', () => {
    const { g, now } = gate({ t: 0 }, 60_000);
    const t = g.createLaunchToken();
    now.t = 59_999;
    const early = g.createLaunchToken();
    now.t = 60_000;
    expect(g.redeemLaunchToken(t)).toBe(false);
    expect(g.redeemLaunchToken(early)).toBe(true);
  });

  it('refuse tokens never issued, including near misses', () => {
    const { g } = gate();
    const t = g.createLaunchToken();
    expect(g.redeemLaunchToken('')).toBe(false);
    expect(g.redeemLaunchToken(t.slice(0, -1))).toBe(false);
    expect(g.redeemLaunchToken(t + 'A')).toBe(false);
    expect(g.redeemLaunchToken(t.toUpperCase() === t ? t.toLowerCase() : t.toUpperCase())).toBe(false);
    expect(g.redeemLaunchToken(t)).toBe(true);
  });
});

describe('AccessGate session cookie', () => {
  it('is HttpOnly, Secure, SameSite=Strict, Path=/, named per port', () => {
    const { g } = gate();
    const c = g.sessionSetCookie();
    const [pair, ...attrs] = c.split('; ');
    expect(pair).toMatch(/^dcvl_session_8443=[A-Za-z0-9_-]{43}$/);
    expect(attrs.sort()).toEqual(['HttpOnly', 'Path=/', 'SameSite=Strict', 'Secure']);
    expect(g.cookieName).toBe('dcvl_session_8443');
  });

  it('is different for every tunnel', () => {
    expect(gate().g.sessionSetCookie()).not.toBe(gate().g.sessionSetCookie());
  });

  it.each([
    ['only our cookie', (p: string) => p, true],
    ['among others', (p: string) => `a=1; ${p}; b=2`, true],
    ['after a stale one', (p: string) => `dcvl_session_8443=old; ${p}`, true],
    ['missing', () => 'a=1; b=2', false],
    ['empty header', () => '', false],
    ['wrong value', () => 'dcvl_session_8443=nope', false],
    ['another tunnel’s cookie', (p: string) => p.replace('8443', '8444'), false],
    ['value with a suffix', (p: string) => p + 'x', false],
  ])('hasSession: %s', (_name, header, expected) => {
    const { g } = gate();
    const pair = g.sessionSetCookie().split(';')[0];
    expect(g.hasSession(header(pair))).toBe(expected);
  });

  it('hasSession(undefined) is false', () => {
    expect(gate().g.hasSession(undefined)).toBe(false);
  });
});

describe('AccessGate Host and Origin', () => {
  it.each([
    ['127.0.0.1:8443', true],
    ['localhost:8443', true],
    ['LOCALHOST:8443', true],
    ['127.0.0.1', false],
    ['127.0.0.1:8444', false],
    ['evil.example:8443', false],
    ['127.0.0.1.evil.example:8443', false],
    ['[::1]:8443', false],
    ['', false],
  ])('Host %j allowed: %s', (host, ok) => {
    expect(gate().g.hostAllowed(host)).toBe(ok);
  });

  it('Host missing is refused', () => {
    expect(gate().g.hostAllowed(undefined)).toBe(false);
  });

  it('a tunnel bound to another loopback address accepts that name, not 127.0.0.1', () => {
    const g = new AccessGate({ listenHost: '127.0.0.9', port: 9000 });
    expect(g.hostAllowed('127.0.0.9:9000')).toBe(true);
    expect(g.hostAllowed('localhost:9000')).toBe(true);
    expect(g.hostAllowed('127.0.0.1:9000')).toBe(false);
    expect(g.originAllowed('https://127.0.0.9:9000')).toBe(true);
  });

  it.each([
    ['https://127.0.0.1:8443', true],
    ['https://localhost:8443', true],
    ['http://127.0.0.1:8443', false],
    ['https://127.0.0.1:8444', false],
    ['https://127.0.0.1', false],
    ['https://evil.example', false],
    ['null', false],
    ['https://127.0.0.1:8443/', false],
  ])('Origin %j allowed: %s', (origin, ok) => {
    expect(gate().g.originAllowed(origin)).toBe(ok);
  });

  it('Origin missing is refused', () => {
    expect(gate().g.originAllowed(undefined)).toBe(false);
  });
});

describe('AccessGate requests from another origin', () => {
  const own = 'https://127.0.0.1:8443';
  const other = 'https://127.0.0.1:8444';
  it.each([
    // [method, headers, refused]
    ['POST', { origin: own, 'sec-fetch-site': 'same-origin', 'sec-fetch-mode': 'cors' }, false],
    ['POST', { origin: 'https://localhost:8443' }, false],
    ['POST', {}, false], // not a browser: a browser always says
    ['POST', { origin: other }, true],
    ['POST', { origin: 'null' }, true],
    ['POST', { 'sec-fetch-site': 'same-site' }, true],
    ['POST', { 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'navigate' }, true], // a form posted from elsewhere
    ['PATCH', { origin: own, 'sec-fetch-site': 'same-site' }, true],
    ['DELETE', { 'sec-fetch-site': 'none' }, false],
    ['GET', { 'sec-fetch-site': 'same-site', 'sec-fetch-mode': 'navigate' }, false], // the launcher opening a tab
    ['GET', { 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'navigate' }, false],
    ['GET', { 'sec-fetch-site': 'none', 'sec-fetch-mode': 'navigate' }, false],
    ['GET', { 'sec-fetch-site': 'same-origin', 'sec-fetch-mode': 'no-cors' }, false],
    ['GET', { 'sec-fetch-site': 'same-site', 'sec-fetch-mode': 'no-cors' }, true], // <img>, <script>
    ['GET', { 'sec-fetch-site': 'SAME-SITE', 'sec-fetch-mode': 'cors' }, true],
    ['GET', { origin: other }, true], // a CORS read from a browser without Sec-Fetch
    ['HEAD', { origin: other, 'sec-fetch-mode': 'cors' }, true],
    ['OPTIONS', { origin: other, 'sec-fetch-mode': 'cors' }, true], // a preflight
    ['GET', {}, false],
  ] as Array<[string, Record<string, string>, boolean]>)('%s %j refused: %s', (method, headers, refused) => {
    expect(gate().g.crossOriginRefusal(method, headers) !== undefined).toBe(refused);
  });
});
