/**
 * File ▸ Import…: the native open dialog picks the file, main reads it, and the launcher
 * window's own Import dialog opens with it ('import.file'): the preview, its notes and every
 * error are worded there, in the user's language. Nothing is imported from here.
 */
import { open } from 'node:fs/promises';
import { basename } from 'node:path';
import { dialog, type BrowserWindow, type OpenDialogOptions } from 'electron';
import { IMPORT_TEXT_LIMIT, type Events } from '../../preload/contract/api';
import type { ShellTexts } from './texts';

/**
 * A file bigger than this cannot hold IMPORT_TEXT_LIMIT characters or fewer (UTF-8 spends at most
 * 3 bytes per UTF-16 unit): refused without reading all of it, as the Import dialog does.
 */
export const IMPORT_FILE_BYTES_LIMIT = IMPORT_TEXT_LIMIT * 3;

export type ImportFile = Events['import.file'];

/** The file as the Import dialog would take it when dropped: its name, and its text or why not. */
export async function readImportFile(path: string): Promise<ImportFile> {
  const fileName = basename(path);
  const file = await open(path, 'r');
  try {
    const { size } = await file.stat();
    if (size > IMPORT_FILE_BYTES_LIMIT) return { fileName, refused: { bytes: size } };
    // Never more than the limit, even if the file grows after stat.
    const buffer = Buffer.alloc(IMPORT_FILE_BYTES_LIMIT + 1);
    let length = 0;
    for (;;) {
      const { bytesRead } = await file.read(buffer, length, buffer.length - length, length);
      if (bytesRead === 0) break;
      length += bytesRead;
      if (length === buffer.length) return { fileName, refused: { bytes: length } };
    }
    // As the browser's File.text(): UTF-8, a byte-order mark dropped, bad bytes replaced.
    const text = new TextDecoder('utf-8').decode(buffer.subarray(0, length));
    if (text.length > IMPORT_TEXT_LIMIT) return { fileName, refused: { chars: text.length } };
    return { fileName, text };
  } finally {
    await file.close();
  }
}

export interface ImportFromFileDeps {
  parent: BrowserWindow | undefined;
  texts: ShellTexts;
  /** Hands the file to the launcher window (shell-events.ts). */
  send(file: ImportFile): void;
}

export async function importFromFile({ parent, texts, send }: ImportFromFileDeps): Promise<void> {
  const options: OpenDialogOptions = {
    title: texts.importPick.title,
    properties: ['openFile'],
    filters: [{ name: texts.importPick.filter, extensions: ['json', 'dcv', 'csv', 'tsv', 'txt'] }],
  };
  const picked = parent ? await dialog.showOpenDialog(parent, options) : await dialog.showOpenDialog(options);
  const path = picked.filePaths[0];
  if (picked.canceled || !path) return;
  let file: ImportFile;
  try {
    file = await readImportFile(path);
  } catch (e) {
    console.error('[import] reading the picked file failed', e);
    const box = { type: 'error' as const, message: texts.importUnreadable(basename(path)), detail: texts.original(errorCode(e)) };
    await (parent ? dialog.showMessageBox(parent, box) : dialog.showMessageBox(box));
    return;
  }
  send(file);
}

/** "EACCES: permission denied, open '/x'" → the code only; the path is the user's own and already named. */
function errorCode(e: unknown): string {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : e instanceof Error ? e.message : String(e);
}
