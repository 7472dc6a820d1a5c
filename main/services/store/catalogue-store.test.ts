import * as realFs from 'node:fs/promises';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Catalogue, CATALOGUE_VERSION } from '../../../preload/contract/model';
import type { StoreFs } from './atomic-write';
import { CATALOGUE_FILE, emptyCatalogue, openCatalogueStore } from './catalogue-store';
import { serializeCatalogue } from './document';
import { sampleCatalogue, tempDir, VPCE } from './fixtures';

const NOW = new Date('2025-01-02T03:04:05.678Z');
const BROKEN_NAME = `${CATALOGUE_FILE}.broken-2025-01-02T03-04-05-678Z`;

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ dir, cleanup } = await tempDir()));
afterEach(() => cleanup());

const open = (fs?: StoreFs) => openCatalogueStore({ dir, now: () => NOW, fs });
const file = () => join(dir, CATALOGUE_FILE);
const withDesktopName = (c: Catalogue, name: string): Catalogue => ({ ...c, desktops: c.desktops.map((d, i) => (i === 0 ? { ...d, name } : d)) });

describe('CatalogueStore: load and save', () => {
  it('starts empty when there is no file, and creates nothing until a save', async () => {
    const store = await open();
    expect(store.catalogue()).toEqual(emptyCatalogue());
    expect(store.problem()).toBeNull();
    expect(await readdir(dir)).toEqual([]);
  });

  it('round-trips a catalogue through the file', async () => {
    await (await open()).save(sampleCatalogue());
    expect(JSON.parse(await readFile(file(), 'utf8'))).toEqual(sampleCatalogue());
    const reopened = await open();
    expect(reopened.catalogue()).toEqual(sampleCatalogue());
    expect(reopened.problem()).toBeNull();
  });

  it('keeps the previous good file as catalogue.json.bak', async () => {
    const store = await open();
    const first = sampleCatalogue();
    await store.save(first);
    expect(await readdir(dir)).toEqual([CATALOGUE_FILE]);
    await store.save(withDesktopName(first, 'renamed'));
    expect(await readFile(file() + '.bak', 'utf8')).toBe(serializeCatalogue(first));
    expect((await open()).catalogue().desktops[0].name).toBe('renamed');
  });

  it('refuses to save an invalid catalogue and leaves the file as it was', async () => {
    const store = await open();
    await store.save(sampleCatalogue());
    const before = await readFile(file(), 'utf8');
    const bad = sampleCatalogue();
    bad.desktops[0].route = { kind: 'port', port: 70000 };
    await expect(store.save(bad)).rejects.toThrow('desktops.0.route.port: must be 1–65535');
    expect(await readFile(file(), 'utf8')).toBe(before);
    expect(store.catalogue()).toEqual(sampleCatalogue());
    // The queue survives a failed save.
    await store.save(withDesktopName(sampleCatalogue(), 'after'));
    expect(store.catalogue().desktops[0].name).toBe('after');
  });

  it('removes temp files left by a crash mid-write, and nothing else', async () => {
    await writeFile(join(dir, `${CATALOGUE_FILE}.tmp-123-4`), '{"half');
    await writeFile(join(dir, `${CATALOGUE_FILE}.bak.tmp-123-5`), '{"half');
    await writeFile(join(dir, 'trust.json'), '{}');
    await open();
    expect((await readdir(dir)).sort()).toEqual(['trust.json']);
  });
});

