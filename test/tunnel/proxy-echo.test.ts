/**
 * Issue 12, item 8: a proxy's 407 is proxy-supplied text, and a hostile or broken proxy can put
 * the credentials it was sent in it (base64 of user:password, the password itself) — in the
 * reason phrase, in Proxy-Authenticate, in other headers and the body. None of it may reach
 * what the launcher writes or shows: the dial's error and its params, the CLI (text and
 * --json), the doctor's report (Markdown and JSON), the tunnel's error page, the app's answers.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createLauncherServices } from '../../main/services/app';
import { serviceClient } from '../../main/services/test-client';
import type { KeytarLike } from '../../main/services/secrets/keytar';
import { main } from '../../tunnel/cli';
import { dial } from '../../tunnel/dial';
import { diagnose } from '../../tunnel/doctor';
import { LocalTunnel } from '../../tunnel/local-tunnel';
import { plainParams } from '../../tunnel/messages';
import { formatReport } from '../../tunnel/report';
import { dialFailure } from '../../tunnel/testing/dial-helpers';
import { closedPort } from '../../tunnel/testing/tls-peer';
import { TunnelClient, removeTestCertDirs, testCertDir } from './helpers';

const PASSWORD = 'Echo-me-Pa55word';
/**
 * A user name per test: a refused password is not sent again (item 5), so each test that wants
 * the proxy's 407 sends a pair the proxy has not refused yet.
 */
const USERS = ['alice-dial', 'alice-doctor', 'alice-cli-0', 'alice-cli-1', 'alice-cli-2', 'alice-cli-3', 'alice-page', 'alice-app'];
const basic = (user: string) => Buffer.from(`${user}:${PASSWORD}`).toString('base64');
/** Everything that must not come out, in the forms a proxy could send it back. */
const LEAKS = [...USERS.map(basic), PASSWORD, Buffer.from(PASSWORD).toString('base64'), encodeURIComponent(PASSWORD)];

function expectNoLeak(text: string, where: string): void {
  for (const leak of LEAKS) expect(text, `${where} holds ${leak}`).not.toContain(leak);
}

