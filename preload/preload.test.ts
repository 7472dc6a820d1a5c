import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it, vi } from 'vitest';
import { CHANNELS, EVENT_NAMES } from './contract/names';
import { createPreloadApi, type IpcRendererLike } from './bridge';
import { EVENT_CHANNEL, INVOKE_CHANNEL } from './ipc-names';

vi.mock('electron', () => import('../main/testing/electron-fake'));

function fakeIpc() {
  let deliver: ((event: unknown, message: unknown) => void) | undefined;
  const ipc = {
    invoke: vi.fn(async (..._args: unknown[]) => ({ ok: true, value: 'answer' })),
    on: vi.fn((channel: string, listener: (event: unknown, message: unknown) => void) => {
      if (channel === EVENT_CHANNEL) deliver = listener;
    }),
  } satisfies IpcRendererLike;
  return { ipc, push: (message: unknown) => deliver?.({ sender: 'ipc internals' }, message) };
}

describe('preload bridge', () => {
  it("exposes exactly { mode, invoke, on } as window.launcher, never ipcRenderer", async () => {
    const electron = await import('../main/testing/electron-fake');
    await import('./preload');
    expect(electron.contextBridge.exposeInMainWorld).toHaveBeenCalledTimes(1);
    const [name, api] = electron.contextBridge.exposeInMainWorld.mock.calls[0] as [string, Record<string, unknown>];
    expect(name).toBe('launcher');
    expect(Object.keys(api).sort()).toEqual(['invoke', 'mode', 'on']);
    expect(api.mode).toBe('electron');
    expect(Object.values(api).some((v) => v === electron.ipcRenderer)).toBe(false);
    expect(Object.isFrozen(api)).toBe(true);
  });

  it('invokes the one IPC channel for every contract channel and refuses unknown ones locally', async () => {
    const { ipc } = fakeIpc();
    const api = createPreloadApi(ipc);
    expect(await api.invoke('catalogue.get', {})).toEqual({ ok: true, value: 'answer' });
    expect(ipc.invoke).toHaveBeenCalledWith(INVOKE_CHANNEL, 'catalogue.get', {});
    for (const channel of CHANNELS) await api.invoke(channel, {} as never);
    expect(ipc.invoke).toHaveBeenCalledTimes(CHANNELS.length + 1);
    const unknown = await api.invoke('shell.exec' as never, {} as never);
    expect(unknown).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(ipc.invoke).toHaveBeenCalledTimes(CHANNELS.length + 1);
  });

  it('delivers only the payload of the subscribed event, and unsubscribes', () => {
    const { ipc, push } = fakeIpc();
    const api = createPreloadApi(ipc);
    const seen: unknown[] = [];
    const off = api.on('catalogue.changed', (p) => seen.push(p));
    api.on('doctor.step', () => seen.push('wrong event'));
    push({ event: 'catalogue.changed', payload: { n: 1 } });
    push(undefined);
    push({ event: 'not.an.event', payload: 1 });
    off();
    push({ event: 'catalogue.changed', payload: { n: 2 } });
    expect(seen).toEqual([{ n: 1 }]);
    expect(ipc.on).toHaveBeenCalledTimes(1);
    expect(() => api.on('nope' as never, () => {})).toThrow(/unknown event/);
  });
});

describe('preload bundle', () => {
  it('lists each channel and event once (the types check they are the contract\'s)', () => {
    expect(new Set(CHANNELS).size).toBe(CHANNELS.length);
    expect(new Set(EVENT_NAMES).size).toBe(EVENT_NAMES.length);
  });

  it('bundles without zod or any other package: a few KB, as scripts/build.mjs builds it', async () => {
    const out = await build({
      entryPoints: [fileURLToPath(new URL('./preload.ts', import.meta.url))],
      bundle: true,
      platform: 'node',
      format: 'cjs',
      external: ['electron'],
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    expect(Object.keys(out.metafile.inputs).filter((f) => f.includes('node_modules'))).toEqual([]);
    expect(out.outputFiles[0].contents.byteLength).toBeLessThan(16_000);
  });
});

