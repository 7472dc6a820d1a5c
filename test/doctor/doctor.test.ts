/**
 * Every code and warning the doctor can give, reproduced against the simulator on loopback.
 * Proxy cases with real squid are in proxy.test.ts, the nginx router in router.test.ts.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DiagnoseInput } from '../../tunnel/doctor';
import { issueLeaf, makeCa } from '../../tunnel/testing/ca';
import type { DiagnosisStep } from '../../tunnel/types';
import { needBinaries } from '../peers/binaries';
import { freePort } from '../peers/process';
import { fingerprintOf, makeSelfSignedCert, startSimulator, type Simulator } from '../sim/simulator';
import { diagnose, expectStep, expectWarning, step } from './helpers';

const DAY = 86_400_000;
/** The field's locked-down regexes (BRIEF: Host/Origin rejected). */
const FIELD_HOST_REGEX = '^(10\\.213\\.66\\.188|vpce-.*\\.vpce\\.amazonaws\\.com)$';
const FIELD_ORIGIN_REGEX = '^https://(10\\.213\\.66\\.188|vpce-.*\\.vpce\\.amazonaws\\.com)(:[0-9]+)?$';
const VPCE = 'vpce-0abc123-def45678.vpce-svc-0123456789abcdef0.eu-west-1.vpce.amazonaws.com';

const sims: Simulator[] = [];
async function sim(opts: Parameters<typeof startSimulator>[0] = {}): Promise<Simulator> {
  const s = await startSimulator({ keepaliveMs: 60_000, ...opts });
  sims.push(s);
  return s;
}
afterAll(() => Promise.all(sims.map((s) => s.close())));

function pinned(s: Simulator, extra: Partial<DiagnoseInput> = {}): DiagnoseInput {
  return {
    upstream: { host: s.host, port: s.port, pathPrefix: '/' },
    route: 'DIRECT',
    routeReason: 'Endpoint → Proxy: Direct',
    trust: { kind: 'pin', fingerprints: [s.fingerprint] },
    timeouts: { connectMs: 5000, handshakeMs: 5000, httpMs: 5000 },
    ...extra,
  };
}

describe('doctor: a healthy path', () => {
  it('is OK end to end with a CA-signed certificate naming the endpoint, in path order, reported live', async () => {
    const ca = makeCa();
    const s = await sim({ cert: issueLeaf(ca, { cn: 'agent', san: ['127.0.0.1'] }) });
    const live: DiagnosisStep['id'][] = [];
    const d = await diagnose(pinned(s, { trust: { kind: 'ca', ca: ca.cert } }), { onStep: (x) => live.push(x.id) });
    expect(live).toEqual(['dns', 'tcp', 'proxy', 'tls', 'http', 'websocket']);
    expectStep(d, 'websocket', 'ok', 'OK');
    // An IP needs no lookup: dns is skipped, everything else passes without a warning.
    expect(d.steps.map((x) => `${x.id}:${x.status}`)).toEqual(['dns:skip', 'tcp:ok', 'proxy:ok', 'tls:ok', 'http:ok', 'websocket:ok']);
    expect(step(d, 'proxy').detail.summary).toBe('DIRECT: Endpoint → Proxy: Direct');
    expect(step(d, 'http').detail).toMatchObject({ status: 200, headers: { 'x-frame-options': 'DENY' } });
    expect(s.stats().byPath['/auth']).toBe(1);
    expect(s.stats().upgrades).toBe(1);
  });

  it('sends the Host and Origin the tunnel sends (endpoint name via an address override)', async () => {
    const s = await sim({ hostRegex: FIELD_HOST_REGEX, originRegex: FIELD_ORIGIN_REGEX });
    const d = await diagnose(
      pinned(s, { upstream: { host: VPCE, port: s.port, pathPrefix: '/', resolve: [{ host: VPCE, port: s.port, address: '127.0.0.1' }] } }),
    );
    expectStep(d, 'websocket', 'ok', 'OK');
    expect(s.stats().lastHost).toBe(`${VPCE}:${s.port}`);
    expect(s.stats().lastOrigin).toBe(`https://${VPCE}:${s.port}`);
  });
});

