/**
 * `--demo`: simulated DCV agents (test/sim) and a throw-away catalogue pointing at them, so the
 * whole app can be tried with nothing else installed. A dev feature: it imports the test
 * simulators on purpose.
 * - Agents A and B as desktops of an endpoint: A is pre-trusted; B shows the first-use trust prompt.
 * - A Session Manager: a Broker (pre-trusted, client password stored) listing three sessions of
 *   the user signed in to this computer — two READY, one CREATING that becomes READY after a
 *   while — opened through a Connection Gateway whose certificate asks to be trusted on first
 *   use; the agents behind it check every token with the Broker.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import type { Channel, LauncherServices, Request } from '../../preload/contract/api';
import { DEFAULT_CLIENT_ID, DEFAULT_CLIENT_PASSWORD } from '../../test/sim/broker';
import { startSessionManager, type SimSessionManager } from '../../test/sim/session-manager';
import { startSimulator, type Simulator } from '../../test/sim/simulator';
import { dispatch } from '../dispatch';

export interface Demo {
  /** A fresh data folder for the demo's catalogue, trust store and secrets. */
  dataDir: string;
  agents: Simulator[];
  /** The Session Manager: its Broker, its Gateway and the agents behind them. */
  sessionManager: SimSessionManager;
  /** Fills the catalogue through the same API the renderer uses. */
  seed(services: LauncherServices): Promise<void>;
  close(): Promise<void>;
}

/** How long the demo's CREATING session takes to become READY. */
export const DEMO_CREATING_MS = 90_000;

export async function startDemo(options: { user?: string } = {}): Promise<Demo> {
  const dataDir = mkdtempSync(join(tmpdir(), 'dcv-launcher-demo-'));
  const agents = await Promise.all([startSimulator({ name: 'agent-A' }), startSimulator({ name: 'agent-B' })]);
  const [a, b] = agents;
  const sessionManager = await startSessionManager({ user: options.user ?? userInfo().username, creatingMs: DEMO_CREATING_MS });

  async function seed(services: LauncherServices): Promise<void> {
    const call = async <C extends Channel>(channel: C, request: Request<C>) => {
      const result = await dispatch(services.handlers, channel, request);
      if (!result.ok) throw new Error(`demo: ${channel} failed: ${result.error.message}`);
    };
    await call('endpoint.save', { id: 'demo-endpoint', name: 'Demo endpoint (simulated NLB)', host: '127.0.0.1', proxy: { mode: 'direct' }, tls: { mode: 'pin' } });
    await call('desktop.save', {
      desktop: { id: 'demo-agent-a', name: 'Agent A (trusted)', endpointId: 'demo-endpoint', route: { kind: 'port', port: a.port }, tags: ['demo'] },
    });
    await call('desktop.save', {
      desktop: { id: 'demo-agent-b', name: 'Agent B (asks to trust its certificate)', endpointId: 'demo-endpoint', route: { kind: 'port', port: b.port }, tags: ['demo'] },
    });
    await call('trust.accept', { key: `127.0.0.1:${a.port}`, fingerprint: a.fingerprint, persist: true });

    const { broker, gateway } = sessionManager;
    await call('source.save', {
      source: {
        id: 'demo-session-manager',
        name: 'Demo Session Manager',
        endpointId: 'demo-endpoint',
        brokerPort: broker.port,
        auth: { kind: 'broker', clientId: DEFAULT_CLIENT_ID },
        open: { via: 'gateway', port: gateway.port },
        template: { namePattern: '{user}-{n}', requirements: '' },
      },
      clientPassword: DEFAULT_CLIENT_PASSWORD,
    });
    await call('trust.accept', { key: `127.0.0.1:${broker.port}`, fingerprint: broker.fingerprint, persist: true });
  }

  return {
    dataDir,
    agents,
    sessionManager,
    seed,
    async close() {
      await Promise.allSettled([...agents.map((s) => s.close()), sessionManager.close()]);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
