/**
 * Shared by the tunnel's tests: start a LocalTunnel in front of a simulator, sign in through
 * the launch URL like a browser, and talk to the tunnel trusting only its own certificate.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import { request, type SimpleResponse } from '../sim/http';
import { openAuth, openChannel, openMain, openSocket, type AuthOptions, type ChannelName, type ChannelOptions, type MainOptions, type SocketOptions } from '../sim/protocol';
import type { Simulator } from '../sim/simulator';
import { LocalTunnel, type LocalTunnelOptions } from '../../tunnel/local-tunnel';

const certDirs: string[] = [];
/** One certificate cache for a whole test file: a warm start, as in the app. */
export function testCertDir(): string {
  if (certDirs.length === 0) certDirs.push(mkdtempSync(join(tmpdir(), 'dcv-tunnel-cert-')));
  return certDirs[0];
}
export function removeTestCertDirs(): void {
  for (const d of certDirs.splice(0)) rmSync(d, { recursive: true, force: true });
}

/** A tunnel to `sim`, pinned to its certificate, direct route. */
export function tunnelTo(sim: Simulator, extra: Partial<LocalTunnelOptions> & { pathPrefix?: string } = {}): Promise<LocalTunnel> {
  const { pathPrefix, ...rest } = extra;
  return LocalTunnel.start({
    upstream: { host: sim.host, port: sim.port, pathPrefix: pathPrefix ?? '/' },
    route: 'DIRECT',
    trust: { kind: 'pin', fingerprints: [sim.fingerprint] },
    certDir: testCertDir(),
    ...rest,
  });
}

/** A client of one tunnel: verifies the tunnel's certificate, carries the session cookie once signed in. */
export class TunnelClient {
  cookie = '';
  constructor(readonly tunnel: LocalTunnel) {}

  /** Opens a fresh launch URL; returns the 302 and keeps the cookie. */
  async signIn(): Promise<SimpleResponse> {
    const res = await this.get(this.tunnel.createLaunchUrl().slice(this.tunnel.origin.length));
    const setCookie = res.headers['set-cookie']?.[0];
    if (res.status !== 302 || !setCookie) throw new Error(`sign-in failed: HTTP ${res.status} ${res.text}`);
    this.cookie = setCookie.split(';')[0];
    return res;
  }

  request(path: string, opts: { method?: string; headers?: Record<string, string>; body?: Buffer | string } = {}): Promise<SimpleResponse> {
    const headers = { ...(this.cookie ? { Cookie: this.cookie } : {}), ...opts.headers };
    return request(this.tunnel.origin + path, { ...opts, headers, ca: this.tunnel.certPem });
  }

  get(path: string, headers: Record<string, string> = {}): Promise<SimpleResponse> {
    return this.request(path, { headers });
  }

  socketOptions(extra: SocketOptions = {}): SocketOptions {
    return { ca: this.tunnel.certPem, rejectUnauthorized: true, ...extra, headers: { ...(this.cookie ? { Cookie: this.cookie } : {}), ...extra.headers } };
  }

  /** The /auth exchange through the tunnel. */
  auth(opts: AuthOptions = {}, base = '/') {
    return openAuth(this.tunnel.origin + base, { ...opts, ...this.socketOptions(opts) });
  }

  /** A main connection through the tunnel (after /auth unless opts.authToken is given). */
  main(opts: MainOptions = {}, base = '/') {
    return openMain(this.tunnel.origin + base, { ...opts, ...this.socketOptions(opts) });
  }

  /** A channel through the tunnel, on opts.main or on a main connection of its own. */
  channel(channel: ChannelName, opts: ChannelOptions = {}, base = '/') {
    return openChannel(this.tunnel.origin + base, channel, { ...this.socketOptions(opts), ...opts, headers: this.socketOptions(opts).headers });
  }

  socket(path: string, opts: SocketOptions = {}) {
    return openSocket(this.tunnel.origin.replace('https:', 'wss:') + path, this.socketOptions(opts));
  }

  /** A raw TLS connection to the tunnel, for writing requests by hand. */
  raw(): Promise<TLSSocket> {
    return new Promise((resolve, reject) => {
      const s = tlsConnect({ host: '127.0.0.1', port: this.tunnel.port, ca: this.tunnel.certPem, servername: 'localhost' }, () => resolve(s));
      s.once('error', reject);
    });
  }
}

/** Everything a raw socket receives until the peer closes it (or `until` matches). */
export function readAll(s: TLSSocket, until?: (text: string) => boolean, timeoutMs = 15_000): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    const t = setTimeout(() => reject(new Error(`raw read timed out; got so far: ${JSON.stringify(text.slice(0, 500))}`)), timeoutMs);
    s.setEncoding('latin1');
    s.on('data', (d: string) => {
      text += d;
      if (until?.(text)) {
        clearTimeout(t);
        resolve(text);
      }
    });
    s.once('close', () => {
      clearTimeout(t);
      resolve(text);
    });
  });
}

/** Polls until `check` returns true (no timing assertions: only a generous deadline). */
export async function eventually(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
