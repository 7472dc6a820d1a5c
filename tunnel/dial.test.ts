import { X509Certificate, randomBytes } from 'node:crypto';
import { createServer as createTlsServer, type Server as TlsServer } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fingerprintHexOf, fingerprintOf, makeSelfSignedCert } from '../test/sim/cert';
import { startSimulator, type Simulator } from '../test/sim/simulator';
import { dial, inspectCertificate } from './dial';
import { issueLeaf, makeCa } from './testing/ca';
import { dialFailure, echo } from './testing/dial-helpers';
import { blackholePort, closedPort, startTlsPeer, type TlsPeer } from './testing/tls-peer';
import type { DialOptions, DialStep, TrustPolicy } from './types';

const ENDPOINT = 'vpce-123.vpce-svc-1.eu-west-1.vpce.amazonaws.com';
const DAY = 86_400_000;

function recordSteps(): { steps: DialStep[]; onStep: (s: DialStep) => void } {
  const steps: DialStep[] = [];
  return { steps, onStep: (s) => steps.push(s) };
}

const hexPlain = (pem: string) => fingerprintHexOf(pem).replace(/:/g, '').toLowerCase();

describe('dial against the DCV simulator', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({ host: '127.0.0.2', name: 'agent-A' });
  });
  afterAll(() => sim?.close());

  it.each([
    ['sha256/base64', (s: Simulator) => s.fingerprint],
    ['upper-case hex with colons', (s: Simulator) => s.fingerprintHex],
    ['lower-case plain hex', (s: Simulator) => hexPlain(s.certPem)],
  ])('pin %s: connects, verifies, and the socket carries HTTP', async (_form, pin) => {
    const { steps, onStep } = recordSteps();
    const r = await dial({ target: { host: '127.0.0.2', port: sim.port }, route: 'DIRECT', trust: { kind: 'pin', fingerprints: ['sha256/' + 'A'.repeat(43) + '=', pin(sim)] }, onStep });
    try {
      expect(r.certificate.fingerprint256).toBe(sim.fingerprint);
      expect(r.route).toEqual({ kind: 'direct' });
      expect(r.tls.protocol).toMatch(/^TLSv1\.[23]$/);
      expect(steps.map((s) => `${s.step}:${s.status}`)).toEqual(['dns:skip', 'tcp:ok', 'proxy:skip', 'tls:ok']);
      expect(steps[3].detail.certificate).toMatchObject({ fingerprint256: sim.fingerprint });
      const answer = await new Promise<string>((resolve, reject) => {
        let text = '';
        r.socket.on('data', (d: Buffer) => (text += d.toString()));
        r.socket.on('end', () => resolve(text));
        r.socket.on('error', reject);
        r.socket.write('GET /version HTTP/1.1\r\nHost: 127.0.0.2\r\nConnection: close\r\n\r\n');
      });
      expect(answer).toMatch(/^HTTP\/1\.1 200/);
      expect(answer).toContain('agent-A');
    } finally {
      r.socket.destroy();
    }
  });
});