/** A proxy that answers every CONNECT with a 407 that quotes what it was sent. */
async function echoingProxy(): Promise<{ port: number; connects: number; close(): Promise<void> }> {
  const state = { connects: 0 };
  const server: Server = createServer((s) => {
    let head = '';
    s.on('error', () => {});
    s.on('data', (d) => {
      head += d.toString('latin1');
      if (!head.includes('\r\n\r\n')) return;
      state.connects++;
      const sent = /^Proxy-Authorization: Basic (\S+)/im.exec(head)?.[1] ?? basic(USERS[0]);
      const body = `<html>Your credentials ${sent} (${PASSWORD}) were refused</html>`;
      s.end(
        `HTTP/1.1 407 ${sent} ${PASSWORD} refused\r\n` +
          `Proxy-Authenticate: Basic realm="${sent}"\r\n` +
          `Proxy-Authenticate: ${sent}\r\n` +
          `Proxy-Agent: echo ${PASSWORD}\r\n` +
          `X-Echo: ${sent}\r\n` +
          `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
      );
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as { port: number }).port,
    get connects() {
      return state.connects;
    },
    close: () => new Promise((r) => server.close(() => r())),
  };
}

const dirs: string[] = [];
let proxy: Awaited<ReturnType<typeof echoingProxy>>;
let down: number;
beforeAll(async () => {
  proxy = await echoingProxy();
  down = await closedPort();
});
afterAll(async () => {
  await proxy.close();
  removeTestCertDirs();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const credentials = (user: string) => ({ username: user, password: PASSWORD });

describe('a 407 that carries the credentials back', () => {
  it('the dial error: message, params; only the status, a fixed phrase and the scheme', async () => {
    const e = await dialFailure(dial({ target: { host: '127.0.0.1', port: down }, route: `PROXY 127.0.0.1:${proxy.port}`, proxyCredentials: credentials('alice-dial'), trust: { kind: 'system' } }));
    expect(e.code).toBe('PROXY_AUTH_REQUIRED');
    expect(e.details).toMatchObject({ proxyStatus: 407, proxyStatusText: 'Proxy Authentication Required', proxyAuthenticate: 'Basic, other', credentialsSent: true });
    expectNoLeak(e.message, 'message');
    expectNoLeak(JSON.stringify(e.details), 'details');
    expectNoLeak(JSON.stringify(plainParams(e.details)), 'params');
  });

  it('the doctor report, Markdown and JSON, told the password as the app tells it', async () => {
    const diagnosis = await diagnose({
      upstream: { host: '127.0.0.1', port: down, pathPrefix: '/' },
      route: `PROXY 127.0.0.1:${proxy.port}`,
      proxyCredentials: credentials('alice-doctor'),
      trust: { kind: 'system' },
    });
    expect(diagnosis.steps.find((s) => s.id === 'proxy')).toMatchObject({ status: 'fail', code: 'PROXY_AUTH_REQUIRED' });
    expectNoLeak(JSON.stringify(diagnosis), 'diagnosis');
    for (const format of ['markdown', 'json'] as const) expectNoLeak(formatReport(diagnosis, { format, secrets: [PASSWORD] }), format);
  });

  it('the CLI, text and --json, tunnel and doctor', async () => {
    for (const [i, args] of [[], ['--json'], ['doctor'], ['doctor', '--json']].entries()) {
      let written = '';
      const capture = (chunk: unknown) => ((written += String(chunk)), true);
      const out = vi.spyOn(process.stdout, 'write').mockImplementation(capture);
      const err = vi.spyOn(process.stderr, 'write').mockImplementation(capture);
      const saved = process.env.DCV_TUNNEL_PROXY_PASSWORD;
      process.env.DCV_TUNNEL_PROXY_PASSWORD = PASSWORD;
      try {
        const [first, ...rest] = args;
        const command = first === 'doctor' ? ['doctor'] : [];
        const flags = first === 'doctor' ? rest : args;
        await main([...command, '--target', `https://127.0.0.1:${down}/`, '--proxy', `http://alice-cli-${i}@127.0.0.1:${proxy.port}`, '--cert-dir', testCertDir(), ...flags]);
      } finally {
        out.mockRestore();
        err.mockRestore();
        if (saved === undefined) delete process.env.DCV_TUNNEL_PROXY_PASSWORD;
        else process.env.DCV_TUNNEL_PROXY_PASSWORD = saved;
        process.removeAllListeners('SIGINT');
        process.removeAllListeners('SIGTERM');
      }
      expect(written).toContain('407');
      expectNoLeak(written, `dcv-tunnel ${args.join(' ')}`);
    }
  });

  it('the tunnel’s error page, HTML and JSON', async () => {
    const tunnel = await LocalTunnel.start({
      upstream: { host: '127.0.0.1', port: down, pathPrefix: '/' },
      route: `PROXY 127.0.0.1:${proxy.port}`,
      proxyCredentials: credentials('alice-page'),
      trust: { kind: 'system' },
      certDir: testCertDir(),
    });
    try {
      const c = new TunnelClient(tunnel);
      await c.signIn();
      const html = await c.get('/');
      expect(html.status).toBe(502);
      expectNoLeak(html.text, 'page');
      const json = await c.get('/', { Accept: 'application/json' });
      expectNoLeak(json.text, 'JSON page');
      expectNoLeak(JSON.stringify(tunnel.stats()), 'stats (the UI’s last error)');
    } finally {
      await tunnel.close();
    }
  });

  it('the app: the open’s answer, the doctor’s steps and report', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dcv-echo-'));
    dirs.push(dir);
    const noKeytar = async (): Promise<KeytarLike> => {
      throw new Error('no keytar in this test');
    };
    const services = await createLauncherServices({ dataDir: dir, certDir: join(dir, 'certs'), env: {}, loadKeytar: noKeytar });
    try {
      const { call } = serviceClient(services);
      await call('endpoint.save', { id: 'ep', name: 'ep', host: '127.0.0.1', proxy: { mode: 'manual', url: `http://127.0.0.1:${proxy.port}`, username: 'alice-app' }, tls: { mode: 'pin' } });
      await call('desktop.save', { desktop: { id: 'd1', name: 'one', endpointId: 'ep', route: { kind: 'port', port: down } } });
      await call('secrets.setProxyPassword', { endpointId: 'ep', username: 'alice-app', password: PASSWORD });
      const opened = await call('connection.open', { desktopId: 'd1' });
      expect(opened).toMatchObject({ kind: 'needs-proxy-credentials', reason: 'rejected' });
      expectNoLeak(JSON.stringify(opened), 'open');
      const diagnosis = await call('doctor.run', { desktopId: 'd1' });
      expectNoLeak(JSON.stringify(diagnosis), 'doctor.run');
      for (const format of ['markdown', 'json'] as const) expectNoLeak((await call('doctor.report', { desktopId: 'd1', format })).text, `doctor.report ${format}`);
    } finally {
      await services.close();
    }
  });
});
