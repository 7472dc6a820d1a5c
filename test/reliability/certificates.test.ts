/**
 * Certificates over time: the pin is checked on every dial (never skipped by TLS session
 * resumption), a certificate that changes behind a pinned desktop stops it for good (no
 * silent retry), and the tunnel's own localhost certificate is made anew when the cached one
 * is expired or not yet valid.
 */
import { randomBytes, X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, connect as tlsConnect, type Server, type TLSSocket } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeSelfSignedCert, fingerprintOf } from '../sim/cert';
import { startSimulator, type Simulator } from '../sim/simulator';
import { dial } from '../../tunnel/dial';
import { isTunnelError, type TunnelError } from '../../tunnel/errors';
import { loadOrCreateLocalCertificate } from '../../tunnel/local-cert';
import { LocalTunnel } from '../../tunnel/local-tunnel';
import { startLauncher, type Launcher } from './launcher';
import { eventually, recordFigure, sleep, startFigures, unhandledCounter } from './record';

const SUITE = 'certificates';
const DAY = 24 * 3600 * 1000;
const unhandled = unhandledCounter();
const dirs: string[] = [];

beforeAll(() => startFigures(SUITE, 'Certificates'));
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  unhandled.dispose();
});

function record(what: string, outcome: string): void {
  expect(unhandled.messages).toEqual([]);
  recordFigure(SUITE, { case: what, Outcome: outcome });
}

/** A TLS server that issues session tickets with fixed ticket keys, so a second one can resume its sessions. */
function ticketServer(cert: { key: string; cert: string }, ticketKeys: Buffer, port = 0): Promise<{ server: Server; port: number; handshakes: { resumed: boolean }[] }> {
  const handshakes: { resumed: boolean }[] = [];
  const server = createServer({ key: cert.key, cert: cert.cert, ticketKeys }, (s: TLSSocket) => {
    handshakes.push({ resumed: s.isSessionReused() });
    s.on('error', () => {});
    s.end('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n');
  });
  server.on('tlsClientError', () => {});
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve({ server, port: (server.address() as { port: number }).port, handshakes }));
  });
}

const closeServer = (s: Server) => new Promise<void>((r) => s.close(() => r()));

describe('the pin and TLS session resumption', () => {
  it('every dial is a full handshake that shows the certificate; an impostor holding the ticket keys is refused', async () => {
    const ticketKeys = randomBytes(48);
    const real = makeSelfSignedCert({ cn: 'dcv-gateway' });
    const impostorCert = makeSelfSignedCert({ cn: 'dcv-gateway' });
    const pin = { kind: 'pin' as const, fingerprints: [fingerprintOf(real.cert)] };
    const first = await ticketServer(real, ticketKeys);
    const target = { host: '127.0.0.1', port: first.port };

    // The server offers tickets: a plain client gets a session it could resume with.
    const session = await new Promise<Buffer | undefined>((resolve) => {
      let got: Buffer | undefined;
      const c = tlsConnect({ ...target, rejectUnauthorized: false }, () => c.resume());
      c.on('session', (s: Buffer) => (got = s));
      c.on('close', () => resolve(got));
      c.on('error', () => {});
    });
    expect(session).toBeInstanceOf(Buffer);

    const dials = [];
    for (let i = 0; i < 3; i++) {
      const r = await dial({ target, route: 'DIRECT', trust: pin });
      dials.push({ reused: r.socket.isSessionReused(), fingerprint: r.certificate.fingerprint256 });
      // The server answers once its side of the handshake is done: then it has counted it.
      await new Promise((resolve) => r.socket.once('data', resolve).resume());
      r.socket.destroy();
    }
    expect(dials.every((d) => !d.reused && d.fingerprint === pin.fingerprints[0])).toBe(true);
    await eventually(() => first.handshakes.length === 4, 'the server saw every handshake');
    expect(first.handshakes.filter((h) => h.resumed)).toEqual([]);
    await closeServer(first.server);

    // Same port, same ticket keys, another certificate: an impostor that can resume the real server's sessions.
    const impostor = await ticketServer(impostorCert, ticketKeys, first.port);
    try {
      const naive = await new Promise<{ reused: boolean; sawCertificate: boolean }>((resolve, reject) => {
        const c = tlsConnect({ ...target, rejectUnauthorized: false, session }, () => {
          const seen = { reused: c.isSessionReused(), sawCertificate: c.getPeerX509Certificate() !== undefined };
          c.once('data', () => (c.destroy(), resolve(seen)));
        });
        c.on('error', reject);
      });
      // The hazard is real: resuming skips the certificate altogether.
      expect(naive).toEqual({ reused: true, sawCertificate: false });

      const refused = await dial({ target, route: 'DIRECT', trust: pin }).then(
        (r) => (r.socket.destroy(), undefined),
        (e: unknown) => e,
      );
      expect(isTunnelError(refused) && refused.code).toBe('TLS_PIN_MISMATCH');
      expect((refused as TunnelError).details.presented?.fingerprint256).toBe(fingerprintOf(impostorCert.cert));
      expect(impostor.handshakes.filter((h) => h.resumed)).toHaveLength(1); // only the naive client's
    } finally {
      await closeServer(impostor.server);
    }
    record(
      'pin vs TLS session resumption (server issues tickets; an impostor on the same port holds the ticket keys)',
      `${dials.length} dials, ${dials.filter((d) => d.reused).length} resumed: each showed and matched the pin; a resuming client reaches the impostor without seeing a certificate, dial() refuses it: TLS_PIN_MISMATCH`,
    );
  });
});

