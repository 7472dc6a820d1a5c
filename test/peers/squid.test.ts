import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import type { Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../sim/simulator';
import { needBinaries } from './binaries';
import { startSquid, type SquidPeer } from './squid';

const USER = { username: 'alice', password: 'p:a@s%s w0rd' };
const ENDPOINT = 'vpce-0abc123-xyz.vpce-svc-0def456.eu-west-1.vpce.amazonaws.com';

/** One CONNECT through the proxy: the answer, and the tunnelled socket when it is 200. */
function connectVia(proxy: SquidPeer, target: string, creds?: { username: string; password: string }) {
  const headers: Record<string, string> = { Host: target };
  if (creds) headers['Proxy-Authorization'] = 'Basic ' + Buffer.from(`${creds.username}:${creds.password}`).toString('base64');
  return new Promise<{ status: number; headers: IncomingHttpHeaders; socket: Socket }>((resolve, reject) => {
    const req = httpRequest({ host: proxy.host, port: proxy.port, method: 'CONNECT', path: target, headers, agent: false });
    req.once('connect', (res, socket) => resolve({ status: res.statusCode ?? 0, headers: res.headers, socket }));
    req.once('error', reject);
    req.setTimeout(30_000, () => req.destroy(new Error('CONNECT timed out')));
    req.end();
  });
}

/** GET /version over TLS inside an established tunnel. */
function versionOver(socket: Socket, servername?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const tls = tlsConnect({ socket, rejectUnauthorized: false, servername }, () => {
      tls.write(`GET /version HTTP/1.1\r\nHost: ${servername ?? 'agent'}\r\nConnection: close\r\n\r\n`);
    });
    let text = '';
    tls.on('data', (d: Buffer) => (text += d.toString()));
    tls.on('end', () => resolve(text));
    tls.on('error', reject);
  });
}

describe.skipIf(!needBinaries('squid', 'htpasswd'))('squid forward proxy (real squid)', () => {
  let sim: Simulator;
  let squid: SquidPeer;
  beforeAll(async () => {
    sim = await startSimulator({ host: '127.0.0.2', name: 'agent-A' });
    squid = await startSquid({ users: [USER], hosts: { [ENDPOINT]: '127.0.0.2' }, sslPorts: [443, sim.port] });
  });
  afterAll(async () => {
    await squid?.close();
    await sim?.close();
  });

  it('CONNECT with good credentials (password with : @ %) → 200, and TLS to the simulator works', async () => {
    const r = await connectVia(squid, `127.0.0.2:${sim.port}`, USER);
    expect(r.status).toBe(200);
    const answer = await versionOver(r.socket);
    expect(answer).toMatch(/^HTTP\/1\.1 200/);
    expect(answer).toContain('agent-A');
  });

  it('CONNECT without or with wrong credentials → 407 with Proxy-Authenticate: Basic', async () => {
    const none = await connectVia(squid, `127.0.0.2:${sim.port}`);
    expect(none.status).toBe(407);
    expect(none.headers['proxy-authenticate']).toMatch(/^Basic realm="dcv-test-proxy"/);
    none.socket.destroy();
    const wrong = await connectVia(squid, `127.0.0.2:${sim.port}`, { ...USER, password: 'nope' });
    expect(wrong.status).toBe(407);
    wrong.socket.destroy();
  });

  it('CONNECT to a port not in sslPorts → 403, as stock squid does', async () => {
    const r = await connectVia(squid, '127.0.0.2:8443', USER);
    expect(r.status).toBe(403);
    r.socket.destroy();
  });

  it('resolves a private endpoint name through hosts_file; an unknown name is a proxy error, not a client DNS error', async () => {
    const r = await connectVia(squid, `${ENDPOINT}:${sim.port}`, USER);
    expect(r.status).toBe(200);
    expect(await versionOver(r.socket, ENDPOINT)).toContain('agent-A');
    const unknown = await connectVia(squid, `vpce-unknown.vpce.amazonaws.invalid:${sim.port}`, USER);
    expect(unknown.status).toBeGreaterThanOrEqual(500);
    unknown.socket.destroy();
  });

  it('logs each request in access.log', async () => {
    await expect.poll(() => squid.accessLog().some((l) => l.includes(`${ENDPOINT}:${sim.port}`) && l.includes('alice'))).toBe(true);
  });
});

describe.skipIf(!needBinaries('squid'))('squid without users', () => {
  it('allows localhost without credentials; allowAllConnectPorts lifts the port rule', async () => {
    const sim = await startSimulator({ host: '127.0.0.3' });
    const squid = await startSquid({ allowAllConnectPorts: true });
    try {
      const r = await connectVia(squid, `127.0.0.3:${sim.port}`);
      expect(r.status).toBe(200);
      expect(await versionOver(r.socket)).toMatch(/^HTTP\/1\.1 200/);
    } finally {
      await squid.close();
      await sim.close();
    }
  });
});
