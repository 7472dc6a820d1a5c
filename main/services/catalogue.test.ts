import * as realFs from 'node:fs/promises';
import { readFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CatalogueView, Result } from '../../preload/contract/api';
import { createCatalogueService, RECENT_LIMIT, UNDO_LIMIT, UNDO_TTL_MS, type CatalogueService, type DesktopInput } from './catalogue';
import { MemorySecretStore } from './secrets/memory';
import { tokenSecretKey } from './secrets/secret-store';
import type { StoreFs } from './store/atomic-write';
import { openCatalogueStore, type CatalogueStore } from './store/catalogue-store';
import { sampleCatalogue, sequentialIds, tempDir, VPCE } from './store/fixtures';

let dir: string;
let cleanup: () => Promise<void>;
let store: CatalogueStore;
let secrets: MemorySecretStore;
let clock: number;
let changes: CatalogueView[];
let svc: CatalogueService;

async function setUp(fs?: StoreFs) {
  store = await openCatalogueStore({ dir, fs });
  await store.save(sampleCatalogue());
  secrets = new MemorySecretStore();
  changes = [];
  svc = createCatalogueService({ store, now: () => new Date(clock), newId: sequentialIds('gen'), secrets, onChange: (v) => changes.push(v) });
}

beforeEach(async () => {
  ({ dir, cleanup } = await tempDir('dcv-catalogue-'));
  clock = Date.parse('2025-05-01T09:00:00Z');
  await setUp();
});
afterEach(() => cleanup());

const onDisk = () => readFile(store.file, 'utf8');
const value = <T>(r: Result<T>): T => {
  if (!r.ok) throw new Error(`expected ok, got ${JSON.stringify(r.error)}`);
  return r.value;
};
const gatewayDesktop = (id = 'gw1'): DesktopInput => ({
  desktop: { id, name: 'gateway session', endpointId: 'ep1', route: { kind: 'gateway', port: 8443, sessionId: 'console' } },
  authToken: 'SUPER-SECRET-TOKEN',
});