describe('a pinned desktop whose certificate changes', () => {
  let launcher: Launcher;
  beforeAll(async () => {
    launcher = await startLauncher({ timeouts: { connectMs: 2_000, handshakeMs: 2_000 } });
  });
  afterAll(() => launcher?.close());

  it('while it is reconnecting: failed TLS_PIN_MISMATCH at the next probe, never retried, no byte to the impostor', async () => {
    const cert = makeSelfSignedCert({ cn: 'dcv-gateway' });
    let sim: Simulator = await startSimulator({ name: 'agent-C', cert });
    const port = sim.port;
    try {
      const id = await launcher.addDesktop('cert', '127.0.0.1', port);
      const opened = await launcher.trustAndOpen(id);
      const client = await launcher.signIn(opened);
      expect((await client.get('/')).status).toBe(200);

      // The desktop goes away; the page's next request tells the connection, which starts probing.
      await sim.close();
      expect((await client.get('/', { Accept: 'application/json' })).status).toBe(502);
      await eventually(() => launcher.states(id).some((s) => s.kind === 'reconnecting' && s.attempt >= 2), 'probing');

      // Back on the same port with another certificate (a reinstalled server, or someone else).
      sim = await startSimulator({ name: 'impostor', port });
      await eventually(() => launcher.manager.get(id)?.state.kind === 'failed', 'failed');
      const state = launcher.manager.get(id)!.state;
      expect(state).toMatchObject({ kind: 'failed', code: 'TLS_PIN_MISMATCH' });
      const statesAtFailure = launcher.states(id).length;
      // Time for probes that must not come.
      await sleep(2_000);
      expect(launcher.states(id)).toHaveLength(statesAtFailure);
      expect(launcher.manager.get(id)!.state.kind).toBe('failed');

      // The page is told, and the desktop's port keeps answering with the code.
      const page = await client.get('/', { Accept: 'application/json' });
      expect(page.status).toBe(502);
      expect(JSON.parse(page.text)).toMatchObject({ error: { code: 'TLS_PIN_MISMATCH' } });
      expect(sim.stats().httpRequests + sim.stats().upgrades).toBe(0);
      // Opening it again asks the user about the change instead of connecting.
      const again = await launcher.open(id);
      expect(again.kind).toBe('certificate-changed');
      const probes = launcher.states(id).filter((s) => s.kind === 'reconnecting').length;
      record(
        'pinned desktop back on its port with another certificate, found by a reconnect probe',
        `failed TLS_PIN_MISMATCH after ${probes} probe(s), no probe after that; page 502 TLS_PIN_MISMATCH; 0 requests reached the impostor; opening again → certificate-changed`,
      );
    } finally {
      await sim.close();
    }
  });
});

describe('the tunnel’s own localhost certificate', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({ name: 'agent-L' });
  });
  afterAll(() => sim?.close());

  for (const [what, now] of [
    ['expired', new Date(Date.now() - 60 * DAY)],
    ['not yet valid', new Date(Date.now() + 2 * DAY)],
    ['expiring within a day', new Date(Date.now() - 29.5 * DAY)],
  ] as const) {
    it(`a cached certificate that is ${what} is replaced when a tunnel starts`, async () => {
      const certDir = mkdtempSync(join(tmpdir(), 'dcv-rel-cert-'));
      dirs.push(certDir);
      const stale = await loadOrCreateLocalCertificate(certDir, { now });
      const tunnel = await LocalTunnel.start({
        upstream: { host: sim.host, port: sim.port, pathPrefix: '/' },
        route: 'DIRECT',
        trust: { kind: 'pin', fingerprints: [sim.fingerprint] },
        certDir,
      });
      try {
        expect(tunnel.fingerprint).not.toBe(stale.fingerprint);
        // What a client is shown is the fresh certificate, valid now, and it verifies against it.
        const seen = await new Promise<X509Certificate>((resolve, reject) => {
          const c = tlsConnect({ host: '127.0.0.1', port: tunnel.port, ca: tunnel.certPem, servername: 'localhost' }, () => {
            resolve(c.getPeerX509Certificate()!);
            c.destroy();
          });
          c.on('error', reject);
        });
        expect(new Date(seen.validFrom).getTime()).toBeLessThanOrEqual(Date.now());
        expect(new Date(seen.validTo).getTime()).toBeGreaterThan(Date.now() + DAY);
        expect(seen.raw.equals(new X509Certificate(tunnel.certPem).raw)).toBe(true);
        // And the next start reuses it (the window's trusted fingerprint stays the same).
        expect((await loadOrCreateLocalCertificate(certDir)).fingerprint).toBe(tunnel.fingerprint);
        record(`local certificate ${what}`, `replaced at tunnel start; clients get one valid until ${seen.validTo}; reused afterwards`);
      } finally {
        await tunnel.close();
      }
    });
  }
});
