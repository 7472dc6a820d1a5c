/**
 * The application menu: File (Import…, Quit), Edit (so copy/paste shortcuts work on macOS), View
 * (reload in dev), Help — in the launcher's language, rebuilt when it changes. Roles (Quit, the
 * Edit menu, the macOS app menu) are worded by Electron in the OS's language.
 */
import { Menu, type MenuItemConstructorOptions } from 'electron';
import type { ShellLanguage } from './language';
import type { ShellTexts } from './texts';

export interface MenuActions {
  isDev: boolean;
  importFile(): void;
  about(): void;
  troubleshooting(): void;
}

export function buildMenu(actions: MenuActions, texts: ShellTexts, platform: NodeJS.Platform = process.platform): Menu {
  const words = texts.menu;
  const template: MenuItemConstructorOptions[] = [
    ...(platform === 'darwin' ? [{ role: 'appMenu' as const }] : []),
    {
      label: words.file,
      submenu: [
        { label: words.import, accelerator: 'CmdOrCtrl+O', click: () => actions.importFile() },
        { type: 'separator' },
        { role: 'quit' },
      ],
    },
    { role: 'editMenu' },
    ...(actions.isDev ? [{ label: words.view, submenu: [{ role: 'reload' as const }, { role: 'toggleDevTools' as const }] }] : []),
    {
      role: 'help',
      label: words.help,
      submenu: [
        { label: words.troubleshooting, click: () => actions.troubleshooting() },
        { label: words.about, click: () => actions.about() },
      ],
    },
  ];
  return Menu.buildFromTemplate(template);
}

/** Sets the application menu in the current language and again at each change; returns the unsubscribe. */
export function installMenu(language: ShellLanguage, actions: MenuActions, platform: NodeJS.Platform = process.platform): () => void {
  const set = () => Menu.setApplicationMenu(buildMenu(actions, language.texts(), platform));
  set();
  return language.onChange(set);
}
