import { createServer as createTlsServer, type Server as TlsServer, type TLSSocket } from 'node:tls';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fingerprintOf, makeSelfSignedCert } from '../test/sim/cert';
import { dial } from './dial';
import { isTunnelError } from './errors';
import { RawUpstreamPool, ResponseReader, type ResponseHead } from './upstream-http';

interface Read {
  head?: ResponseHead;
  body: string;
  ended: boolean;
  reusable: boolean;
}

/** Feeds `wire` to a reader in pieces of the given sizes (the rest in one piece), then EOF if asked. */
function read(wire: string, opts: { head?: boolean; pieces?: number[]; eof?: boolean } = {}): Read {
  const out: Read = { body: '', ended: false, reusable: false };
  const reader = new ResponseReader(opts.head ?? false, {
    head: (h) => (out.head = h),
    body: (b) => (out.body += b.toString('latin1')),
    end: () => (out.ended = true),
  });
  const bytes = Buffer.from(wire, 'latin1');
  let at = 0;
  for (const n of opts.pieces ?? []) {
    if (at >= bytes.length) break;
    reader.push(bytes.subarray(at, at + n));
    at += n;
  }
  if (at < bytes.length) reader.push(bytes.subarray(at));
  if (opts.eof) reader.eof();
  out.reusable = reader.reusable;
  return out;
}

function refused(wire: string, opts: { head?: boolean; eof?: boolean } = {}): string {
  try {
    read(wire, opts);
  } catch (e) {
    if (isTunnelError(e)) return `${e.code}: ${e.message}`;
    throw e;
  }
  return 'accepted';
}

const CHUNKED =
  'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n' +
  '4;name=value\r\nWiki\r\n5\r\npedia\r\nE  \r\n in\r\n\r\nchunks.\r\n0\r\nExpires: never\r\n\r\n';

