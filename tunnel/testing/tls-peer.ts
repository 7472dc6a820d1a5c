/**
 * Test-only upstreams for dial(): a TLS echo server that records what each client did (SNI,
 * application bytes), and misbehaving servers (silent, resetting, plain HTTP).
 */
import { spawn } from 'node:child_process';
import { connect as netConnect, createServer as createNetServer, type Server as NetServer, type Socket } from 'node:net';
import { createServer as createTlsServer, type TLSSocket } from 'node:tls';

export interface PeerSeen {
  /** SNI of each TLS connection, false when the client sent none. */
  sni: Array<string | false>;
  /** Application bytes received, over all connections. */
  appBytes: number;
  connections: number;
  open: number;
}

export interface TlsPeer {
  host: string;
  port: number;
  seen: PeerSeen;
  /** Resolves once every accepted connection has closed (leak check). */
  allClosed(): Promise<void>;
  close(): Promise<void>;
}

/** tls: echo server; silent: accepts, never answers; reset: RST on the first bytes (the ClientHello); http: a plain HTTP answer. */
export type PeerMode = 'tls' | 'silent' | 'reset' | 'http';

export async function startTlsPeer(opts: { host?: string; key?: string; cert?: string; mode?: PeerMode }): Promise<TlsPeer> {
  const host = opts.host ?? '127.0.0.1';
  const mode = opts.mode ?? 'tls';
  const seen: PeerSeen = { sni: [], appBytes: 0, connections: 0, open: 0 };
  const sockets = new Set<Socket>();
  let waiters: Array<() => void> = [];
  const track = (s: Socket) => {
    seen.connections++;
    seen.open++;
    sockets.add(s);
    s.on('error', () => {});
    s.on('close', () => {
      seen.open--;
      sockets.delete(s);
      if (seen.open > 0) return;
      const ready = waiters;
      waiters = [];
      ready.forEach((w) => w());
    });
  };

  let server: NetServer;
  if (mode === 'tls') {
    if (!opts.key || !opts.cert) throw new Error('startTlsPeer: tls mode needs key and cert');
    const tlsServer = createTlsServer({ key: opts.key, cert: opts.cert, ALPNProtocols: ['http/1.1'] }, (s: TLSSocket) => {
      seen.sni.push(s.servername ?? false);
      s.on('data', (d: Buffer) => {
        seen.appBytes += d.length;
        s.write(d);
      });
    });
    tlsServer.on('connection', track);
    tlsServer.on('tlsClientError', () => {});
    server = tlsServer;
  } else {
    server = createNetServer((s) => {
      track(s);
      // Reads everything (so a client's close is seen), answers according to the mode.
      s.on('data', () => {
        if (mode === 'reset') s.resetAndDestroy();
        if (mode === 'http') s.end('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
      });
    });
  }
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, host, resolve));
  const port = (server.address() as { port: number }).port;
  return {
    host,
    port,
    seen,
    allClosed: () => (seen.open === 0 ? Promise.resolve() : new Promise((r) => waiters.push(r))),
    close: () =>
      new Promise<void>((resolve) => {
        sockets.forEach((s) => s.destroy());
        server.close(() => resolve());
      }),
  };
}

/** A loopback port with nothing listening (bound, then released). */
export async function closedPort(host = '127.0.0.1'): Promise<number> {
  const s = createNetServer();
  await new Promise<void>((resolve) => s.listen(0, host, resolve));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

/**
 * A loopback port whose accept queue is full, so a new connection's SYN is dropped and the
 * connect hangs: a listener (backlog 1) in a child process that blocks before accepting,
 * plus connections that take every queue slot (until one of them hangs).
 */
export async function blackholePort(): Promise<{ host: string; port: number; close(): void }> {
  const script = `require('node:net').createServer().listen({ host: '127.0.0.1', port: 0, backlog: 1 }, function () {
    process.stdout.write(this.address().port + '\\n');
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
  });`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout!.once('data', (d: Buffer) => resolve(Number(d.toString().trim())));
    child.once('exit', (code) => reject(new Error(`blackhole listener exited (${code})`)));
  });
  const fillers: Socket[] = [];
  for (let i = 0; i < 16; i++) {
    const s = netConnect(port, '127.0.0.1');
    s.on('error', () => {});
    fillers.push(s);
    const queued = await new Promise<boolean>((r) => {
      s.once('connect', () => r(true));
      setTimeout(() => r(false), 1500);
    });
    if (!queued) break;
  }
  return {
    host: '127.0.0.1',
    port,
    close: () => {
      fillers.forEach((s) => s.destroy());
      child.kill('SIGKILL');
    },
  };
}
