/**
 * File ▸ Import…: the picked file goes to the launcher window's Import dialog ('import.file'),
 * which words the preview and every problem; the shell shows no English box of its own.
 */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { IMPORT_TEXT_LIMIT } from '../../preload/contract/api';
import { dialog, resetFake } from '../testing/electron-fake';
import { IMPORT_FILE_BYTES_LIMIT, importFromFile, readImportFile, type ImportFile } from './import-file';
import { shellTexts } from './texts';

vi.mock('electron', () => import('../testing/electron-fake'));

const dir = mkdtempSync(join(tmpdir(), 'dcv-import-file-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeEach(() => resetFake());
afterEach(() => vi.restoreAllMocks());

function pick(path: string | undefined) {
  dialog.showOpenDialog.mockResolvedValueOnce(path ? { canceled: false, filePaths: [path] } : { canceled: true, filePaths: [] });
}

async function runImport(lang: 'ja' | 'en' = 'ja') {
  const sent: ImportFile[] = [];
  await importFromFile({ parent: undefined, texts: shellTexts(lang), send: (file) => sent.push(file) });
  return sent;
}

const DCV = '\uFEFF[version]\r\nformat=1.0\r\n[connect]\r\nhost=gw.example.jp\r\nport=8443\r\n';

describe('File ▸ Import…', () => {
  it('sends the picked file, named and read, to the launcher window — and shows no box itself', async () => {
    const path = join(dir, '営業デスクトップ.dcv');
    writeFileSync(path, DCV);
    pick(path);
    expect(await runImport()).toEqual([{ fileName: '営業デスクトップ.dcv', text: DCV.slice(1) }]);
    expect(dialog.showMessageBox).not.toHaveBeenCalled();
  });

  it('asks in the launcher’s language, offering catalogues, .dcv files and port tables', async () => {
    pick(undefined);
    expect(await runImport('ja')).toEqual([]);
    const options = dialog.showOpenDialog.mock.calls[0][0] as { title: string; filters: Array<{ name: string; extensions: string[] }> };
    expect(options.title).toBe('インポート');
    expect(options.filters).toEqual([{ name: 'カタログ（JSON）、.dcv ファイル、ポート表', extensions: ['json', 'dcv', 'csv', 'tsv', 'txt'] }]);
    pick(undefined);
    await runImport('en');
    expect((dialog.showOpenDialog.mock.calls[1][0] as { title: string }).title).toBe('Import');
  });

  it('a file too big to hold the limit is refused without its text: the dialog words the reason', async () => {
    const path = join(dir, 'huge.json');
    writeFileSync(path, Buffer.alloc(IMPORT_FILE_BYTES_LIMIT + 10, 0x20));
    pick(path);
    expect(await runImport()).toEqual([{ fileName: 'huge.json', refused: { bytes: IMPORT_FILE_BYTES_LIMIT + 10 } }]);
    expect(dialog.showMessageBox).not.toHaveBeenCalled();
  });

  it('a text longer than the limit is refused by its length, as the dialog counts it', async () => {
    const path = join(dir, 'ports.txt');
    writeFileSync(path, 'x'.repeat(IMPORT_TEXT_LIMIT + 1));
    expect(await readImportFile(path)).toEqual({ fileName: 'ports.txt', refused: { chars: IMPORT_TEXT_LIMIT + 1 } });
    writeFileSync(path, 'あ'.repeat(IMPORT_TEXT_LIMIT));
    const exactly = await readImportFile(path);
    expect('text' in exactly && exactly.text.length).toBe(IMPORT_TEXT_LIMIT);
  });

  it('a file that cannot be read is said in the user’s language, with the system’s code only', async () => {
    const path = join(dir, 'gone.json');
    pick(path);
    vi.spyOn(console, 'error').mockImplementation(() => {});
    expect(await runImport('ja')).toEqual([]);
    expect(dialog.showMessageBox).toHaveBeenCalledWith({ type: 'error', message: '「gone.json」を読み込めませんでした。', detail: '原文（英語）:\nENOENT' });
  });

  it.skipIf(process.getuid?.() === 0)('an unreadable file: the same', async () => {
    const path = join(dir, 'secret.dcv');
    writeFileSync(path, DCV);
    chmodSync(path, 0o000);
    pick(path);
    vi.spyOn(console, 'error').mockImplementation(() => {});
    expect(await runImport('en')).toEqual([]);
    expect(dialog.showMessageBox).toHaveBeenCalledWith({ type: 'error', message: 'Could not read “secret.dcv”.', detail: 'Original message:\nEACCES' });
  });
});