describe('CatalogueStore: a broken file is kept aside, never overwritten', () => {
  const valid = serializeCatalogue(sampleCatalogue());
  const cases: Array<{ name: string; text: string; message: string }> = [
    {
      name: 'JSON syntax error (trailing comma) gives the line',
      text: valid.replace('"name": "agent2",', '"name": "agent2",,'),
      message: `line ${valid.split('\n').findIndex((l) => l.includes('"agent2"')) + 1}, column`,
    },
    { name: 'truncated file', text: valid.slice(0, valid.indexOf('"desktops"')), message: 'found the end of the file' },
    { name: 'truncated inside a string', text: valid.slice(0, valid.indexOf('agent2') + 3), message: 'unterminated string' },
    {
      name: 'schema error gives the field path',
      text: valid.replace('"port": 60000', '"port": 70000'),
      message: 'desktops.1.route.port: must be 1–65535',
    },
    { name: 'unknown field', text: valid.replace('"name": "Tokyo VPC endpoint"', '"name": "x", "colour": "red"'), message: 'endpoints.0.colour: unknown field' },
    { name: 'bad host name', text: valid.replace(VPCE, 'bad_host..example'), message: 'endpoints.0.host: not a valid host name' },
    { name: 'a newer version', text: valid.replace('"version": 2', '"version": 7'), message: 'version: 7 was written by a newer DCV Launcher' },
    { name: 'not an object', text: '[]\n', message: 'must hold a JSON object' },
    { name: 'a desktop pointing at no endpoint', text: valid.replace('"endpointId": "ep1"', '"endpointId": "gone"'), message: 'desktops.0.endpointId: no endpoint "gone"' },
    { name: 'a duplicate id', text: valid.replace('"id": "d2"', '"id": "d1"'), message: 'desktops.1.id: "d1" is used twice' },
  ];

  it.each(cases)('$name', async ({ text, message }) => {
    await writeFile(file(), text);
    const store = await open();
    const problem = store.problem();
    expect(problem).toMatchObject({ file: file(), movedTo: join(dir, BROKEN_NAME), restoredFrom: 'empty' });
    expect(problem!.message).toContain(message);
    expect(await readFile(join(dir, BROKEN_NAME), 'utf8')).toBe(text);
    expect(store.catalogue()).toEqual(emptyCatalogue());

    // Saving afterwards writes a new file and leaves the broken one alone.
    await store.save(sampleCatalogue());
    expect(await readFile(join(dir, BROKEN_NAME), 'utf8')).toBe(text);
    expect((await open()).catalogue()).toEqual(sampleCatalogue());
  });

  it('starts from a valid backup', async () => {
    const store = await open();
    await store.save(sampleCatalogue());
    await store.save(withDesktopName(sampleCatalogue(), 'newer'));
    await writeFile(file(), '{ "version": 1, oops }');
    const reopened = await open();
    expect(reopened.problem()).toMatchObject({ restoredFrom: 'backup' });
    expect(reopened.problem()!.message).toMatch(/^line 1, column 17: expected a "quoted" field name, found 'o'/);
    expect(reopened.catalogue()).toEqual(sampleCatalogue());
    // The restored copy is written back at once, so the next start has it without a problem.
    expect(await readFile(file(), 'utf8')).toBe(serializeCatalogue(sampleCatalogue()));
    const third = await open();
    expect(third.problem()).toBeNull();
    expect(third.catalogue()).toEqual(sampleCatalogue());
  });

  it('hands out a frozen catalogue, so nobody changes it behind the store', async () => {
    const store = await open();
    await store.save(sampleCatalogue());
    expect(() => {
      (store.catalogue().desktops[0] as { name: string }).name = 'x';
    }).toThrow(TypeError);
  });

  it('starts empty when the backup is broken too, and says so', async () => {
    await writeFile(file(), '{');
    await writeFile(file() + '.bak', '{"version": 1, "desktops": 3}');
    const store = await open();
    expect(store.problem()).toMatchObject({ restoredFrom: 'empty' });
    expect(store.problem()!.message).toContain('backup');
    expect(store.problem()!.message).toContain('desktops');
    expect(await readFile(file() + '.bak', 'utf8')).toBe('{"version": 1, "desktops": 3}');
  });

  it('does not overwrite a broken file moved aside earlier in the same millisecond', async () => {
    await writeFile(file(), 'first');
    await open();
    await writeFile(file(), 'second');
    const store = await open();
    expect(store.problem()!.movedTo).toBe(join(dir, `${BROKEN_NAME}-2`));
    expect(await readFile(join(dir, BROKEN_NAME), 'utf8')).toBe('first');
    expect(await readFile(join(dir, `${BROKEN_NAME}-2`), 'utf8')).toBe('second');
  });

  it('moves aside a file another program broke while the launcher ran, then saves its own copy', async () => {
    const store = await open();
    await store.save(sampleCatalogue());
    await writeFile(file(), '{"version": 1, "endpoints": [ }');
    await store.save(withDesktopName(sampleCatalogue(), 'mine'));
    expect(store.problem()).toMatchObject({ restoredFrom: 'memory', movedTo: join(dir, BROKEN_NAME) });
    expect(store.problem()!.message).toContain('line 1, column 31');
    expect(await readFile(join(dir, BROKEN_NAME), 'utf8')).toBe('{"version": 1, "endpoints": [ }');
    expect((await open()).catalogue().desktops[0].name).toBe('mine');
  });

  it('keeps a valid hand edit made while running as the backup', async () => {
    const store = await open();
    await store.save(sampleCatalogue());
    const handEdited = serializeCatalogue(withDesktopName(sampleCatalogue(), 'hand edit'));
    await writeFile(file(), handEdited);
    await store.save(withDesktopName(sampleCatalogue(), 'mine'));
    expect(store.problem()).toBeNull();
    expect(await readFile(file() + '.bak', 'utf8')).toBe(handEdited);
  });
});