describe('catalogue service: saving', () => {
  it('creates an endpoint with a generated id, and updates it in place', async () => {
    const created = value(await svc.saveEndpoint({ name: 'lab', host: ' LAB.Example.com ' }));
    expect(created).toEqual({ id: 'gen1', name: 'lab', host: 'lab.example.com', tls: { mode: 'pin' }, proxy: { mode: 'system' } });
    value(await svc.saveEndpoint({ ...created, name: 'lab 2' }));
    const c = store.catalogue();
    expect(c.endpoints.map((e) => [e.id, e.name])).toEqual([
      ['ep1', 'Tokyo VPC endpoint'],
      ['gen1', 'lab 2'],
    ]);
    expect(JSON.parse(await onDisk()).endpoints[1].name).toBe('lab 2');
    expect(changes.at(-1)?.catalogue.endpoints).toHaveLength(2);
  });

  const endpoint = { id: 'e9', name: 'x', host: 'gw.example.com' };
  it.each([
    ['a host with "_"', { ...endpoint, host: 'bad_host.example' }, 'host'],
    ['a host with an empty label', { ...endpoint, host: 'a..b' }, 'host'],
    ['a host with a space', { ...endpoint, host: 'gw example' }, 'host'],
    ['a host starting with "-"', { ...endpoint, host: '-gw.example' }, 'host'],
    ['an all-numeric last label', { ...endpoint, host: '1.2.3' }, 'host'],
    ['no name', { ...endpoint, name: '  ' }, 'name'],
    ['an address override that is not an IP', { ...endpoint, addressOverride: 'gw.example' }, 'addressOverride'],
    ['CR/LF in the Host header override', { ...endpoint, hostHeader: 'gw\r\nX-Evil: 1' }, 'hostHeader'],
    ['LF in the Origin override', { ...endpoint, origin: 'https://gw\nx' }, 'origin'],
    ['an Origin with a path', { ...endpoint, origin: 'https://gw.example/path' }, 'origin'],
    ['a proxy URL with a password', { ...endpoint, proxy: { mode: 'manual', url: 'http://user:pw@proxy:8080' } }, 'proxy.url'],
    ['an unknown field', { ...endpoint, colour: 'red' }, '(root)'],
    ['a bad id', { ...endpoint, id: '../x' }, 'id'],
  ])('refuses an endpoint with %s, naming the field and saving nothing', async (_name, input, field) => {
    const before = await onDisk();
    const result = await svc.saveEndpoint(input as never);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error.code).toBe('INVALID_INPUT');
    expect(!result.ok && Object.keys(result.error.fields ?? {})).toContain(field);
    expect(await onDisk()).toBe(before);
    expect(changes).toEqual([]);
  });

  const desktop = { id: 'd9', name: 'x', endpointId: 'ep1', route: { kind: 'port', port: 50009 } };
  it.each([
    ['port 0', { ...desktop, route: { kind: 'port', port: 0 } }, 'desktop.route.port'],
    ['port 70000', { ...desktop, route: { kind: 'port', port: 70000 } }, 'desktop.route.port'],
    ['a fractional port', { ...desktop, route: { kind: 'port', port: 8443.5 } }, 'desktop.route.port'],
    ['".." in the web URL path', { ...desktop, webUrlPath: '/dcv/../admin/' }, 'desktop.webUrlPath'],
    ['"%2F" in the web URL path', { ...desktop, webUrlPath: '/dcv%2Fadmin/' }, 'desktop.webUrlPath'],
    ['"%2e%2e" in the web URL path', { ...desktop, webUrlPath: '/%2e%2e/' }, 'desktop.webUrlPath'],
    ['a backslash in the web URL path', { ...desktop, webUrlPath: '/dcv\\..\\' }, 'desktop.webUrlPath'],
    ['a router prefix that is not an address', { ...desktop, route: { kind: 'prefix', port: 8443, agent: '../10.0.0.1' } }, 'desktop.route.agent'],
    ['a router prefix with "%2F"', { ...desktop, route: { kind: 'prefix', port: 8443, agent: '10.0.0.1%2F' } }, 'desktop.route.agent'],
    ['a session id with "/"', { ...desktop, route: { kind: 'gateway', port: 8443, sessionId: 'a/b' } }, 'desktop.route.sessionId'],
    ['an unknown route kind', { ...desktop, route: { kind: 'ssh', port: 22 } }, 'desktop.route.kind'],
    ['an unknown field', { ...desktop, password: 'x' }, 'desktop'],
    ['a missing endpoint', { ...desktop, endpointId: 'nope' }, 'desktop.endpointId'],
  ])('refuses a desktop with %s, naming the field and saving nothing', async (_name, input, field) => {
    const before = await onDisk();
    const result = await svc.saveDesktop({ desktop: input as never });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error.code).toBe('INVALID_INPUT');
    expect(!result.ok && Object.keys(result.error.fields ?? {})).toContain(field);
    expect(await onDisk()).toBe(before);
  });

  it('refuses a token with a line break, or on a route that has no use for it', async () => {
    const crlf = await svc.saveDesktop({ ...gatewayDesktop(), authToken: 'abc\r\nX: y' });
    expect(!crlf.ok && crlf.error.fields).toHaveProperty('authToken');
    const ported = await svc.saveDesktop({ desktop: desktop as never, authToken: 'abc' });
    expect(!ported.ok && ported.error.fields).toHaveProperty('authToken');
    expect(store.catalogue().desktops.map((d) => d.id)).not.toContain('d9');
    expect(await secrets.get(tokenSecretKey('d9'))).toBeUndefined();
  });

  it('keeps a gateway token in the secret store, never in the catalogue or its export', async () => {
    value(await svc.saveDesktop(gatewayDesktop()));
    expect(await secrets.get(tokenSecretKey('gw1'))).toBe('SUPER-SECRET-TOKEN');
    expect(value(await svc.get()).desktopsWithToken).toEqual(['gw1']);
    expect(await onDisk()).not.toContain('SUPER-SECRET-TOKEN');
    const exported = value(await svc.exportJson());
    expect(exported.text).toContain('"gw1"');
    expect(exported.text).not.toContain('SUPER-SECRET-TOKEN');
    expect(JSON.stringify(value(await svc.get()))).not.toContain('SUPER-SECRET-TOKEN');
  });

  it('drops the token when a gateway desktop becomes port-mapped', async () => {
    value(await svc.saveDesktop(gatewayDesktop()));
    value(await svc.saveDesktop({ desktop: { ...gatewayDesktop().desktop, route: { kind: 'port', port: 50010 } } }));
    expect(await secrets.get(tokenSecretKey('gw1'))).toBeUndefined();
    expect(value(await svc.get()).desktopsWithToken).toEqual([]);
  });

  it('refuses a profile for a missing desktop or with a window too small', async () => {
    const missing = await svc.saveProfile({ name: 'p', desktopId: 'nope' });
    expect(!missing.ok && missing.error).toMatchObject({ code: 'INVALID_INPUT', fields: { desktopId: 'no desktop "nope"' } });
    const small = await svc.saveProfile({ name: 'p', desktopId: 'd1', window: { width: 100, height: 100, fullScreen: false } });
    expect(!small.ok && Object.keys(small.error.fields!)).toEqual(['window.width', 'window.height']);
    expect(value(await svc.saveProfile({ name: 'p', desktopId: 'd1', localPort: 50123 }))).toMatchObject({ id: expect.stringMatching(/^gen\d+$/), openIn: 'window' });
  });

  it('sets favourites and settings', async () => {
    expect(value(await svc.setFavourite('d2', true)).favourite).toBe(true);
    expect(await svc.setFavourite('nope', true)).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(value(await svc.setSettings({ view: 'grid' }))).toEqual({ language: 'ja', view: 'grid', idleCloseMinutes: 30 });
    expect(await svc.setSettings({ language: 'fr' } as never)).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', fields: { language: expect.any(String) } } });
    expect(JSON.parse(await onDisk()).settings).toEqual({ language: 'ja', view: 'grid', idleCloseMinutes: 30 });
  });

  it('runs concurrent operations one after another: none is lost', async () => {
    await Promise.all(Array.from({ length: 10 }, (_, i) => svc.saveDesktop({ desktop: { name: `n${i}`, endpointId: 'ep1', route: { kind: 'port', port: 51000 + i } } })));
    expect(store.catalogue().desktops).toHaveLength(13);
  });

  it('reports a failed write as STORE_ERROR and keeps the old catalogue', async () => {
    const failing: StoreFs = {
      ...realFs,
      open: ((path: string, ...rest: unknown[]) =>
        String(path).includes('.tmp-') ? Promise.reject(Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' })) : (realFs.open as (...a: unknown[]) => unknown)(path, ...rest)) as StoreFs['open'],
    };
    await setUp(failing);
    const before = await onDisk();
    const result = await svc.saveEndpoint({ name: 'lab', host: 'lab.example' });
    expect(result).toMatchObject({ ok: false, error: { code: 'STORE_ERROR', message: expect.stringContaining('no space left') } });
    expect(store.catalogue().endpoints).toHaveLength(1);
    expect(await onDisk()).toBe(before);
  });
});

