/** Sample catalogues for tests, shaped like the field's network (BRIEF.md). */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Catalogue, CATALOGUE_VERSION } from '../../../preload/contract/model';

export const VPCE = 'vpce-0a1b2c3d4e5f67890-abcdefgh.vpce-svc-0123456789abcdef0.ap-northeast-1.vpce.amazonaws.com';

export function sampleCatalogue(): Catalogue {
  return Catalogue.parse({
    version: CATALOGUE_VERSION,
    endpoints: [{ id: 'ep1', name: 'Tokyo VPC endpoint', host: VPCE, addressOverride: '10.213.66.188' }],
    desktops: [
      { id: 'd1', name: 'agent1', endpointId: 'ep1', route: { kind: 'port', port: 50001 } },
      { id: 'd2', name: 'agent2', endpointId: 'ep1', route: { kind: 'port', port: 60000 } },
      { id: 'd3', name: 'agent1 via router', endpointId: 'ep1', route: { kind: 'prefix', port: 8443, agent: '10.150.248.180' } },
    ],
    profiles: [{ id: 'p1', name: 'big', desktopId: 'd1', window: { width: 1920, height: 1080, fullScreen: false } }],
  });
}

export async function tempDir(prefix = 'dcv-store-'): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** A counter-based id generator: ids are predictable in tests. */
export function sequentialIds(prefix = 'id'): () => string {
  let n = 0;
  return () => `${prefix}${++n}`;
}