describe('CatalogueStore: migrations', () => {
  const v0 = {
    endpoints: [
      { id: 'ep1', name: 'vpce', host: VPCE, proxy: 'http://proxy.corp.example:8080' },
      { id: 'ep2', name: 'lab', host: '10.213.66.188', proxy: 'direct' },
    ],
    desktops: [
      { id: 'd1', name: 'agent1', endpointId: 'ep1', port: 50001, favourite: true },
      { id: 'd2', name: 'routed', endpointId: 'ep1', port: 8443, agent: '10.150.248.180', path: '/dcv' },
      { id: 'd3', name: 'gateway', endpointId: 'ep2', sessionId: 'console' },
    ],
  };

  it('reads a version-0 file (no version field, flat desktop ports) as the current version', async () => {
    const text = JSON.stringify(v0, null, 2);
    await writeFile(file(), text);
    const store = await open();
    expect(store.problem()).toBeNull();
    const c = store.catalogue();
    expect(c.version).toBe(CATALOGUE_VERSION);
    expect(c.sources).toEqual([]);
    expect(c.endpoints.map((e) => e.proxy)).toEqual([{ mode: 'manual', url: 'http://proxy.corp.example:8080' }, { mode: 'direct' }]);
    expect(c.desktops.map((d) => [d.route, d.webUrlPath, d.favourite])).toEqual([
      [{ kind: 'port', port: 50001 }, '/', true],
      [{ kind: 'prefix', port: 8443, agent: '10.150.248.180' }, '/dcv/', false],
      [{ kind: 'gateway', port: 8443, sessionId: 'console' }, '/', false],
    ]);
    // Loading does not rewrite the file; the first save does, keeping the v0 bytes as the backup.
    expect(await readFile(file(), 'utf8')).toBe(text);
    await store.save(c);
    expect(JSON.parse(await readFile(file(), 'utf8')).version).toBe(CATALOGUE_VERSION);
    expect(await readFile(file() + '.bak', 'utf8')).toBe(text);
  });

  it('reports a v0 field it cannot migrate by its path', async () => {
    await writeFile(file(), JSON.stringify({ ...v0, endpoints: [{ ...v0.endpoints[0], proxy: 'socks5://p:1080' }] }));
    const store = await open();
    expect(store.problem()!.message).toContain('endpoints.0.proxy');
  });
});

describe('CatalogueStore: concurrency', () => {
  /** Passes every call to the real fs, counting temp files between open and rename. */
  function watchingFs() {
    let inFlight = 0;
    let maxInFlight = 0;
    const fs: StoreFs = {
      ...realFs,
      open: (async (path: string, ...rest: unknown[]) => {
        if (String(path).includes('.tmp-')) maxInFlight = Math.max(maxInFlight, ++inFlight);
        return (realFs.open as (...a: unknown[]) => unknown)(path, ...rest);
      }) as StoreFs['open'],
      rename: async (from, to) => {
        await realFs.rename(from, to);
        if (String(from).includes('.tmp-')) inFlight--;
      },
    };
    return { fs, maxInFlight: () => maxInFlight };
  }

  it('serializes concurrent saves; the last call wins', async () => {
    const watch = watchingFs();
    const store = await open(watch.fs);
    const finished: number[] = [];
    const saves = Array.from({ length: 20 }, (_, i) => store.save(withDesktopName(sampleCatalogue(), `save ${i}`)).then(() => finished.push(i)));
    await Promise.all(saves);
    expect(finished).toEqual([...Array(20).keys()]);
    expect(watch.maxInFlight()).toBe(1);
    expect(JSON.parse(await readFile(file(), 'utf8')).desktops[0].name).toBe('save 19');
    expect(JSON.parse(await readFile(file() + '.bak', 'utf8')).desktops[0].name).toBe('save 18');
  });
});
