/**
 * THE scenario: a user with an empty launcher imports a .dcv file for a desktop behind a
 * private VPC endpoint name that only the corporate proxy (real squid, Basic auth) resolves,
 * and connects, answering each question the launcher asks. Every call goes through the
 * contract's validation (dispatch) into createLauncherServices' handlers, as the shells do;
 * after every step the catalogue file on disk is read back and validated by the store's reader.
 *
 * The order of the questions follows the path: the certificate can only be read through the
 * proxy, so the proxy's 407 comes before the first-use trust prompt.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect as netConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Channel, ConnectionInfo, EventName, LauncherServices, OpenResult, Request, Responses } from '../../preload/contract/api';
import { dispatch } from '../../main/dispatch';
import { createLauncherServices } from '../../main/services/app';
import { CATALOGUE_FILE } from '../../main/services/store/catalogue-store';
import { readCatalogueText } from '../../main/services/store/document';
import { needBinaries } from '../peers/binaries';
import { startSquid, type SquidPeer } from '../peers/squid';
import { startSimulator, type Simulator } from '../sim/simulator';
import { LaunchClient } from './launch-client';

const ENDPOINT = 'vpce-0a1b2c3d4e5f67890-abcdefgh.vpce-svc-0123456789abcdef0.ap-northeast-1.vpce.amazonaws.com';
const USER = { username: 'alice', password: 'w0nder:l@nd%' };

describe.skipIf(!needBinaries('squid', 'htpasswd'))('scenario: import a .dcv file and connect through squid', () => {
  let sim: Simulator;
  let squid: SquidPeer;
  let dataDir: string;
  let services: LauncherServices;

  beforeAll(async () => {
    // The agent accepts only the endpoint's name as Host, like a locked-down dcv.conf.
    sim = await startSimulator({ name: 'agent1', hostRegex: '^vpce-.*\\.vpce\\.amazonaws\\.com$' });
    squid = await startSquid({ users: [USER], hosts: { [ENDPOINT]: '127.0.0.1' }, sslPorts: [443, sim.port] });
    dataDir = mkdtempSync(join(tmpdir(), 'dcv-scenario-'));
    services = await createLauncherServices({
      dataDir,
      certDir: join(dataDir, 'certs'),
      env: {},
      // No keychain here: secrets stay in memory, as on a machine without one.
      loadKeytar: async () => {
        throw new Error('keytar is not used in this test');
      },
    });
  });
  afterAll(async () => {
    await services?.close();
    await squid?.close();
    await sim?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('empty → import → 407 → password → trust → opened → the desktop answers → closed; the store file valid at every step', async () => {
    const events: Array<{ event: EventName; payload: unknown }> = [];
    services.subscribe((event, payload) => events.push({ event, payload }));
    const file = join(dataDir, CATALOGUE_FILE);
    const steps: string[] = [];
    let written = false;
    /** The catalogue file as another program would read it: valid, never holding a secret; once written, always there. */
    const checkStore = (step: string) => {
      steps.push(step);
      if (!existsSync(file)) {
        expect(written, `catalogue.json disappeared after "${step}"`).toBe(false);
        return;
      }
      written = true;
      const text = readFileSync(file, 'utf8');
      const read = readCatalogueText(text);
      expect(read.ok ? 'valid' : read.message, `catalogue.json after "${step}"`).toBe('valid');
      expect(text).not.toContain(USER.password);
    };
    const call = async <C extends Channel>(channel: C, request: Request<C>): Promise<Responses[C]> => {
      const result = await dispatch(services.handlers, channel, request);
      if (!result.ok) throw new Error(`${channel}: ${result.error.code} ${result.error.message}`);
      checkStore(channel);
      return result.value as Responses[C];
    };

    // 0. An empty launcher.
    const empty = await call('catalogue.get', {});
    expect(empty.catalogue.desktops).toEqual([]);

    // 1. The .dcv file the admins sent: the private name, the NLB port, the corporate proxy.
    const dcv = [
      '[version]',
      'format=1.0',
      '[connect]',
      `host=${ENDPOINT}`,
      `port=${sim.port}`,
      'weburlpath=/',
      'proxytype=HTTP',
      `proxyhost=${squid.host}`,
      `proxyport=${squid.port}`,
      `proxyuser=${USER.username}`,
      'certificatevalidationpolicy=accept-untrusted',
      '',
    ].join('\r\n');
    const request = { format: 'dcv' as const, text: dcv, fileName: 'agent1.dcv' };
    const preview = await call('import.preview', request);
    expect(preview.endpoints).toHaveLength(1);
    expect(preview.endpoints[0]).toMatchObject({ host: ENDPOINT, proxy: { mode: 'manual', url: squid.url, username: USER.username }, tls: { mode: 'pin' } });
    expect(preview.desktops).toEqual([expect.objectContaining({ name: 'agent1', route: { kind: 'port', port: sim.port } })]);
    expect(await call('import.apply', request)).toEqual({ endpoints: 1, desktops: 1, profiles: 0 });
    expect(existsSync(file)).toBe(true);
    const view = await call('catalogue.get', {});
    const desktopId = view.catalogue.desktops[0].id;
    const endpointId = view.catalogue.endpoints[0].id;
    expect(events.some((e) => e.event === 'catalogue.changed')).toBe(true);

    // 2. Connect: the proxy wants a password, and the launcher has none.
    const denied = () => squid.accessLog().filter((l) => l.includes('CONNECT') && / TCP_DENIED\/407 /.test(l)).length;
    const first = await call('connection.open', { desktopId });
    expect(first).toEqual({ kind: 'needs-proxy-credentials', endpointId, proxy: squid.url, username: USER.username, reason: 'missing' });
    await expect.poll(denied).toBe(1);
    expect(sim.stats().httpRequests + sim.stats().upgrades).toBe(0);

    // 3. The user types it; it goes to the secret store, not the catalogue.
    const status = await call('secrets.setProxyPassword', { endpointId, username: USER.username, password: USER.password });
    expect(status).toMatchObject({ backend: 'memory', persistent: false });

    // 4. Connect: through the proxy now, the agent's self-signed certificate is unknown.
    const second = (await call('connection.open', { desktopId })) as Extract<OpenResult, { kind: 'needs-trust' }>;
    expect(second.kind).toBe('needs-trust');
    expect(second.inspection).toMatchObject({ key: `${ENDPOINT}:${sim.port}`, state: 'untrusted', namesEndpoint: false });
    expect(second.inspection.presented.fingerprint256).toBe(sim.fingerprint);
    // Read with a handshake only: not one HTTP byte reached the desktop.
    expect(sim.stats().httpRequests + sim.stats().upgrades).toBe(0);

    // 5. The user compares the fingerprint and trusts it.
    const entry = await call('trust.accept', { key: second.inspection.key, fingerprint: second.inspection.presented.fingerprint256, persist: true });
    expect(entry.fingerprints).toEqual([sim.fingerprint]);
    expect((await call('trust.list', {})).map((e) => e.key)).toEqual([`${ENDPOINT}:${sim.port}`]);

    // 6. Connect: opened.
    const third = (await call('connection.open', { desktopId })) as Extract<OpenResult, { kind: 'opened' }>;
    expect(third.kind).toBe('opened');
    expect(third.openIn).toBe('window');
    expect(third.connection.state).toEqual({ kind: 'open' });
    expect(denied()).toBe(1);
    const listed = await call('connection.list', {});
    expect(listed.map((c) => [c.desktopId, c.state.kind, c.port])).toEqual([[desktopId, 'open', third.connection.port]]);
    const afterOpen = await call('catalogue.get', {});
    expect(afterOpen.catalogue.recents[0]).toMatchObject({ desktopId, outcome: 'ok' });
    expect(afterOpen.health[desktopId]).toMatchObject({ status: 'ok' });

    // 7. The desktop answers through the tunnel: sign-in on <base>auth, an echo on <base>ws.
    const { client, location } = await LaunchClient.signIn(third.launchUrl, join(dataDir, 'certs'));
    expect(location).toBe('/');
    const page = await client.get(location);
    expect(page.status).toBe(200);
    expect(page.text).toContain('agent1');
    expect(await client.auth()).toMatchObject({ mode: 'none', result: 'OK', sessionTargets: [{ sessionId: 'console' }] });
    const echo = await client.channel('echo');
    expect(echo.agent).toBe('agent1');
    expect(echo.landed?.host).toBe(`${ENDPOINT}:${sim.port}`);
    expect((await echo.echo(Buffer.from('through squid'))).toString()).toBe('through squid');
    await echo.close();
    checkStore('desktop answered');
    expect(squid.accessLog().some((l) => l.includes(`CONNECT ${ENDPOINT}:${sim.port}`) && l.includes(USER.username) && / TCP_TUNNEL\/200 /.test(l))).toBe(true);

    // 8. Close: the tunnel is gone.
    expect(await call('connection.close', { desktopId })).toEqual({ closed: true });
    expect(await call('connection.list', {})).toEqual([]);
    const changes = events.filter((e) => e.event === 'connection.changed').map((e) => (e.payload as ConnectionInfo).state.kind);
    expect(changes).toEqual(['connecting', 'connecting', 'connecting', 'connecting', 'open', 'closed']);
    const refused = await new Promise<boolean>((resolve) => {
      const s = netConnect({ host: '127.0.0.1', port: third.connection.port });
      s.once('connect', () => (s.destroy(), resolve(false)));
      s.once('error', () => resolve(true));
    });
    expect(refused).toBe(true);
    expect(denied()).toBe(1);
    expect(steps.length).toBeGreaterThanOrEqual(14);
  });
});
