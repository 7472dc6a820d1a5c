/**
 * `--demo`: two simulated DCV agents (test/sim) and a throw-away catalogue pointing at them,
 * so the whole app can be tried with nothing else installed. A dev feature: it imports the
 * test simulator on purpose. Agent A is pre-trusted; agent B shows the first-use trust prompt.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Channel, LauncherServices, Request } from '../../preload/contract/api';
import { startSimulator, type Simulator } from '../../test/sim/simulator';
import { dispatch } from '../dispatch';

export interface Demo {
  /** A fresh data folder for the demo's catalogue, trust store and secrets. */
  dataDir: string;
  agents: Simulator[];
  /** Fills the catalogue through the same API the renderer uses. */
  seed(services: LauncherServices): Promise<void>;
  close(): Promise<void>;
}

export async function startDemo(): Promise<Demo> {
  const dataDir = mkdtempSync(join(tmpdir(), 'dcv-launcher-demo-'));
  const agents = await Promise.all([startSimulator({ name: 'agent-A' }), startSimulator({ name: 'agent-B' })]);
  const [a, b] = agents;

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
  }

  return {
    dataDir,
    agents,
    seed,
    async close() {
      await Promise.allSettled(agents.map((s) => s.close()));
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