describe('dial against a local TLS peer', () => {
  // One self-signed certificate per situation, like the field's CN=dcv-gateway.
  const named = makeSelfSignedCert({ cn: 'dcv-gateway', san: [ENDPOINT, '127.0.0.2'] });
  const other = makeSelfSignedCert({ cn: 'someone-else', san: [ENDPOINT] });
  const misnamed = makeSelfSignedCert({ cn: 'dcv-gateway', san: ['other.example.com'] });
  const expired = makeSelfSignedCert({ cn: 'dcv-gateway', san: [ENDPOINT], notBefore: new Date(Date.now() - 400 * DAY), notAfter: new Date(Date.now() - 35 * DAY) });
  let peer: TlsPeer;
  let expiredPeer: TlsPeer;
  let misnamedPeer: TlsPeer;
  const overrideTo = (p: TlsPeer) => ({ host: ENDPOINT, port: p.port, resolve: [{ host: ENDPOINT, port: p.port, address: p.host }] });

  beforeAll(async () => {
    peer = await startTlsPeer({ host: '127.0.0.2', ...named });
    expiredPeer = await startTlsPeer({ host: '127.0.0.3', ...expired });
    misnamedPeer = await startTlsPeer({ host: '127.0.0.4', ...misnamed });
  });
  afterAll(async () => {
    await Promise.all([peer, expiredPeer, misnamedPeer].map((p) => p?.close()));
  });

  it('address override: connects to 127.0.0.2 for the endpoint name, SNI keeps the name', async () => {
    const { steps, onStep } = recordSteps();
    const before = peer.seen.sni.length;
    const r = await dial({ target: overrideTo(peer), route: 'DIRECT', trust: { kind: 'pin', fingerprints: [fingerprintOf(named.cert)] }, onStep });
    try {
      expect(r.remoteAddress).toBe('127.0.0.2');
      expect(await echo(r.socket, 'ping')).toBe('ping');
      expect(peer.seen.sni.slice(before)).toEqual([ENDPOINT]);
      expect(steps[0]).toMatchObject({ step: 'dns', status: 'ok', detail: { override: '127.0.0.2', addresses: ['127.0.0.2'] } });
      expect(steps[1].detail).toMatchObject({ address: `127.0.0.2:${peer.port}` });
    } finally {
      r.socket.destroy();
    }
  });

  it('an IP literal target sends no SNI', async () => {
    const before = peer.seen.sni.length;
    const r = await dial({ target: { host: '127.0.0.2', port: peer.port }, route: 'DIRECT', trust: { kind: 'pin', fingerprints: [fingerprintOf(named.cert)] } });
    expect(await echo(r.socket, 'ping')).toBe('ping');
    r.socket.destroy();
    expect(peer.seen.sni.slice(before)).toEqual([false]);
  });

  it('pin mismatch: TLS_PIN_MISMATCH with expected and presented, and the server received zero application bytes', async () => {
    const { steps, onStep } = recordSteps();
    const bytesBefore = peer.seen.appBytes;
    const pins = [fingerprintOf(other.cert)];
    const e = await dialFailure(dial({ target: overrideTo(peer), route: 'DIRECT', trust: { kind: 'pin', fingerprints: pins }, onStep }));
    expect(e.code).toBe('TLS_PIN_MISMATCH');
    expect(e.step).toBe('tls');
    expect(e.details.expected).toEqual(pins);
    expect(e.details.presented).toMatchObject({ fingerprint256: fingerprintOf(named.cert), subject: 'CN=dcv-gateway', selfSigned: true });
    expect(steps.at(-1)).toMatchObject({ step: 'tls', status: 'fail', code: 'TLS_PIN_MISMATCH' });
    await peer.allClosed();
    expect(peer.seen.appBytes).toBe(bytesBefore);
  });

  it('pin of an expired certificate: connects (the pin is what the user trusted) with a warning', async () => {
    const { steps, onStep } = recordSteps();
    const r = await dial({ target: overrideTo(expiredPeer), route: 'DIRECT', trust: { kind: 'pin', fingerprints: [fingerprintHexOf(expired.cert)] }, onStep });
    r.socket.destroy();
    expect(steps.at(-1)).toMatchObject({ step: 'tls', status: 'warn', detail: { expired: true } });
  });

  it('CA mode: a certificate issued by the given CA and naming the endpoint is accepted', async () => {
    const r = await dial({ target: overrideTo(peer), route: 'DIRECT', trust: { kind: 'ca', ca: named.cert } });
    r.socket.destroy();
    expect(r.certificate.subjectAltName).toContain(`DNS:${ENDPOINT}`);
  });

  it('CA mode: another CA → TLS_UNTRUSTED with the presented certificate', async () => {
    const e = await dialFailure(dial({ target: overrideTo(peer), route: 'DIRECT', trust: { kind: 'ca', ca: other.cert } }));
    expect(e.code).toBe('TLS_UNTRUSTED');
    expect(e.details.presented?.fingerprint256).toBe(fingerprintOf(named.cert));
  });

  it('system mode: a self-signed certificate → TLS_UNTRUSTED', async () => {
    const e = await dialFailure(dial({ target: overrideTo(peer), route: 'DIRECT', trust: { kind: 'system' } }));
    expect(e.code).toBe('TLS_UNTRUSTED');
    expect(e.details.authorizationError).toBe('DEPTH_ZERO_SELF_SIGNED_CERT');
  });

  it('CA mode: a trusted certificate that names another host → TLS_NAME_MISMATCH', async () => {
    const e = await dialFailure(dial({ target: overrideTo(misnamedPeer), route: 'DIRECT', trust: { kind: 'ca', ca: misnamed.cert } }));
    expect(e.code).toBe('TLS_NAME_MISMATCH');
    expect(e.message).toContain('other.example.com');
  });

  it('CA mode: an expired certificate → TLS_EXPIRED', async () => {
    const e = await dialFailure(dial({ target: overrideTo(expiredPeer), route: 'DIRECT', trust: { kind: 'ca', ca: expired.cert } }));
    expect(e.code).toBe('TLS_EXPIRED');
    expect(e.details.presented?.validTo).toBe(new Date(new X509Certificate(expired.cert).validTo).toISOString());
  });

  it('inspectCertificate: reads the chain without a trust decision and sends no HTTP byte', async () => {
    const bytesBefore = peer.seen.appBytes;
    const r = await inspectCertificate({ target: overrideTo(peer), route: 'DIRECT' });
    expect(r.certificate.fingerprint256).toBe(fingerprintOf(named.cert));
    expect(r.chain.map((c) => c.fingerprint256)).toEqual([fingerprintOf(named.cert)]);
    expect(r.tls).toMatchObject({ systemTrusted: false, namesHost: true, alpn: 'http/1.1' });
    expect(r.steps.map((s) => s.step)).toEqual(['dns', 'tcp', 'proxy', 'tls']);
    await peer.allClosed();
    expect(peer.seen.appBytes).toBe(bytesBefore);
  });

  it('CA mode with a private CA: the leaf is accepted; inspect shows the chain as sent (leaf, then CA)', async () => {
    const ca = makeCa('Corp Private CA');
    const leaf = issueLeaf(ca, { cn: 'agent', san: [ENDPOINT] });
    const chained = await startTlsPeer({ host: '127.0.0.5', key: leaf.key, cert: leaf.cert + ca.cert });
    try {
      const r = await dial({ target: overrideTo(chained), route: 'DIRECT', trust: { kind: 'ca', ca: ca.cert } });
      r.socket.destroy();
      expect(r.certificate).toMatchObject({ issuer: 'CN=Corp Private CA', selfSigned: false });
      const seen = await inspectCertificate({ target: overrideTo(chained), route: 'DIRECT' });
      expect(seen.chain.map((c) => c.subject)).toEqual(['CN=agent', 'CN=Corp Private CA']);
      const e = await dialFailure(dial({ target: overrideTo(chained), route: 'DIRECT', trust: { kind: 'system' } }));
      expect(e.code).toBe('TLS_UNTRUSTED');
    } finally {
      await chained.close();
    }
  });

  it('a bad pin is a clear error before any connection', async () => {
    await expect(dial({ target: overrideTo(peer), route: 'DIRECT', trust: { kind: 'pin', fingerprints: ['AB:CD'] } })).rejects.toThrow(/pinned fingerprint "AB:CD" is not valid/);
  });
});

