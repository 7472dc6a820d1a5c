/**
 * The shell's own events (File ▸ Import…, deep links, Help ▸ Troubleshooting) reach the launcher's
 * renderer once it listens — a deep link at start-up comes before the page runs — and deep links
 * become a Connect in the launcher window; only a malformed link or an unknown profile is said by
 * the shell, in the user's language.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { CatalogueView } from '../../preload/contract/api';
import { EVENT_CHANNEL, INVOKE_CHANNEL } from '../../preload/ipc-names';
import { FakeFrame, FakeWebContents, ipcMain, resetFake } from '../testing/electron-fake';
import { fakeServices } from '../testing/fake-services';
import { followDeepLink } from './deep-link';
import { registerIpc } from './ipc';
import { ShellEvents } from './shell-events';
import { shellTexts } from './texts';

vi.mock('electron', () => import('../testing/electron-fake'));

const LAUNCHER_PAGE = 'app://launcher/index.html';
const view = {
  catalogue: { settings: { language: 'ja', view: 'list' }, desktops: [{ id: 'd1', name: 'one' }], profiles: [{ id: 'p1', name: 'big', desktopId: 'd1', openIn: 'window' }] },
} as unknown as CatalogueView;

function setup() {
  const { services } = fakeServices({
    'catalogue.get': async () => ({ ok: true, value: view }),
    'secrets.status': async () => ({ ok: true, value: { backend: 'memory', persistent: false, detail: '' } }),
  });
  const page = () => {
    const contents = new FakeWebContents();
    contents.mainFrame = new FakeFrame(LAUNCHER_PAGE);
    return contents;
  };
  let launcher: FakeWebContents | undefined = page();
  const events = new ShellEvents(() => launcher as never);
  registerIpc(services, () => launcher as never, undefined, (channel) => events.called(channel));
  events.watch(launcher as never);
  const call = (channel: string, from: FakeWebContents | undefined = launcher) =>
    ipcMain.handlers.get(INVOKE_CHANNEL)!({ sender: from, senderFrame: from?.mainFrame }, channel, {});
  const sent = (contents: FakeWebContents | undefined = launcher) => contents!.send.mock.calls.filter(([c]) => c === EVENT_CHANNEL).map(([, m]) => m);
  return {
    events,
    call,
    sent,
    get launcher() {
      return launcher!;
    },
    newWindow: () => (launcher = page()),
  };
}

beforeEach(() => resetFake());

describe("the shell's events", () => {
  it('are held until the page has called catalogue.get (it subscribes first), then delivered in order', async () => {
    const s = setup();
    s.events.send('connect.request', { desktopId: 'd1', profileId: 'p1' });
    s.events.send('view.show', { view: 'troubleshoot' });
    await s.call('secrets.status');
    expect(s.sent()).toEqual([]);
    await s.call('catalogue.get');
    expect(s.sent()).toEqual([
      { event: 'connect.request', payload: { desktopId: 'd1', profileId: 'p1' } },
      { event: 'view.show', payload: { view: 'troubleshoot' } },
    ]);
    s.events.send('import.file', { fileName: 'a.dcv', text: '[connect]' });
    expect(s.sent()).toHaveLength(3);
  });

  it('a call from another webContents does not count', async () => {
    const s = setup();
    const other = new FakeWebContents();
    other.mainFrame = new FakeFrame(LAUNCHER_PAGE);
    s.events.send('view.show', { view: 'troubleshoot' });
    expect(await s.call('catalogue.get', other)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(s.sent()).toEqual([]);
    expect(other.send).not.toHaveBeenCalled();
  });

  it('a reload or a new launcher window listens again only after its own catalogue.get', async () => {
    const s = setup();
    await s.call('catalogue.get');
    s.launcher.emit('did-navigate', {}, LAUNCHER_PAGE);
    s.events.send('view.show', { view: 'troubleshoot' });
    expect(s.sent()).toEqual([]);
    await s.call('catalogue.get');
    expect(s.sent()).toHaveLength(1);

    const first = s.launcher;
    first.destroyed = true;
    s.newWindow();
    s.events.send('connect.request', { desktopId: 'd1' });
    expect(s.sent()).toEqual([]);
    await s.call('catalogue.get');
    expect(s.sent()).toEqual([{ event: 'connect.request', payload: { desktopId: 'd1' } }]);
    expect(first.send).toHaveBeenCalledTimes(1);
  });

  it('keeps only the last few while nobody listens', async () => {
    const s = setup();
    for (let i = 0; i < 20; i++) s.events.send('connect.request', { desktopId: `d${i}` });
    await s.call('catalogue.get');
    expect(s.sent().map((m) => (m as { payload: { desktopId: string } }).payload.desktopId)).toEqual(['d12', 'd13', 'd14', 'd15', 'd16', 'd17', 'd18', 'd19']);
  });
});

describe('deep links', () => {
  function follow(url: string, lang: 'ja' | 'en' = 'ja', catalogue: 'ok' | 'broken' = 'ok') {
    const { services } = fakeServices({
      'catalogue.get': async () => (catalogue === 'ok' ? { ok: true, value: view } : { ok: false, error: { code: 'STORE_ERROR', message: 'EACCES reading catalogue.json' } }),
    });
    const connects: unknown[] = [];
    const problems: Array<[string, string]> = [];
    const done = followDeepLink(url, {
      handlers: services.handlers,
      texts: shellTexts(lang),
      connect: (request) => connects.push(request),
      problem: async (message, detail) => problems.push([message, detail]),
    });
    return done.then(() => ({ connects, problems }));
  }

  it("become the launcher window's Connect of the profile's desktop: trust, passwords and failures are asked there", async () => {
    expect(await follow('dcv-launcher://connect/p1/')).toEqual({ connects: [{ desktopId: 'd1', profileId: 'p1' }], problems: [] });
  });

  it('a link to a profile the catalogue does not have is said in Japanese', async () => {
    expect(await follow('dcv-launcher://connect/nope')).toEqual({
      connects: [],
      problems: [['リンクのプロファイルが見つかりません。', 'カタログにプロファイル「nope」がありません。']],
    });
  });

  it('a malformed link is said in the launcher’s language', async () => {
    const ja = await follow('dcv-launcher://open/p1');
    expect(ja.problems).toEqual([['DCV Launcher のリンクではありません。', '受け取ったリンク: dcv-launcher://open/p1\n形式: dcv-launcher://connect/<プロファイルの ID>']]);
    const en = await follow('dcv-launcher://connect/..%2f', 'en');
    expect(en.problems[0][0]).toBe('Not a DCV Launcher link.');
    expect(ja.connects).toEqual([]);
  });

  it('an unreadable catalogue: worded, with main’s English only as the original', async () => {
    expect((await follow('dcv-launcher://connect/p1', 'ja', 'broken')).problems).toEqual([
      ['カタログを読み込めなかったため、リンクを開けませんでした。', '原文（英語）:\nEACCES reading catalogue.json'],
    ]);
  });
});
