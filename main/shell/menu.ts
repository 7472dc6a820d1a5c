/** The application menu: File (Import…, Quit), Edit (so copy/paste shortcuts work on macOS), View (reload in dev), Help. */
import { Menu, type MenuItemConstructorOptions } from 'electron';

export interface MenuActions {
  isDev: boolean;
  importFile(): void;
  about(): void;
  troubleshooting(): void;
}

export function buildMenu(actions: MenuActions, platform: NodeJS.Platform = process.platform): Menu {
  const template: MenuItemConstructorOptions[] = [
    ...(platform === 'darwin' ? [{ role: 'appMenu' as const }] : []),
    {
      label: 'File',
      submenu: [
        { label: 'Import…', accelerator: 'CmdOrCtrl+O', click: () => actions.importFile() },
        { type: 'separator' },
        { role: 'quit' },
      ],
    },
    { role: 'editMenu' },
    ...(actions.isDev ? [{ label: 'View', submenu: [{ role: 'reload' as const }, { role: 'toggleDevTools' as const }] }] : []),
    {
      role: 'help',
      submenu: [
        { label: 'Troubleshooting', click: () => actions.troubleshooting() },
        { label: 'About DCV Launcher', click: () => actions.about() },
      ],
    },
  ];
  return Menu.buildFromTemplate(template);
}