describe('catalogue service: delete and undo', () => {
  it('deleting an endpoint cascades to its desktops, profiles, recents and tokens; one undo restores all', async () => {
    value(await svc.saveDesktop(gatewayDesktop()));
    value(await svc.recordRecent('d2', 'failed', 'TLS_PIN_MISMATCH'));
    const before = store.catalogue();

    const { undoId } = value(await svc.deleteEndpoint('ep1'));
    const after = store.catalogue();
    expect([after.endpoints, after.desktops, after.profiles, after.recents]).toEqual([[], [], [], []]);
    expect(await secrets.get(tokenSecretKey('gw1'))).toBeUndefined();
    expect(value(await svc.get()).desktopsWithToken).toEqual([]);

    const view = value(await svc.undo(undoId));
    expect(view.catalogue).toEqual(before);
    expect(JSON.parse(await onDisk())).toEqual(before);
    expect(await secrets.get(tokenSecretKey('gw1'))).toBe('SUPER-SECRET-TOKEN');
    expect(view.desktopsWithToken).toEqual(['gw1']);
    expect(view.health.d2).toEqual({ status: 'fail', code: 'TLS_PIN_MISMATCH', at: '2025-05-01T09:00:00.000Z' });

    expect(await svc.undo(undoId)).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });

  it('deleting a desktop takes its profiles with it, and undo puts them back where they were', async () => {
    const before = store.catalogue();
    const { undoId } = value(await svc.deleteDesktop('d1'));
    expect(store.catalogue().desktops.map((d) => d.id)).toEqual(['d2', 'd3']);
    expect(store.catalogue().profiles).toEqual([]);
    value(await svc.undo(undoId));
    expect(store.catalogue()).toEqual(before);
  });

  it('deletes and restores a profile', async () => {
    const { undoId } = value(await svc.deleteProfile('p1'));
    expect(store.catalogue().profiles).toEqual([]);
    value(await svc.undo(undoId));
    expect(store.catalogue().profiles.map((p) => p.id)).toEqual(['p1']);
  });

  it('says NOT_FOUND for unknown ids', async () => {
    for (const r of [await svc.deleteEndpoint('x'), await svc.deleteDesktop('x'), await svc.deleteProfile('x'), await svc.undo('x'), await svc.recordRecent('x', 'ok')]) {
      expect(r).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    }
  });

  it('forgets an undo after 10 minutes', async () => {
    const { undoId } = value(await svc.deleteDesktop('d1'));
    clock += UNDO_TTL_MS + 1;
    expect(await svc.undo(undoId)).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });

  it(`keeps only the last ${UNDO_LIMIT} undos`, async () => {
    const ids: string[] = [];
    for (let i = 0; i < UNDO_LIMIT + 1; i++) {
      value(await svc.saveProfile({ id: `q${i}`, name: `q${i}`, desktopId: 'd2' }));
      ids.push(value(await svc.deleteProfile(`q${i}`)).undoId);
    }
    expect(await svc.undo(ids[0])).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(value(await svc.undo(ids[1])).catalogue.profiles.map((p) => p.id)).toContain('q1');
  });

  it('refuses to undo a desktop delete whose endpoint was deleted since, until that is undone', async () => {
    const desktopUndo = value(await svc.deleteDesktop('d1')).undoId;
    const endpointUndo = value(await svc.deleteEndpoint('ep1')).undoId;
    const refused = await svc.undo(desktopUndo);
    expect(refused).toMatchObject({ ok: false, error: { code: 'CONFLICT', message: expect.stringContaining('endpoint "ep1"') } });
    value(await svc.undo(endpointUndo));
    value(await svc.undo(desktopUndo));
    expect(store.catalogue()).toEqual(sampleCatalogue());
  });
});