describe('ResponseReader', () => {
  it('reads a Content-Length body and keeps the connection', () => {
    const r = read('HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-A:  spaced \r\n\r\nhello');
    expect(r.head).toMatchObject({ status: 200, reason: 'OK', rawHeaders: ['Content-Length', '5', 'X-A', 'spaced'], keepAlive: true });
    expect(r).toMatchObject({ body: 'hello', ended: true, reusable: true });
  });

  it('decodes chunked bodies with extensions and trailers, split anywhere', () => {
    const whole = read(CHUNKED);
    expect(whole).toMatchObject({ body: 'Wikipedia in\r\n\r\nchunks.', ended: true, reusable: true });
    // Every split point, and random piece sizes: same result.
    for (let i = 1; i < CHUNKED.length; i++) expect(read(CHUNKED, { pieces: [i] }).body).toBe(whole.body);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 9 }), { maxLength: 60 }), (pieces) => {
        const r = read(CHUNKED, { pieces });
        return r.body === whole.body && r.ended && r.reusable;
      }),
    );
  });

  it('HEAD, 204 and 304 have no body whatever their headers say', () => {
    expect(read('HTTP/1.1 200 OK\r\nContent-Length: 1234\r\n\r\n', { head: true })).toMatchObject({ body: '', ended: true, reusable: true });
    expect(read('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n', { head: true })).toMatchObject({ ended: true, reusable: true });
    expect(read('HTTP/1.1 304 Not Modified\r\nETag: "v1"\r\nContent-Length: 9\r\n\r\n')).toMatchObject({ body: '', ended: true, reusable: true });
    expect(read('HTTP/1.1 204 No Content\r\n\r\n')).toMatchObject({ head: { status: 204 }, ended: true, reusable: true });
  });

  it('skips 100 and 103, refuses 101', () => {
    const r = read('HTTP/1.1 103 Early Hints\r\nLink: </a.css>\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok');
    expect(r.head).toMatchObject({ status: 200, rawHeaders: ['Content-Length', '2'] });
    expect(r.body).toBe('ok');
    expect(refused('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n')).toMatch(/^UPSTREAM_RESET: .*101/);
  });

  it('a body without length runs to the end of the connection, which is then not reused', () => {
    const open = read('HTTP/1.1 200 OK\r\n\r\npartial');
    expect(open).toMatchObject({ body: 'partial', ended: false });
    expect(read('HTTP/1.1 200 OK\r\n\r\nall of it', { eof: true })).toMatchObject({ body: 'all of it', ended: true, reusable: false });
    expect(read('HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\nzz', { eof: true })).toMatchObject({ body: 'zz', ended: true, reusable: false });
  });

  it('an end before the body is complete is not a complete response', () => {
    expect(read('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort', { eof: true }).ended).toBe(false);
    expect(read('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel', { eof: true }).ended).toBe(false);
  });

  it('does not reuse a connection after Connection: close, HTTP/1.0, or bytes past the response', () => {
    expect(read('HTTP/1.1 200 OK\r\nConnection: keep-alive, close\r\nContent-Length: 0\r\n\r\n').reusable).toBe(false);
    expect(read('HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n').reusable).toBe(false);
    expect(read('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokHTTP/1.1 200 OK\r\n').reusable).toBe(false);
  });

  it('reads the upstream idle timeout from Keep-Alive, a second early', () => {
    expect(read('HTTP/1.1 200 OK\r\nKeep-Alive: timeout=5, max=100\r\nContent-Length: 0\r\n\r\n').head?.idleMs).toBe(4000);
    expect(read('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n').head?.idleMs).toBeUndefined();
  });

  it('replaces an empty or unprintable reason with the standard one', () => {
    expect(read('HTTP/1.1 404\r\nContent-Length: 0\r\n\r\n').head?.reason).toBe('Not Found');
    expect(read('HTTP/1.1 404 \x01bad\r\nContent-Length: 0\r\n\r\n').head?.reason).toBe('Not Found');
  });

  it.each([
    ['not HTTP', 'SSH-2.0-OpenSSH_9.6\r\n\r\n'],
    ['a status below 100', 'HTTP/1.1 099 Odd\r\n\r\n'],
    ['HTTP/2 status line', 'HTTP/2 200\r\n\r\n'],
    ['obsolete line folding', 'HTTP/1.1 200 OK\r\nX-A: a\r\n b\r\nContent-Length: 0\r\n\r\n'],
    ['a space before the colon', 'HTTP/1.1 200 OK\r\nContent-Length : 0\r\n\r\n'],
    ['a bare LF in a header line', 'HTTP/1.1 200 OK\r\nX-A: a\nContent-Length: 5\r\n\r\nhello'],
    ['a nameless header line', 'HTTP/1.1 200 OK\r\n: x\r\n\r\n'],
    ['both Transfer-Encoding and Content-Length', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n'],
    ['two different Content-Lengths', 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!'],
    ['a negative Content-Length', 'HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n'],
    ['a chunk size that is not hex', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n'],
    ['a chunk without its CRLF', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nokX\r\n0\r\n\r\n'],
    ['a head larger than 64 KiB', `HTTP/1.1 200 OK\r\nX-Big: ${'a'.repeat(70_000)}`],
  ])('refuses %s', (_what, wire) => {
    expect(refused(wire)).toMatch(/^UPSTREAM_RESET: the upstream's answer is not valid HTTP\/1\.1/);
  });

  it('accepts repeated equal Content-Length values', () => {
    expect(read('HTTP/1.1 200 OK\r\nContent-Length: 2, 2\r\n\r\nok')).toMatchObject({ body: 'ok', ended: true, reusable: true });
  });
});

// ---------------------------------------------------------------------------------------------

/** A TLS upstream whose connections the test scripts by hand. */
async function scriptedUpstream(onRequest: (socket: TLSSocket, requestNo: number, head: string) => void): Promise<{ server: TlsServer; port: number; connections: () => number }> {
  const pem = makeSelfSignedCert({ cn: 'scripted' });
  let connections = 0;
  const server = createTlsServer({ key: pem.key, cert: pem.cert }, (s) => {
    connections++;
    let pending = '';
    let n = 0;
    s.on('error', () => {});
    s.on('data', (d: Buffer) => {
      pending += d.toString('latin1');
      for (let end = pending.indexOf('\r\n\r\n'); end >= 0; end = pending.indexOf('\r\n\r\n')) {
        const head = pending.slice(0, end);
        pending = pending.slice(end + 4);
        onRequest(s, ++n, head);
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  Object.assign(server, { fingerprint: fingerprintOf(pem.cert) });
  return { server, port, connections: () => connections };
}

describe('RawUpstreamPool', () => {
  let up: Awaited<ReturnType<typeof scriptedUpstream>>;
  const dialUp = () => dial({ target: { host: '127.0.0.1', port: up.port }, route: 'DIRECT', trust: { kind: 'pin', fingerprints: [(up.server as unknown as { fingerprint: string }).fingerprint] } });
  beforeAll(async () => {
    up = await scriptedUpstream((s) => s.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok'));
  });
  afterAll(() => new Promise((r) => up.server.close(r)));

  it('hands out at most maxSockets at once; the next waits for a release and gets that socket back', async () => {
    const pool = new RawUpstreamPool(dialUp, { maxSockets: 2 });
    const a = await pool.acquire();
    const b = await pool.acquire();
    let third: Awaited<ReturnType<typeof pool.acquire>> | undefined;
    const waiting = pool.acquire().then((l) => (third = l));
    await new Promise((r) => setTimeout(r, 50));
    expect(third).toBeUndefined();
    pool.release(a.socket, true);
    await waiting;
    expect(third).toMatchObject({ socket: a.socket, reused: true });
    pool.discard(b.socket);
    pool.release(third!.socket, true);
    pool.destroy();
    expect(a.socket.destroyed).toBe(true);
    await expect(pool.acquire()).rejects.toMatchObject({ code: 'UPSTREAM_RESET' });
  });

  it('drops an idle connection the upstream closed, and one that sends bytes while idle', async () => {
    const pool = new RawUpstreamPool(dialUp);
    const a = await pool.acquire();
    pool.release(a.socket, true);
    a.socket.emit('data', Buffer.from('unexpected'));
    expect(a.socket.destroyed).toBe(true);
    const b = await pool.acquire();
    expect(b.reused).toBe(false);
    pool.release(b.socket, true, 30);
    await new Promise((r) => b.socket.once('close', r)); // its idle time ran out
    const c = await pool.acquire();
    expect(c.reused).toBe(false);
    pool.discard(c.socket);
    pool.destroy();
  });
});