describe('doctor: dns and tcp', () => {
  it('DNS_NOT_FOUND for a name that does not resolve', async () => {
    const d = await diagnose({ ...pinned(await sim()), upstream: { host: 'vpce-missing.example.invalid', port: 8443, pathPrefix: '/' } });
    const s = expectStep(d, 'dns', 'fail', 'DNS_NOT_FOUND');
    expect(s.hint).toContain('Address override');
  });

  it('TCP_REFUSED on a closed loopback port', async () => {
    const port = await freePort('127.0.0.1');
    const d = await diagnose({ ...pinned(await sim()), upstream: { host: '127.0.0.1', port, pathPrefix: '/' } });
    const s = expectStep(d, 'tcp', 'fail', 'TCP_REFUSED');
    expect(s.hint).toContain(String(port));
  });

  // A real connect timeout on loopback: a listener that never accepts, whose accept queue
  // (listen backlog 0) is already full, makes the kernel drop further SYNs. Node always accepts,
  // so the listener is a tiny python3 process.
  describe.skipIf(!needBinaries('python3'))('with a listener whose accept queue is full', () => {
    let child: ChildProcess;
    let filler: Socket;
    let port: number;
    beforeAll(async () => {
      child = spawn('python3', ['-c', 'import socket,sys,time\ns=socket.socket();s.bind(("127.0.0.1",0));s.listen(0)\nprint(s.getsockname()[1],flush=True)\ntime.sleep(600)'], {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      port = await new Promise<number>((resolve, reject) => {
        child.stdout!.once('data', (b: Buffer) => resolve(Number(b.toString().trim())));
        child.once('exit', (c) => reject(new Error(`python3 exited ${c}`)));
      });
      filler = await new Promise<Socket>((resolve, reject) => {
        const s = connect(port, '127.0.0.1', () => resolve(s));
        s.once('error', reject);
      });
    });
    afterAll(() => {
      filler?.destroy();
      child?.kill('SIGKILL');
    });

    it('TCP_TIMEOUT when SYNs go unanswered', async () => {
      const d = await diagnose({
        ...pinned(await sim()),
        upstream: { host: '127.0.0.1', port, pathPrefix: '/' },
        timeouts: { connectMs: 1500, handshakeMs: 5000, httpMs: 5000 },
      });
      const s = expectStep(d, 'tcp', 'fail', 'TCP_TIMEOUT');
      expect(s.hint).toMatch(/security group[\s\S]*NACL[\s\S]*target group health/);
    });
  });
});

describe('doctor: a route it cannot use', () => {
  it('reports a route the tunnel refuses (SOCKS) as a failure, not a throw', async () => {
    const d = await diagnose(pinned(await sim(), { route: 'SOCKS5 127.0.0.1:1080' }));
    const s = expectStep(d, 'dns', 'fail', 'UNEXPECTED');
    expect(String(s.detail.message)).toContain('SOCKS5');
  });
});

describe('doctor: proxy (without a proxy process)', () => {
  it('PROXY_UNREACHABLE when the proxy port is closed', async () => {
    const port = await freePort('127.0.0.1');
    const d = await diagnose(pinned(await sim(), { route: `PROXY 127.0.0.1:${port}`, routeReason: 'Endpoint → Proxy: Custom' }));
    const s = expectStep(d, 'proxy', 'fail', 'PROXY_UNREACHABLE');
    expect(s.hint).toContain(`127.0.0.1:${port}`);
  });

  it('ROUTE_FALLBACK: "PROXY <dead>; DIRECT" works through DIRECT and says what it skipped', async () => {
    const port = await freePort('127.0.0.1');
    const d = await diagnose(pinned(await sim(), { route: `PROXY 127.0.0.1:${port}; DIRECT`, routeReason: 'system proxy (PAC)' }));
    const p = expectWarning(d, 'proxy', 'ROUTE_FALLBACK');
    expect(p.detail.earlierRoutes).toEqual([expect.objectContaining({ route: `PROXY 127.0.0.1:${port}`, code: 'PROXY_UNREACHABLE' })]);
    expect(p.hint).toContain(`PROXY 127.0.0.1:${port}`);
    expect(step(d, 'tcp')).toMatchObject({ status: 'ok' });
    expect(step(d, 'websocket').code).toBe('OK');
  });

  it('SYSTEM_PROXY_WOULD_INTERCEPT: we go direct, a plain browser here would use the proxy', async () => {
    const d = await diagnose(
      pinned(await sim(), { plainBrowserRoute: { route: 'PROXY proxy.corp.example:8080', reason: 'HTTPS_PROXY is set and no NO_PROXY entry matches' } }),
    );
    const s = expectWarning(d, 'proxy', 'SYSTEM_PROXY_WOULD_INTERCEPT');
    expect(s.detail.summary).toMatch(/; a plain browser here would use PROXY proxy\.corp\.example:8080 \(HTTPS_PROXY is set and no NO_PROXY entry matches\)$/);
    expect(s.hint).toContain('a plain browser on this machine would send 127.0.0.1 to PROXY proxy.corp.example:8080 (HTTPS_PROXY is set and no NO_PROXY entry matches): that is why');
    expect(s.hint).toContain('no_proxy');
    expect(step(d, 'websocket').code).toBe('OK');
  });

  it('the route\'s reason as data: routeBecause and the plain browser\'s because reach the summary (flattened) and the advice (as they are)', async () => {
    const routeBecause = { code: 'route.env.noProxyMatched', params: { variable: 'NO_PROXY', entry: '127.0.0.1' } };
    const plainBecause = { code: 'route.env.proxy', params: { variable: 'HTTPS_PROXY', proxy: 'http://proxy.corp.example:8080', noProxyVariable: null } };
    const d = await diagnose(
      pinned(await sim(), {
        routeReason: 'NO_PROXY entry `127.0.0.1` matched',
        routeBecause,
        plainBrowserRoute: { route: 'PROXY proxy.corp.example:8080', reason: 'HTTPS_PROXY is set and NO_PROXY is not', because: plainBecause },
      }),
    );
    const p = expectWarning(d, 'proxy', 'SYSTEM_PROXY_WOULD_INTERCEPT');
    expect(p.summary).toEqual({
      code: 'summary.proxy.plainBrowserDiffers',
      params: {
        because: 'route.env.noProxyMatched',
        'because.variable': 'NO_PROXY',
        'because.entry': '127.0.0.1',
        plainBrowserRoute: 'PROXY proxy.corp.example:8080',
        plainBrowserBecause: 'route.env.proxy',
        'plainBrowserBecause.variable': 'HTTPS_PROXY',
        'plainBrowserBecause.proxy': 'http://proxy.corp.example:8080',
        'plainBrowserBecause.noProxyVariable': null,
      },
    });
    expect(p.advice?.[0].facts).toMatchObject({ routeReason: 'NO_PROXY entry `127.0.0.1` matched', routeBecause, plainBrowserRoute: { because: plainBecause } });
  });

  it('no warning when a plain browser would go direct too', async () => {
    const d = await diagnose(pinned(await sim(), { plainBrowserRoute: { route: 'DIRECT', reason: 'NO_PROXY matches 127.0.0.1' } }));
    expect(step(d, 'proxy').status).toBe('ok');
  });
});

describe('doctor: tls', () => {
  it('TLS_UNTRUSTED: the system store does not trust the self-signed certificate', async () => {
    const s = await sim();
    const d = await diagnose(pinned(s, { trust: { kind: 'system' } }));
    const t = expectStep(d, 'tls', 'fail', 'TLS_UNTRUSTED');
    expect(t.hint).toContain(s.fingerprintHex);
  });

  it('TLS_PIN_MISMATCH: the server presents another certificate than the pinned one', async () => {
    const s = await sim();
    const other = await sim();
    const d = await diagnose(pinned(s, { trust: { kind: 'pin', fingerprints: [other.fingerprint] } }));
    const t = expectStep(d, 'tls', 'fail', 'TLS_PIN_MISMATCH');
    expect(t.hint).toContain(s.fingerprintHex);
    expect(t.hint).toContain('dcv list-endpoints');
  });

  it('TLS_EXPIRED: a CA-trusted certificate past its notAfter', async () => {
    const s = await sim({ certValidity: { notBefore: new Date(Date.now() - 400 * DAY), notAfter: new Date(Date.now() - 35 * DAY) } });
    const d = await diagnose(pinned(s, { trust: { kind: 'ca', ca: s.certPem } }));
    const t = expectStep(d, 'tls', 'fail', 'TLS_EXPIRED');
    expect(t.hint).toContain('expired');
  });

  it('TLS_NAME_MISMATCH: a CA-signed certificate for another host', async () => {
    const ca = makeCa();
    const s = await sim({ cert: issueLeaf(ca, { cn: 'other.example', san: ['other.example'] }) });
    const d = await diagnose(pinned(s, { trust: { kind: 'ca', ca: ca.cert } }));
    const t = expectStep(d, 'tls', 'fail', 'TLS_NAME_MISMATCH');
    expect(t.hint).toContain('other.example');
  });

  it('TLS_HANDSHAKE_FAILED: a listener that accepts TCP and never speaks TLS', async () => {
    const silent = createServer(() => {});
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    try {
      const port = (silent.address() as AddressInfo).port;
      const d = await diagnose({
        ...pinned(await sim()),
        upstream: { host: '127.0.0.1', port, pathPrefix: '/' },
        timeouts: { connectMs: 5000, handshakeMs: 1500, httpMs: 5000 },
      });
      expect(step(d, 'tcp').status).toBe('ok');
      const t = expectStep(d, 'tls', 'fail', 'TLS_HANDSHAKE_FAILED');
      expect(t.hint).toContain('8443');
    } finally {
      silent.close();
    }
  });

  it('CERT_EXPIRED: a pinned certificate still passes after expiry, with a warning', async () => {
    const s = await sim({ certValidity: { notBefore: new Date(Date.now() - 400 * DAY), notAfter: new Date(Date.now() - 2 * DAY) } });
    const d = await diagnose(pinned(s));
    const t = expectWarning(d, 'tls', 'CERT_EXPIRED');
    expect(t.hint).toContain('expired');
    expect(step(d, 'websocket').code).toBe('OK');
  });

  it('CERT_EXPIRES_SOON: pinned, valid for 10 more days', async () => {
    const s = await sim({ certValidity: { notBefore: new Date(Date.now() - 355 * DAY), notAfter: new Date(Date.now() + 10 * DAY) } });
    const d = await diagnose(pinned(s));
    const t = expectWarning(d, 'tls', 'CERT_EXPIRES_SOON');
    expect(t.code).toBe('CERT_EXPIRES_SOON');
    expect(t.hint).toMatch(/in (9|10) days/);
  });

  it('CERT_NAME_MISMATCH: pinned, but the certificate (CN=dcv-gateway) does not name the endpoint', async () => {
    const d = await diagnose(pinned(await sim()));
    const t = expectWarning(d, 'tls', 'CERT_NAME_MISMATCH');
    expect(t.hint).toContain('dcv-gateway');
    expect(step(d, 'websocket').code).toBe('OK');
  });

  it('no name warning when the pinned certificate names the endpoint', async () => {
    const d = await diagnose(pinned(await sim({ cert: makeSelfSignedCert({ cn: 'dcv-gateway', san: ['127.0.0.1'] }) })));
    expect(step(d, 'tls')).toMatchObject({ status: 'ok', code: 'OK' });
  });
});

describe('doctor: http and websocket', () => {
  it('HSTS_SELF_SIGNED: the self-signed server sends Strict-Transport-Security', async () => {
    const d = await diagnose(pinned(await sim()));
    const h = expectWarning(d, 'http', 'HSTS_SELF_SIGNED');
    expect(h.detail).toMatchObject({ status: 200, headers: { 'strict-transport-security': 'max-age=31536000' } });
  });

  it('HTTP_STATUS: the page path is not the server web-url-path (404)', async () => {
    const s = await sim({ webUrlPath: '/dcv/' });
    const d = await diagnose(pinned(s));
    const h = expectStep(d, 'http', 'fail', 'HTTP_STATUS');
    expect(h.detail.status).toBe(404);
    expect(h.hint).toContain('web-url-path');
    // …and right once the path matches.
    expectStep(await diagnose(pinned(s, { webUrlPath: '/dcv/' })), 'websocket', 'ok', 'OK');
    expect(s.stats().byPath['/dcv/auth']).toBe(1);
  });

  it('HTTP_STATUS: the Host we send is not in allowed-http-host-regex (403)', async () => {
    const d = await diagnose(pinned(await sim({ hostRegex: FIELD_HOST_REGEX, originRegex: FIELD_ORIGIN_REGEX })));
    const h = expectStep(d, 'http', 'fail', 'HTTP_STATUS');
    expect(h.detail.status).toBe(403);
    expect(h.hint).toContain('allowed-http-host-regex');
    expect(h.hint).toContain('Host header override');
  });

  it('WS_FORBIDDEN: the Origin of the name we use is not in allowed-ws-origin-regex', async () => {
    const s = await sim({ originRegex: FIELD_ORIGIN_REGEX });
    const d = await diagnose(pinned(s));
    const w = expectStep(d, 'websocket', 'fail', 'WS_FORBIDDEN');
    expect(w.detail.status).toBe(403);
    expect(w.hint).toContain(`Origin: https://127.0.0.1:${s.port}`);
    expect(w.hint).toContain('allowed-ws-origin-regex');
    expect(w.hint).toContain('Origin the server refuses');
    expect(s.stats().lastOrigin).toBe(`https://127.0.0.1:${s.port}`);
    // The endpoint's Origin override is the fix the hint names.
    expectStep(await diagnose(pinned(s, { origin: `https://${VPCE}:${s.port}` })), 'websocket', 'ok', 'OK');
  });

  it('WS_NOT_FOUND: a Connection Gateway that cannot route the session', async () => {
    const d = await diagnose(pinned(await sim({ mode: 'gateway' }), { sessionId: 'console' }));
    const w = expectStep(d, 'websocket', 'fail', 'WS_NOT_FOUND');
    expect(w.hint).toMatch(/no authToken[\s\S]*"console"[\s\S]*\[web-resources\]/);
  });

  it('WS_REDIRECT: auth-token-verifier sends /auth to a broker', async () => {
    const broker = 'https://127.0.0.1:8445/agent/validate-authentication-token';
    const d = await diagnose(pinned(await sim({ mode: 'verifier', brokerUrl: broker })));
    const w = expectStep(d, 'websocket', 'fail', 'WS_REDIRECT');
    expect(w.detail).toMatchObject({ status: 302, headers: { location: broker } });
    expect(w.hint).toContain(broker);
    expect(w.hint).toContain('auth-token-verifier');
  });

  it('UPSTREAM_RESET: a TLS server that closes instead of answering the page', async () => {
    const { key, cert } = makeSelfSignedCert({ cn: 'dcv-gateway', san: ['127.0.0.1'] });
    const mute = createTlsServer({ key, cert }, (socket) => socket.once('data', () => socket.destroy()));
    await new Promise<void>((r) => mute.listen(0, '127.0.0.1', r));
    try {
      const port = (mute.address() as AddressInfo).port;
      const d = await diagnose({ ...pinned(await sim()), upstream: { host: '127.0.0.1', port, pathPrefix: '/' }, trust: { kind: 'pin', fingerprints: [fingerprintOf(cert)] } });
      expect(step(d, 'tls').status).toBe('ok');
      const h = expectStep(d, 'http', 'fail', 'UPSTREAM_RESET');
      expect(h.hint).toContain('closed the connection');
    } finally {
      mute.close();
    }
  });

  it('carries the token on the page and inside the first /ws message, never in a socket URL or a step', async () => {
    const s = await sim({ tokens: { console: ['T0K/3N+'] } });
    let pageQuery: string | undefined;
    const d = await diagnose(pinned(s, { authToken: 'T0K/3N+', sessionId: 'console' }), {
      // Read when the http step ends, before the websocket step makes another request.
      onStep: (x) => void (x.id === 'http' && (pageQuery = s.stats().lastQuery)),
    });
    expect(pageQuery).toBe(`?authToken=${encodeURIComponent('T0K/3N+')}`);
    expect(step(d, 'http').detail.sent).toMatchObject({ path: '/?authToken=[redacted]' });
    expect(step(d, 'http').summary?.params?.path).toBe('/?authToken=[redacted]');
    const w = expectStep(d, 'websocket', 'ok', 'OK');
    expect(s.stats().sockets.at(-1)).toMatchObject({ socket: 'ws', path: '/ws', query: '', sessionId: 'console', tokenPresent: true, outcome: 'confirmed' });
    expect(w.detail.summary).toMatch(/^upgrade \/ws → 101 Switching Protocols, subprotocol dcv; connectionRequest → connectionConfirm \(connection \d+, agent 2024\.0\.0\)$/);
    expect(w.summary).toMatchObject({ code: 'summary.ws.confirm', params: { path: '/ws', serverName: 'agent', serverVersion: '2024.0.0' } });
    expect(JSON.stringify(d)).not.toContain('T0K');
  });
});
