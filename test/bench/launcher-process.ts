/**
 * The launcher as browser mode runs it, in its own process: createLauncherServices and the
 * browser host (main/browser-host/host.ts), the desktops' tunnels made by its ConnectionManager,
 * a catalogue seeded through the API like the demo's (desktops on the benchmark's simulator,
 * its certificate already trusted), optionally padded with rows that are never opened (a long
 * catalogue). A probe (probe.ts) reports its memory, GC, event-loop delay and arrivals.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Channel, Request } from '../../preload/contract/api';
import { startProbe } from './probe';

export interface LauncherConfig {
  /** The simulator the desktops are on, and its certificate ('sha256/BASE64'), trusted as the demo's agent A is. */
  sim: { host: string; port: number; fingerprint: string };
  /** Desktops on the simulator: ids bench-desktop-1 … N, names "Bench desktop 1" … */
  desktops: number;
  /** Extra rows on an endpoint nothing listens on, so the catalogue has desktops + filler rows. */
  filler: number;
  rendererDir: string;
  certDir: string;
}

export interface LauncherReady {
  event: 'ready';
  pid: number;
  /** One-time launch URL for Chromium's launcher tab. */
  launchUrl: string;
  /** Another one for the benchmark's own API client. */
  apiLaunchUrl: string;
  origin: string;
  port: number;
  spkiHash: string;
  probeUrl: string;
  desktops: { id: string; name: string }[];
}

export const benchDesktop = (i: number) => ({ id: `bench-desktop-${i}`, name: `Bench desktop ${i}` });
const FILLER_HOST = '127.0.0.9';

export async function runLauncher(c: LauncherConfig): Promise<void> {
  const probe = await startProbe({ eventLoopDelay: true, arrivals: true });
  // Loaded here: the load generator imports this file for its types only.
  const { createLauncherServices } = await import('../../main/services/app');
  const { startBrowserHost } = await import('../../main/browser-host/host');
  const { dispatch } = await import('../../main/dispatch');
  const dataDir = mkdtempSync(join(tmpdir(), 'dcv-bench-launcher-'));
  const services = await createLauncherServices({
    dataDir,
    certDir: c.certDir,
    env: {},
    loadKeytar: async () => {
      throw new Error('no keychain in the benchmark');
    },
    // Browser mode: the page opens each desktop in a tab itself.
    openDesktop: () => {},
  });
  const call = async <C extends Channel>(channel: C, request: Request<C>) => {
    const r = await dispatch(services.handlers, channel, request);
    if (!r.ok) throw new Error(`launcher seed: ${channel}: ${r.error.code} ${r.error.message}`);
    return r.value;
  };
  await call('endpoint.save', { id: 'bench-endpoint', name: 'Bench endpoint', host: c.sim.host, proxy: { mode: 'direct' }, tls: { mode: 'pin' } });
  const desktops = Array.from({ length: c.desktops }, (_, i) => benchDesktop(i + 1));
  for (const d of desktops) {
    await call('desktop.save', { desktop: { ...d, endpointId: 'bench-endpoint', route: { kind: 'port', port: c.sim.port }, tags: ['bench'] } });
  }
  if (desktops.length) {
    await call('trust.accept', { key: `${c.sim.host}:${c.sim.port}`, fingerprint: c.sim.fingerprint, persist: true });
  }
  if (c.filler > 0) {
    await call('endpoint.save', { id: 'bench-filler', name: 'Filler endpoint', host: FILLER_HOST, proxy: { mode: 'direct' }, tls: { mode: 'pin' } });
    const rows = Array.from({ length: c.filler }, (_, i) => `${20000 + i} filler-${String(i + 1).padStart(4, '0')}`).join('\n');
    await call('import.apply', { format: 'ports', text: rows, endpointId: 'bench-filler' });
  }

  const host = await startBrowserHost({ services, rendererDir: c.rendererDir, certDir: c.certDir, log: () => {} });
  const ready: LauncherReady = {
    event: 'ready',
    pid: process.pid,
    launchUrl: host.url,
    apiLaunchUrl: host.newLaunchUrl(),
    origin: host.origin,
    port: host.port,
    spkiHash: host.spkiHash,
    probeUrl: probe.url,
    desktops,
  };
  console.log(JSON.stringify(ready));
  const stop = () =>
    void Promise.allSettled([host.close(), services.close(), probe.close()]).finally(() => {
      rmSync(dataDir, { recursive: true, force: true });
      process.exit(0);
    });
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}