describe('catalogue service: recents', () => {
  it('keeps the most recent first, one per desktop, and at most 50', async () => {
    value(await svc.recordRecent('d1', 'ok'));
    clock += 1000;
    value(await svc.recordRecent('d2', 'failed', 'TCP_TIMEOUT'));
    clock += 1000;
    value(await svc.recordRecent('d1', 'ok'));
    expect(store.catalogue().recents.map((r) => [r.desktopId, r.outcome])).toEqual([
      ['d1', 'ok'],
      ['d2', 'failed'],
    ]);
    expect(value(await svc.get()).health).toMatchObject({ d1: { status: 'ok', code: 'OK' }, d2: { status: 'fail', code: 'TCP_TIMEOUT' } });

    const many = sampleCatalogue();
    many.desktops = Array.from({ length: RECENT_LIMIT + 5 }, (_, i) => ({ ...many.desktops[0], id: `m${i}`, name: `m${i}` }));
    many.profiles = [];
    await store.save(many);
    for (const d of many.desktops) {
      clock += 1000;
      value(await svc.recordRecent(d.id, 'ok'));
    }
    const recents = store.catalogue().recents;
    expect(recents).toHaveLength(RECENT_LIMIT);
    expect(recents[0].desktopId).toBe(`m${RECENT_LIMIT + 4}`);
  });

  it('refuses an over-long code', async () => {
    expect(await svc.recordRecent('d1', 'failed', 'X'.repeat(65))).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', fields: { code: expect.any(String) } } });
  });
});

