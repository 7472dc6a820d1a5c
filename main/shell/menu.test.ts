/** The application menu in the launcher's language, rebuilt when the user switches it. */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { CatalogueView } from '../../preload/contract/api';
import { Menu, resetFake } from '../testing/electron-fake';
import { fakeServices } from '../testing/fake-services';
import { ShellLanguage } from './language';
import { buildMenu, installMenu, type MenuActions } from './menu';
import { shellTexts } from './texts';

vi.mock('electron', () => import('../testing/electron-fake'));

type Item = { label?: string; role?: string; submenu?: Item[]; click?: () => void; type?: string };

const actions = () => ({ isDev: false, importFile: vi.fn<() => void>(), about: vi.fn<() => void>(), troubleshooting: vi.fn<() => void>() }) satisfies MenuActions;

/** Every label of a built menu, by path: "ファイル > インポート…". Roles show as [role]. */
function labels(menu: unknown): string[] {
  const out: string[] = [];
  const walk = (items: Item[], path: string) => {
    for (const item of items) {
      if (item.type === 'separator') continue;
      const name = item.label ?? `[${item.role}]`;
      out.push(path + name);
      if (item.submenu) walk(item.submenu, `${path}${name} > `);
    }
  };
  walk((menu as { template: Item[] }).template, '');
  return out;
}

const view = (language: 'ja' | 'en') => ({ catalogue: { settings: { language, view: 'list' }, profiles: [], desktops: [] } }) as unknown as CatalogueView;

function servicesWith(language: 'ja' | 'en') {
  return fakeServices({ 'catalogue.get': async () => ({ ok: true, value: view(language) }) });
}

beforeEach(() => resetFake());

describe('the application menu', () => {
  it('is in Japanese', () => {
    expect(labels(buildMenu(actions(), shellTexts('ja'), 'linux'))).toEqual([
      'ファイル',
      'ファイル > インポート…',
      'ファイル > [quit]',
      '[editMenu]',
      'ヘルプ',
      'ヘルプ > トラブルシューティング',
      'ヘルプ > DCV Launcher について',
    ]);
  });

  it('is in English', () => {
    expect(labels(buildMenu({ ...actions(), isDev: true }, shellTexts('en'), 'darwin'))).toEqual([
      '[appMenu]',
      'File',
      'File > Import…',
      'File > [quit]',
      '[editMenu]',
      'View',
      'View > [reload]',
      'View > [toggleDevTools]',
      'Help',
      'Help > Troubleshooting',
      'Help > About DCV Launcher',
    ]);
  });

  it('its items call their actions', () => {
    const a = actions();
    const template = (buildMenu(a, shellTexts('ja'), 'linux') as unknown as { template: Item[] }).template;
    template[0].submenu![0].click!();
    const help = template.find((i) => i.role === 'help')!;
    help.submenu![0].click!();
    help.submenu![1].click!();
    expect(a.importFile).toHaveBeenCalledTimes(1);
    expect(a.troubleshooting).toHaveBeenCalledTimes(1);
    expect(a.about).toHaveBeenCalledTimes(1);
  });

  it("follows the catalogue's language: set at start, rebuilt when it changes, not for other changes", async () => {
    const { services, emit } = servicesWith('ja');
    const language = await ShellLanguage.start(services);
    installMenu(language, actions(), 'linux');
    const set = Menu.setApplicationMenu;
    expect(set).toHaveBeenCalledTimes(1);
    expect(labels(set.mock.calls[0][0])[0]).toBe('ファイル');

    emit('catalogue.changed', view('ja'));
    expect(set).toHaveBeenCalledTimes(1);

    emit('catalogue.changed', view('en'));
    expect(set).toHaveBeenCalledTimes(2);
    expect(labels(set.mock.calls[1][0])).toContain('Help > About DCV Launcher');
    expect(language.texts().menu.file).toBe('File');

    emit('catalogue.changed', view('ja'));
    expect(set).toHaveBeenCalledTimes(3);
    expect(labels(set.mock.calls[2][0])).toContain('ヘルプ > トラブルシューティング');
    language.dispose();
  });

  it('starts in English when the catalogue says so, and in Japanese when it cannot be read', async () => {
    expect((await ShellLanguage.start(servicesWith('en').services)).lang).toBe('en');
    const broken = fakeServices({ 'catalogue.get': async () => ({ ok: false, error: { code: 'STORE_ERROR', message: 'disk on fire' } }) });
    expect((await ShellLanguage.start(broken.services)).lang).toBe('ja');
  });
});
