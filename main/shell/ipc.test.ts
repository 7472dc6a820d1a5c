import { beforeEach, describe, expect, it, vi } from 'vitest';
import { EVENT_CHANNEL, INVOKE_CHANNEL } from '../../preload/ipc-names';
import { fakeServices } from '../testing/fake-services';
import { FakeFrame, FakeWebContents, ipcMain, resetFake } from '../testing/electron-fake';
import { registerIpc } from './ipc';

vi.mock('electron', () => import('../testing/electron-fake'));

const LAUNCHER_PAGE = 'app://launcher/index.html';

function setup() {
  const calls: unknown[] = [];
  const { services, emit, listeners } = fakeServices({
    'desktop.setFavourite': async (r: unknown) => {
      calls.push(r);
      return { ok: true, value: r };
    },
    'connection.list': async () => {
      throw new Error('boom at /home/user/secret/path.ts:12');
    },
  });
  const launcher = new FakeWebContents();
  launcher.mainFrame = new FakeFrame(LAUNCHER_PAGE);
  let current: FakeWebContents | undefined = launcher;
  const logged: unknown[] = [];
  const dispose = registerIpc(services, () => current as never, (m, e) => logged.push([m, e]));
  const invoke = (sender: FakeWebContents, frame: FakeFrame | null, channel: unknown, request: unknown) =>
    ipcMain.handlers.get(INVOKE_CHANNEL)!({ sender, senderFrame: frame }, channel, request);
  return { launcher, invoke, calls, emit, listeners, dispose, logged, setLauncher: (w: FakeWebContents | undefined) => (current = w) };
}

beforeEach(() => resetFake());

describe('IPC', () => {
  it("serves a valid call from the launcher's main frame", async () => {
    const { launcher, invoke, calls } = setup();
    const result = await invoke(launcher, launcher.mainFrame, 'desktop.setFavourite', { id: 'd1', favourite: true });
    expect(result).toEqual({ ok: true, value: { id: 'd1', favourite: true } });
    expect(calls).toHaveLength(1);
  });

  it('rejects bad payloads with field errors before any handler runs', async () => {
    const { launcher, invoke, calls } = setup();
    const result = await invoke(launcher, launcher.mainFrame, 'desktop.setFavourite', { id: '../etc', favourite: 'yes', extra: 1 });
    expect(result.ok).toBe(false);
    expect(result.error.code).toBe('INVALID_INPUT');
    expect(Object.keys(result.error.fields).sort()).toEqual(['(root)', 'favourite', 'id']);
    expect(await invoke(launcher, launcher.mainFrame, 'no.such.channel', {})).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', message: 'unknown channel "no.such.channel"' } });
    expect(await invoke(launcher, launcher.mainFrame, { toString: () => 'x' }, {})).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(await invoke(launcher, launcher.mainFrame, '__proto__', {})).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(calls).toHaveLength(0);
  });

  it('refuses foreign senders: another webContents, another page, a subframe, a gone frame, no launcher', async () => {
    const { launcher, invoke, calls, setLauncher } = setup();
    const good = { id: 'd1', favourite: true };
    const other = new FakeWebContents();
    other.mainFrame = new FakeFrame(LAUNCHER_PAGE);
    const forbidden = { ok: false, error: { code: 'FORBIDDEN' } };
    expect(await invoke(other, other.mainFrame, 'desktop.setFavourite', good)).toMatchObject(forbidden);
    expect(await invoke(launcher, new FakeFrame('https://evil.example/'), 'desktop.setFavourite', good)).toMatchObject(forbidden);
    expect(await invoke(launcher, new FakeFrame('app://launcher/other.html'), 'desktop.setFavourite', good)).toMatchObject(forbidden);
    const sub = new FakeFrame(LAUNCHER_PAGE);
    sub.parent = launcher.mainFrame;
    expect(await invoke(launcher, sub, 'desktop.setFavourite', good)).toMatchObject(forbidden);
    expect(await invoke(launcher, null, 'desktop.setFavourite', good)).toMatchObject(forbidden);
    const gone = { get url(): string { throw new Error('Render frame was disposed'); }, parent: null };
    expect(await invoke(launcher, gone as never, 'desktop.setFavourite', good)).toMatchObject(forbidden);
    launcher.destroyed = true;
    expect(await invoke(launcher, launcher.mainFrame, 'desktop.setFavourite', good)).toMatchObject(forbidden);
    setLauncher(undefined);
    expect(await invoke(launcher, launcher.mainFrame, 'desktop.setFavourite', good)).toMatchObject(forbidden);
    expect(calls).toHaveLength(0);
  });

  it('turns a handler exception into INTERNAL without its message or stack', async () => {
    const { launcher, invoke, logged } = setup();
    const result = await invoke(launcher, launcher.mainFrame, 'connection.list', {});
    expect(result).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
    expect(JSON.stringify(result)).not.toMatch(/boom|secret|\.ts:/);
    expect(logged).toHaveLength(1);
  });

  it('sends events to the launcher window only, and stops after dispose', () => {
    const { launcher, emit, dispose, listeners } = setup();
    emit('catalogue.changed', { n: 1 });
    expect(launcher.send).toHaveBeenCalledWith(EVENT_CHANNEL, { event: 'catalogue.changed', payload: { n: 1 } });
    dispose();
    expect(listeners.size).toBe(0);
    expect(ipcMain.handlers.has(INVOKE_CHANNEL)).toBe(false);
  });

  it('does not send to a destroyed launcher', () => {
    const { launcher, emit } = setup();
    launcher.destroyed = true;
    emit('catalogue.changed', {});
    expect(launcher.send).not.toHaveBeenCalled();
  });
});