describe('catalogue service: import and export', () => {
  const dcvFile = `[version]\r\nformat=1.0\r\n[connect]\r\nhost=${VPCE}\r\nport=8443\r\nsessionid=console\r\nauthtoken=IMPORTED-TOKEN\r\n`;

  it('previews without saving, then applies, storing the token in the secret store', async () => {
    const before = await onDisk();
    const preview = value(await svc.importPreview({ format: 'dcv', text: dcvFile, fileName: 'C:\\Users\\me\\Downloads\\GPU box.dcv' }));
    expect(preview).toMatchObject({ format: 'dcv', endpoints: [], desktops: [{ name: 'GPU box', endpointId: 'ep1', route: { kind: 'gateway', sessionId: 'console' } }] });
    expect(JSON.stringify(preview)).not.toContain('IMPORTED-TOKEN');
    expect(await onDisk()).toBe(before);

    expect(value(await svc.importApply({ format: 'dcv', text: dcvFile, fileName: 'GPU box.dcv' }))).toEqual({ endpoints: 0, desktops: 1, profiles: 0 });
    const added = store.catalogue().desktops.at(-1)!;
    expect(added.name).toBe('GPU box');
    expect(await secrets.get(tokenSecretKey(added.id))).toBe('IMPORTED-TOKEN');
    expect(await onDisk()).not.toContain('IMPORTED-TOKEN');
    expect(value(await svc.get()).desktopsWithToken).toEqual([added.id]);
  });

  it('imports a dcv:// link given as the text', async () => {
    value(await svc.importApply({ format: 'dcv', text: 'dcv://new-gw.example:8443/?authToken=T#sess1' }));
    expect(store.catalogue().endpoints.at(-1)).toMatchObject({ host: 'new-gw.example', tls: { mode: 'pin' } });
  });

  it('imports a port table onto the chosen endpoint', async () => {
    const counts = value(await svc.importApply({ format: 'ports', text: 'port\tagent\n50003\tagent3\n22\tbastion\n', endpointId: 'ep1' }));
    expect(counts).toEqual({ endpoints: 0, desktops: 1, profiles: 0 });
    expect(store.catalogue().desktops.at(-1)).toMatchObject({ name: 'agent3', route: { kind: 'port', port: 50003 } });
  });

  it('round-trips an export into an empty launcher', async () => {
    const exported = value(await svc.exportJson());
    await cleanup();
    ({ dir, cleanup } = await tempDir('dcv-catalogue-'));
    store = await openCatalogueStore({ dir });
    svc = createCatalogueService({ store, now: () => new Date(clock), newId: sequentialIds('z'), secrets });
    value(await svc.importApply({ format: 'json', text: exported.text }));
    expect(store.catalogue()).toEqual(sampleCatalogue());
  });

  it.each([
    [{ format: 'dcv', text: '[connect]\nport=99999\n' }, 'port "99999"'],
    [{ format: 'json', text: '{"version": 1, "desktops": [}' }, 'line 1'],
    [{ format: 'ports', text: '50001 a' }, 'choose the endpoint'],
    [{ format: 'csv', text: '' }, 'format'],
  ])('refuses a bad import with a clear message and saves nothing: %j', async (input, message) => {
    const before = await onDisk();
    const result = await svc.importApply(input as never);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error.code).toBe('INVALID_INPUT');
    expect(!result.ok && result.error.message).toContain(message);
    expect(await onDisk()).toBe(before);
  });
});
