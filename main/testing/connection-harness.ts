/**
 * The ConnectionManager wired to the real catalogue store, trust store, in-memory secrets and
 * proxy policy in a folder, as app.ts wires them — for tests that drive connections without
 * the rest of the app (main/services and test/reliability).
 */
import { join } from 'node:path';
import type { EventName } from '../../preload/contract/api';
import { createCatalogueService } from '../services/catalogue';
import { createConnectionManager, type DesktopLaunch } from '../services/connection-manager';
import { createProxyCredentials } from '../services/proxy-credentials';
import { createProxyPolicy } from '../services/proxy-policy';
import { MemorySecretStore } from '../services/secrets/memory';
import { openCatalogueStore } from '../services/store/catalogue-store';
import { openTrustStore } from '../services/trust-store';

export interface ConnectionHarnessOptions {
  dir: string;
  certDir: string;
  emit: (event: EventName, payload: unknown) => void;
  openDesktop?: (launch: DesktopLaunch) => void;
  backoff?: { initialMs: number; maxMs: number };
  timeouts?: { connectMs?: number; handshakeMs?: number };
  idleCheckMs?: number;
}

export async function wireConnectionManager(opts: ConnectionHarnessOptions) {
  const store = await openCatalogueStore({ dir: opts.dir });
  const secrets = new MemorySecretStore('test');
  const trust = await openTrustStore({ filePath: join(opts.dir, 'trust.json') });
  let n = 0;
  const catalogue = createCatalogueService({ store, now: () => new Date(), newId: () => `id${++n}`, secrets });
  const credentials = createProxyCredentials(secrets);
  const manager = createConnectionManager({
    catalogue: { current: () => store.catalogue(), recordRecent: catalogue.recordRecent },
    secrets,
    trust,
    proxy: createProxyPolicy({ env: {} }),
    proxyCredentials: (endpoint, decision) => credentials.forEndpoint(endpoint, decision),
    certDir: opts.certDir,
    openDesktop: opts.openDesktop,
    emit: opts.emit,
    backoff: opts.backoff ?? { initialMs: 100, maxMs: 800 },
    timeouts: opts.timeouts,
    idleCheckMs: opts.idleCheckMs,
  });
  return { store, secrets, trust, catalogue, manager };
}

/** The value of an ok Result, or a thrown Error with its message. */
export function must<T>(r: { ok: true; value: T } | { ok: false; error: { message: string } }): T {
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}
