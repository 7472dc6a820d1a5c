/**
 * File ▸ Import…: pick a catalogue (.json) or a .dcv file, show what it would add, apply on
 * confirmation — through the same validated handlers the renderer uses.
 */
import { readFile, stat } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { dialog, type BrowserWindow, type MessageBoxOptions, type OpenDialogOptions } from 'electron';
import type { Handlers, ImportPreview } from '../../preload/contract/api';
import { dispatch } from '../dispatch';

const MAX_IMPORT_BYTES = 5_000_000;

export async function importFromFile(handlers: Handlers, parent: BrowserWindow | undefined): Promise<void> {
  const options: OpenDialogOptions = {
    title: 'Import',
    properties: ['openFile'],
    filters: [{ name: 'DCV Launcher catalogue or DCV connection file', extensions: ['json', 'dcv'] }],
  };
  const picked = parent ? await dialog.showOpenDialog(parent, options) : await dialog.showOpenDialog(options);
  const file = picked.filePaths[0];
  if (picked.canceled || !file) return;

  const say = (box: MessageBoxOptions) => (parent ? dialog.showMessageBox(parent, box) : dialog.showMessageBox(box));
  const fail = (message: string) => say({ type: 'error', message: `Could not import ${basename(file)}`, detail: message });

  const size = (await stat(file)).size;
  if (size > MAX_IMPORT_BYTES) return void (await fail(`The file is ${size} bytes; the limit is ${MAX_IMPORT_BYTES}.`));
  const request = { format: extname(file).toLowerCase() === '.dcv' ? ('dcv' as const) : ('json' as const), text: await readFile(file, 'utf8') };

  const preview = await dispatch(handlers, 'import.preview', request);
  if (!preview.ok) return void (await fail(preview.error.message));
  const p = preview.value as ImportPreview;
  const { response } = await say({
    type: 'question',
    buttons: ['Import', 'Cancel'],
    defaultId: 0,
    cancelId: 1,
    message: `Import ${p.endpoints.length} endpoint(s), ${p.desktops.length} desktop(s) and ${p.profiles.length} profile(s) from ${basename(file)}?`,
    detail: p.warnings.join('\n'),
  });
  if (response !== 0) return;
  const applied = await dispatch(handlers, 'import.apply', request);
  if (!applied.ok) await fail(applied.error.message);
}