/** A TLS server issuing session tickets under fixed keys: a second one with the same keys could resume the first one's sessions. */
async function ticketServer(cert: { key: string; cert: string }, ticketKeys: Buffer, port = 0): Promise<{ server: TlsServer; port: number; resumed: boolean[] }> {
  const resumed: boolean[] = [];
  const server = createTlsServer({ ...cert, ticketKeys }, (s) => {
    resumed.push(s.isSessionReused());
    s.on('error', () => {});
    s.end('x');
  });
  server.on('tlsClientError', () => {});
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, '127.0.0.1', resolve));
  return { server, port: (server.address() as { port: number }).port, resumed };
}

describe('dial shares one TLS context but never resumes a session', () => {
  it('every dial is a full handshake; the server restarted with a new certificate under the same ticket keys → TLS_PIN_MISMATCH', async () => {
    const ticketKeys = randomBytes(48);
    const real = makeSelfSignedCert({ cn: 'dcv-gateway' });
    const pin: TrustPolicy = { kind: 'pin', fingerprints: [fingerprintOf(real.cert)] };
    const first = await ticketServer(real, ticketKeys);
    const target = { host: '127.0.0.1', port: first.port };
    const reused: boolean[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await dial({ target, route: 'DIRECT', trust: pin });
      reused.push(r.socket.isSessionReused());
      await new Promise((resolve) => r.socket.once('data', resolve).resume());
      r.socket.destroy();
    }
    expect(reused).toEqual([false, false, false]);
    expect(first.resumed).toEqual([false, false, false]);
    await new Promise((r) => first.server.close(r));

    const changed = makeSelfSignedCert({ cn: 'dcv-gateway' });
    const second = await ticketServer(changed, ticketKeys, first.port);
    try {
      const e = await dialFailure(dial({ target, route: 'DIRECT', trust: pin }));
      expect(e.code).toBe('TLS_PIN_MISMATCH');
      expect(e.details.presented).toMatchObject({ fingerprint256: fingerprintOf(changed.cert) });
      expect(second.resumed.every((r) => !r)).toBe(true);
    } finally {
      await new Promise((r) => second.server.close(r));
    }
  });
});

