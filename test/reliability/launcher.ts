/**
 * The launcher's services as the app wires them (catalogue store, trust store, secrets, proxy
 * policy, ConnectionManager), in a temp folder, for tests that need the UI's view of a
 * connection: its state changes, reconnects on the same local port, failures not retried.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ConnectionInfo, ConnectionState, OpenResult } from '../../preload/contract/api';
import { must, wireConnectionManager } from '../../main/testing/connection-harness';
import { LaunchClient } from '../scenario/launch-client';

export type Opened = Extract<OpenResult, { kind: 'opened' }>;

export interface LauncherOptions {
  /** Dial timeouts for checks and probes; short ones keep fault tests quick. */
  timeouts?: { connectMs?: number; handshakeMs?: number };
  backoff?: { initialMs: number; maxMs: number };
}

export async function startLauncher(opts: LauncherOptions = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'dcv-rel-'));
  const certDir = join(dir, 'cert');
  const changes: ConnectionInfo[] = [];
  const { trust, catalogue, manager } = await wireConnectionManager({
    dir,
    certDir,
    emit: (event, payload) => {
      if (event === 'connection.changed') changes.push(payload as ConnectionInfo);
    },
    backoff: opts.backoff,
    timeouts: opts.timeouts,
  });

  const open = async (desktopId: string): Promise<OpenResult> => must(await manager.open({ desktopId }));

  return {
    manager,
    trust,
    certDir,
    open,

    /** A direct endpoint and a port-mapped desktop at host:port (an address override when given). */
    async addDesktop(id: string, host: string, port: number, addressOverride?: string): Promise<string> {
      must(await catalogue.saveEndpoint({ id: `ep-${id}`, name: `ep ${id}`, host, proxy: { mode: 'direct' }, ...(addressOverride ? { addressOverride } : {}) } as never));
      must(await catalogue.saveDesktop({ desktop: { id, name: `desktop ${id}`, endpointId: `ep-${id}`, route: { kind: 'port', port } } as never }));
      return id;
    },

    /** First use as the user does it: open → needs-trust → accept what was shown → open. */
    async trustAndOpen(desktopId: string): Promise<Opened> {
      const first = await open(desktopId);
      if (first.kind !== 'needs-trust') throw new Error(`expected needs-trust, got ${JSON.stringify(first).slice(0, 300)}`);
      must(await manager.acceptTrust(first.inspection.key, first.inspection.presented.fingerprint256, false));
      const r = await open(desktopId);
      if (r.kind !== 'opened') throw new Error(`expected opened, got ${JSON.stringify(r).slice(0, 300)}`);
      return r;
    },

    /** The window: visits the launch URL and keeps the session cookie. */
    async signIn(opened: Opened): Promise<LaunchClient> {
      return (await LaunchClient.signIn(opened.launchUrl, certDir)).client;
    },

    /** Every state the UI was told about for this desktop, in order. */
    states(desktopId: string): ConnectionState[] {
      return changes.filter((c) => c.desktopId === desktopId).map((c) => c.state);
    },

    async close(): Promise<void> {
      await manager.closeAll();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export type Launcher = Awaited<ReturnType<typeof startLauncher>>;
