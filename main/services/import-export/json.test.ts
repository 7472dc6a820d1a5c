import { describe, expect, it } from 'vitest';
import { Catalogue } from '../../../preload/contract/model';
import { emptyCatalogue } from '../store/catalogue-store';
import { serializeCatalogue, validateCatalogue } from '../store/document';
import { sampleCatalogue, sequentialIds, VPCE } from '../store/fixtures';
import { exportCatalogueJson, planJsonImport } from './json';
import { applyPlan } from './plan';

describe('exportCatalogueJson', () => {
  it('writes the catalogue document, dated', () => {
    const { fileName, text } = exportCatalogueJson(sampleCatalogue(), new Date('2025-03-04T10:00:00Z'));
    expect(fileName).toBe('dcv-launcher-catalogue-2025-03-04.json');
    expect(Catalogue.parse(JSON.parse(text))).toEqual(sampleCatalogue());
  });
});

describe('planJsonImport', () => {
  it('imports everything into an empty catalogue, keeping ids', () => {
    const planned = planJsonImport(serializeCatalogue(sampleCatalogue()), emptyCatalogue(), sequentialIds('new'));
    expect(planned.ok).toBe(true);
    if (!planned.ok) return;
    const { preview } = planned.plan;
    expect([preview.endpoints, preview.desktops, preview.profiles]).toEqual([sampleCatalogue().endpoints, sampleCatalogue().desktops, sampleCatalogue().profiles]);
    expect(preview.notes).toEqual([]);
    expect(preview.warnings).toEqual([]);
  });

  it('re-importing the same file adds nothing', () => {
    const planned = planJsonImport(serializeCatalogue(sampleCatalogue()), sampleCatalogue(), sequentialIds('new'));
    expect(planned.ok && planned.plan.preview).toMatchObject({ endpoints: [], desktops: [], profiles: [] });
    expect(planned.ok && planned.plan.preview.notes).toEqual([
      { code: 'import.json.endpointReused', params: { name: 'Tokyo VPC endpoint', as: 'Tokyo VPC endpoint' } },
      { code: 'import.json.desktopExists', params: { name: 'agent1', as: 'agent1' } },
      { code: 'import.json.desktopExists', params: { name: 'agent2', as: 'agent2' } },
      { code: 'import.json.desktopExists', params: { name: 'agent1 via router', as: 'agent1 via router' } },
      { code: 'import.json.profileExists', params: { name: 'big' } },
      { code: 'import.nothingToImport' },
    ]);
    expect(planned.ok && planned.plan.preview.warnings.join('\n')).toContain('nothing new to import');
  });

  it('shows at most five notes of a kind, then how many more', () => {
    const many = sampleCatalogue();
    many.desktops = Array.from({ length: 12 }, (_, i) => ({ ...many.desktops[0], id: `m${i}`, name: `m${i}`, route: { kind: 'port' as const, port: 51000 + i } }));
    many.profiles = [];
    const planned = planJsonImport(serializeCatalogue(many), many, sequentialIds('new'));
    expect(planned.ok && planned.plan.preview.notes.map((n) => n.code)).toEqual([
      'import.json.endpointReused',
      ...Array(5).fill('import.json.desktopExists'),
      'import.more',
      'import.nothingToImport',
    ]);
    expect(planned.ok && planned.plan.preview.notes[6]).toEqual({ code: 'import.more', params: { count: 7 } });
  });

  it('gives colliding ids new ones and keeps references pointing at the right items', () => {
    const current = sampleCatalogue();
    // Same ids, different things: everything collides.
    const incoming = Catalogue.parse({
      version: 2,
      endpoints: [{ id: 'ep1', name: 'other site', host: 'gw.other.example' }],
      desktops: [{ id: 'd1', name: 'other desktop', endpointId: 'ep1', route: { kind: 'port', port: 50001 } }],
      profiles: [{ id: 'p1', name: 'small', desktopId: 'd1' }],
    });
    const planned = planJsonImport(serializeCatalogue(incoming), current, sequentialIds('new'));
    expect(planned.ok).toBe(true);
    if (!planned.ok) return;
    const { endpoints, desktops, profiles, warnings } = planned.plan.preview;
    expect(endpoints.map((e) => e.id)).toEqual(['new1']);
    expect(desktops).toMatchObject([{ id: 'new2', endpointId: 'new1' }]);
    expect(profiles).toMatchObject([{ id: 'new3', desktopId: 'new2' }]);
    expect(planned.plan.preview.notes).toEqual([{ code: 'import.json.idsRenamed', params: { count: 3 } }]);
    expect(warnings).toContain('3 ids were already in use and got new ones');
    expect(validateCatalogue(applyPlan(current, planned.plan)).ok).toBe(true);
  });

  it('reuses an identical endpoint under another id and maps its desktops onto it', () => {
    const incoming = Catalogue.parse({
      version: 2,
      endpoints: [{ id: 'x', name: 'same place, other name', host: VPCE, addressOverride: '10.213.66.188' }],
      desktops: [{ id: 'y', name: 'agent3', endpointId: 'x', route: { kind: 'port', port: 50003 } }],
    });
    const planned = planJsonImport(serializeCatalogue(incoming), sampleCatalogue(), sequentialIds('new'));
    expect(planned.ok && planned.plan.preview.endpoints).toEqual([]);
    expect(planned.ok && planned.plan.preview.desktops).toMatchObject([{ id: 'y', endpointId: 'ep1' }]);
  });

  it('imports a version-0 file through the migrations, and drops recents', () => {
    const v0 = { endpoints: [{ id: 'a', name: 'lab', host: 'lab.example' }], desktops: [{ id: 'b', name: 'gpu', endpointId: 'a', port: 50001 }] };
    const planned = planJsonImport(JSON.stringify(v0), emptyCatalogue(), sequentialIds());
    expect(planned.ok && planned.plan.preview.desktops[0].route).toEqual({ kind: 'port', port: 50001 });

    const withRecents = { ...sampleCatalogue(), recents: [{ desktopId: 'd1', at: '2025-01-01T00:00:00.000Z', outcome: 'ok' as const }] };
    const again = planJsonImport(serializeCatalogue(withRecents), emptyCatalogue(), sequentialIds());
    expect(again.ok && again.plan.preview.notes).toEqual([{ code: 'import.json.personalNotImported' }]);
    expect(again.ok && again.plan.preview.warnings).toContain('recent connections and settings are not imported');
  });

  it.each([
    ['{"version": 1,, }', 'line 1, column 15', { code: 'import.json.syntax', params: { line: 1, column: 15 } }],
    ['{"version": 1, "desktops": [{"id": "d"}]}', 'desktops.0.name', { code: 'import.json.invalid', params: { field: 'desktops.0.name' } }],
    ['{"version": 1, "endpoints": [], "secret": "x"}', 'secret: unknown field', { code: 'import.json.invalid', params: { field: 'secret' } }],
    ['{"version": 1, "desktops": [{"id": "d", "name": "n", "endpointId": "nope", "route": {"kind": "port", "port": 1}}]}', 'desktops.0.endpointId: no endpoint "nope"', { code: 'import.json.invalid', params: { field: 'desktops.0.endpointId' } }],
    ['{"version": 99}', 'newer DCV Launcher', { code: 'import.json.newerVersion', params: { version: 99, supported: expect.any(Number) } }],
    ['[1, 2]', 'JSON object', { code: 'import.json.notCatalogue' }],
  ])('rejects %s saying where, as a code and in English', (text, message, reason) => {
    const planned = planJsonImport(text, emptyCatalogue(), sequentialIds());
    expect(planned.ok).toBe(false);
    expect(!planned.ok && planned.message).toContain(message);
    expect(!planned.ok && planned.reason).toEqual(reason);
  });
});