describe('dial failures on the path', () => {
  const { key, cert } = makeSelfSignedCert({});
  const pin: TrustPolicy = { kind: 'pin', fingerprints: [fingerprintOf(cert)] };
  const base = (over: Partial<DialOptions>): DialOptions => ({ target: { host: '127.0.0.1', port: 1 }, route: 'DIRECT', trust: pin, ...over });

  it('a name under .invalid → DNS_NOT_FOUND at the dns step', async () => {
    const { steps, onStep } = recordSteps();
    const e = await dialFailure(dial(base({ target: { host: 'vpce-nothing.invalid', port: 8443 }, onStep })));
    expect(e.code).toBe('DNS_NOT_FOUND');
    expect(steps).toHaveLength(1);
    expect(steps[0]).toMatchObject({ step: 'dns', status: 'fail', code: 'DNS_NOT_FOUND' });
  });

  it('a closed loopback port → TCP_REFUSED', async () => {
    const port = await closedPort();
    const e = await dialFailure(dial(base({ target: { host: '127.0.0.1', port } })));
    expect(e.code).toBe('TCP_REFUSED');
    expect(e.details.address).toBe(`127.0.0.1:${port}`);
  });

  it('a port whose SYNs go unanswered → TCP_TIMEOUT; as a proxy → PROXY_UNREACHABLE, which falls back to DIRECT', async () => {
    const hole = await blackholePort();
    const tlsPeer = await startTlsPeer({ key, cert });
    try {
      const e = await dialFailure(dial(base({ target: { host: hole.host, port: hole.port }, connectTimeoutMs: 400 })));
      expect(e.code).toBe('TCP_TIMEOUT');
      expect(e.details.timeout).toBe(true);
      const p = await dialFailure(dial(base({ target: { host: tlsPeer.host, port: tlsPeer.port }, route: `PROXY ${hole.host}:${hole.port}`, connectTimeoutMs: 400 })));
      expect(p.code).toBe('PROXY_UNREACHABLE');
      const r = await dial(base({ target: { host: tlsPeer.host, port: tlsPeer.port }, route: `PROXY ${hole.host}:${hole.port}; DIRECT`, connectTimeoutMs: 400 }));
      r.socket.destroy();
      expect(r.route).toEqual({ kind: 'direct' });
    } finally {
      hole.close();
      await tlsPeer.close();
    }
  });

  it('a server that accepts but never speaks TLS → TLS_HANDSHAKE_FAILED on the handshake timeout, socket closed', async () => {
    const silent = await startTlsPeer({ mode: 'silent' });
    try {
      const e = await dialFailure(dial(base({ target: { host: silent.host, port: silent.port }, handshakeTimeoutMs: 300 })));
      expect(e.code).toBe('TLS_HANDSHAKE_FAILED');
      expect(e.details.timeout).toBe(true);
      await silent.allClosed();
    } finally {
      await silent.close();
    }
  });

  it('a reset during the handshake → TLS_HANDSHAKE_FAILED with ECONNRESET', async () => {
    const reset = await startTlsPeer({ mode: 'reset' });
    try {
      const e = await dialFailure(dial(base({ target: { host: reset.host, port: reset.port } })));
      expect(e.code).toBe('TLS_HANDSHAKE_FAILED');
      expect(e.details.errno).toBe('ECONNRESET');
    } finally {
      await reset.close();
    }
  });

  it('a plain HTTP server → TLS_HANDSHAKE_FAILED', async () => {
    const http = await startTlsPeer({ mode: 'http' });
    try {
      const e = await dialFailure(dial(base({ target: { host: http.host, port: http.port } })));
      expect(e.code).toBe('TLS_HANDSHAKE_FAILED');
    } finally {
      await http.close();
    }
  });

  it('abort during the handshake: rejects with the abort reason and closes the socket', async () => {
    const silent = await startTlsPeer({ mode: 'silent' });
    try {
      const ac = new AbortController();
      const p = dial(base({ target: { host: silent.host, port: silent.port }, signal: ac.signal }));
      while (silent.seen.connections === 0) await new Promise((r) => setTimeout(r, 10));
      ac.abort();
      await expect(p).rejects.toMatchObject({ name: 'AbortError' });
      await silent.allClosed();
    } finally {
      await silent.close();
    }
  });

  it('"PROXY <closed port>; DIRECT": the proxy is unreachable, so it falls back to DIRECT', async () => {
    const tlsPeer = await startTlsPeer({ key, cert });
    try {
      const proxyPort = await closedPort();
      const { steps, onStep } = recordSteps();
      const r = await dial(base({ target: { host: tlsPeer.host, port: tlsPeer.port }, route: `PROXY 127.0.0.1:${proxyPort}; DIRECT`, onStep }));
      r.socket.destroy();
      expect(r.route).toEqual({ kind: 'direct' });
      expect(steps.map((s) => `${s.detail.route} ${s.step}:${s.status}`)).toEqual([
        `PROXY 127.0.0.1:${proxyPort} dns:skip`,
        `PROXY 127.0.0.1:${proxyPort} tcp:fail`,
        'DIRECT dns:skip',
        'DIRECT tcp:ok',
        'DIRECT proxy:skip',
        'DIRECT tls:ok',
      ]);
      expect(steps[1].code).toBe('PROXY_UNREACHABLE');
    } finally {
      await tlsPeer.close();
    }
  });

  it('every entry failing reports the last error with the earlier ones', async () => {
    const [a, b] = [await closedPort(), await closedPort()];
    const e = await dialFailure(dial(base({ target: { host: '127.0.0.1', port: b }, route: `PROXY 127.0.0.1:${a}; DIRECT` })));
    expect(e.code).toBe('TCP_REFUSED');
    expect(e.details.earlierRoutes).toEqual([expect.objectContaining({ route: `PROXY 127.0.0.1:${a}`, code: 'PROXY_UNREACHABLE' })]);
  });

  it('rejects SOCKS routes and bad targets with clear errors', async () => {
    await expect(dial(base({ route: 'SOCKS5 127.0.0.1:1080' }))).rejects.toThrow(/not supported/);
    await expect(dial(base({ target: { host: 'bad host\r\nX: y', port: 443 } }))).rejects.toThrow(/not a host name/);
    await expect(dial(base({ target: { host: 'h', port: 443, resolve: [{ host: 'h', port: 443, address: 'nope' }] } }))).rejects.toThrow(/not an IP address/);
  });
});
