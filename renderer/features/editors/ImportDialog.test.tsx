/**
 * The import dialog in Japanese, on previews made by main's own planner (the same pure function
 * the catalogue service calls): every note, problem and skipped line is worded in Japanese, and
 * main's English is only behind the 「原文（英語）」 disclosure.
 */
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { IMPORT_CODES } from '../../../main/services/import-export/notes';
import { planImportText } from '../../../main/services/import-export/plan-import';
import { IMPORT_TEXT_LIMIT, type ImportPreview, type Request, type Result } from '../../../preload/contract/api';
import { en } from '../../i18n/en';
import { ja } from '../../i18n/ja';
import { createFakeApi, desktop, endpoint, ok, type FakeApi } from '../../test/fakeApi';
import { expectNoEnglishSentences } from '../../test/noEnglish';
import { renderApp } from '../../test/render';

const HOST = 'vpce-0abc-xyz.vpce-svc-0123.ap-northeast-1.vpce.amazonaws.com';
const catalogue = {
  endpoints: [endpoint({ name: '東京の VPC エンドポイント' })],
  desktops: [desktop({ id: 'd1', name: 'エージェント 1', route: { kind: 'port', port: 50001 } })],
  settings: { language: 'ja' as const, view: 'list' as const },
};

/** The fake answers import.preview as main does: the real planner on the fake's catalogue. */
function withMainPlanner(api: FakeApi) {
  let n = 0;
  api.handle('import.preview', (r: Request<'import.preview'>): Result<ImportPreview> => {
    const planned = planImportText(r, api.view.catalogue, () => `n${++n}`);
    return planned.ok ? ok(planned.plan.preview) : { ok: false, error: { code: 'INVALID_INPUT', message: planned.message, reason: planned.reason } };
  });
  return api;
}

async function openDialog(api: FakeApi) {
  const rendered = renderApp(api, { lang: 'ja' });
  await rendered.user.click(await screen.findByRole('button', { name: 'インポート…' }));
  const dialog = await screen.findByRole('dialog', { name: 'インポート' });
  return { ...rendered, dialog, textarea: within(dialog).getByRole('textbox', { name: 'または、ここに貼り付け' }) };
}

const DCV = [
  '[version]',
  'format=1.0',
  '[connect]',
  'host=gw.example.jp',
  'port=8443',
  'sessionid=console',
  'authtoken=eyJ0b2tlbiI6InNlY3JldCJ9',
  'user=山田',
  'password=hunter2',
  'proxytype=SOCKS',
  'proxyhost=socks.corp.example',
  'proxyport=1080',
  'certificatevalidationpolicy=accept-untrusted',
  '',
].join('\r\n');

describe('the import dialog’s texts', () => {
  it('has a Japanese and an English wording for every message main’s import can send', () => {
    const missing = IMPORT_CODES.filter((code) => !(`m.${code}` in en) || !(`m.${code}` in ja));
    expect(missing).toEqual([]);
  });
});

describe('import, in Japanese', () => {
  it('a .dcv file with several notes: each in Japanese, the English only behind the disclosure', async () => {
    const api = withMainPlanner(createFakeApi(catalogue));
    const { user, dialog } = await openDialog(api);
    await user.upload(within(dialog).getByLabelText('ファイルを選択…'), new File([DCV], '営業デスクトップ.dcv'));
    await user.click(within(dialog).getByRole('button', { name: 'プレビュー' }));

    const notes = await within(dialog).findByRole('list', { name: '確認事項' });
    expect(within(notes).getAllByRole('listitem').map((li) => li.textContent)).toEqual([
      'password は取り込みません。必要になったときに入力を求めます。',
      'proxytype=SOCKS には対応していないため、このエンドポイントはシステムのプロキシ設定を使います。',
      'このファイルはどの証明書でも受け入れる設定ですが、ランチャーでは初回にサーバーの証明書を確認して信頼し、以後はその証明書に固定します。',
      'ユーザー名「山田」は保存しません。DCV のサインイン画面で入力してください。',
      '認証トークンはカタログではなくシークレットストアに保存します。ゲートウェイのトークンは期限が切れやすいので、切れたら新しいファイルをインポートしてください。',
    ]);
    expect(within(dialog).getByText('エンドポイント 1 件、デスクトップ 1 件、プロファイル 0 件')).toBeInTheDocument();
    // Named after its file, not "session console".
    const items = within(dialog).getByRole('region', { name: '追加される内容' });
    expect(within(items).getByText(/営業デスクトップ/)).toBeInTheDocument();
    expect(api.callsTo('import.preview')).toEqual([expect.objectContaining({ format: 'dcv', fileName: '営業デスクトップ.dcv' })]);

    // Main's English is there for a support ticket, folded away.
    const original = within(dialog).getByText('原文（英語）').closest('details')!;
    expect(original).not.toHaveAttribute('open');
    expect(original.textContent).toContain('the auth token is kept in the secret store');
    // The file's secrets stay in the text box the user filled; the preview never echoes them.
    expect(items.textContent).not.toContain('hunter2');
    expect(items.textContent).not.toContain('eyJ0b2tlbiI6InNlY3JldCJ9');
    expectNoEnglishSentences(dialog);
    expect(within(dialog).getByRole('button', { name: '適用' })).toBeEnabled();
  });

  it('a file the parser refuses: the first problem with its line, how many more, and no English', async () => {
    const api = withMainPlanner(createFakeApi(catalogue));
    const { dialog, textarea, user } = await openDialog(api);
    fireEvent.change(textarea, { target: { value: '[connect]\nhost=\nport=99999\nproxytype=PAC\n' } });
    await user.click(within(dialog).getByRole('button', { name: 'プレビュー' }));

    const alert = await within(dialog).findByRole('alert');
    expect(alert).toHaveTextContent('読み込めませんでした。 2 行目: host（接続先）が指定されていません。');
    expect(alert).toHaveTextContent('このほかにも 2 件の問題があります。');
    expect(within(alert).getByText('原文（英語）')).toBeInTheDocument();
    expectNoEnglishSentences(dialog);
    expect(within(dialog).getByRole('button', { name: '適用' })).toBeDisabled();
  });

  it('a problem inside a sentence: the sub-code is worded too', async () => {
    const api = withMainPlanner(createFakeApi(catalogue));
    const { dialog, textarea, user } = await openDialog(api);
    fireEvent.change(textarea, { target: { value: '[version]\nformat=1.0\n[connect]\nhost=gw.example.jp\nport=70000\n' } });
    await user.click(within(dialog).getByRole('button', { name: 'プレビュー' }));
    expect(await within(dialog).findByRole('alert')).toHaveTextContent('5 行目: port の「70000」は 1〜65535 の数値で指定してください。');
    expectNoEnglishSentences(dialog);
  });

  it('an error without a reason: the generic words and the code, the English folded away', async () => {
    const api = createFakeApi(catalogue);
    api.handle('import.preview', () => ({ ok: false, error: { code: 'INTERNAL', message: 'import.preview failed inside the launcher (details are in its log)' } }));
    const { dialog, textarea, user } = await openDialog(api);
    fireEvent.change(textarea, { target: { value: '50009 agent9' } });
    await user.click(within(dialog).getByRole('button', { name: 'プレビュー' }));
    const alert = await within(dialog).findByRole('alert');
    expect(alert).toHaveTextContent('読み込めませんでした。 INTERNAL');
    expect(within(alert).getByText('INTERNAL').tagName).toBe('CODE');
    expectNoEnglishSentences(dialog);
  });

  it('a 50,000-line paste of mostly junk: the summary, five examples, and a small page', async () => {
    const api = withMainPlanner(createFakeApi(catalogue));
    const { dialog, textarea, user } = await openDialog(api);
    const lines = Array.from({ length: 50_000 }, (_, i) => (i % 10_000 === 9 ? `${50_100 + Math.floor(i / 10_000)} agent${i}` : `error ${i + 100}`));
    fireEvent.change(textarea, { target: { value: lines.join('\n') } });
    expect(within(dialog).getByRole('combobox', { name: '形式' })).toHaveDisplayValue('自動判定（NLB のポート一覧）');

    const started = performance.now();
    await user.click(within(dialog).getByRole('button', { name: 'プレビュー' }));
    const summary = (_: string, el: Element | null) => el?.tagName === 'P' && el.textContent === 'エンドポイント 0 件、デスクトップ 5 件、プロファイル 0 件 · 49,995 行をスキップ';
    expect(await within(dialog).findByText(summary)).toBeInTheDocument();
    const took = performance.now() - started;

    const skipped = within(dialog).getByRole('region', { name: 'スキップした行（49,995 行のうち最初の 5 行）' });
    expect(within(skipped).getAllByRole('listitem').map((li) => li.textContent)).toEqual([
      '1 行目: 行の先頭がポート番号ではありません。',
      '2 行目: 行の先頭がポート番号ではありません。',
      '3 行目: 行の先頭がポート番号ではありません。',
      '4 行目: 行の先頭がポート番号ではありません。',
      '5 行目: 行の先頭がポート番号ではありません。',
    ]);
    // Never thousands of lines: what is on the page does not grow with the junk.
    const preview = within(dialog).getByRole('region', { name: '追加される内容' });
    expect(within(preview).getAllByRole('listitem').length).toBeLessThanOrEqual(12);
    expect(preview.textContent!.length).toBeLessThan(3_000);
    // Generous (a slow CI machine): the planner and the render take tens of milliseconds here.
    expect(took).toBeLessThan(5_000);
    expectNoEnglishSentences(dialog);
    expect(within(dialog).getByRole('button', { name: '適用' })).toBeEnabled();
  });

  it('over the size limit: said at once in Japanese, nothing sent', async () => {
    const api = withMainPlanner(createFakeApi(catalogue));
    const { dialog, textarea } = await openDialog(api);
    expect(within(dialog).getByText('ファイルをここにドロップすることもできます。読み込めるのは 1,000,000 文字までです。')).toBeInTheDocument();
    fireEvent.change(textarea, { target: { value: '5'.repeat(IMPORT_TEXT_LIMIT + 1) } });
    expect(within(dialog).getByRole('alert')).toHaveTextContent('この内容は 1,000,001 文字あります。一度に読み込めるのは 1,000,000 文字までです。いくつかに分けて読み込んでください。');
    expect(within(dialog).getByRole('button', { name: 'プレビュー' })).toBeDisabled();
    expect(within(dialog).getByRole('button', { name: '適用' })).toBeDisabled();
    expectNoEnglishSentences(dialog);

    fireEvent.change(textarea, { target: { value: '50009 agent9' } });
    expect(within(dialog).queryByRole('alert')).not.toBeInTheDocument();
    expect(within(dialog).getByRole('button', { name: 'プレビュー' })).toBeEnabled();
    expect(api.callsTo('import.preview')).toEqual([]);
  });

  it('a file too big to read is refused without reading it', async () => {
    const api = withMainPlanner(createFakeApi(catalogue));
    const { dialog, textarea, user } = await openDialog(api);
    const huge = new File(['x'.repeat(IMPORT_TEXT_LIMIT * 3 + 1)], 'access-log.txt');
    await user.upload(within(dialog).getByLabelText('ファイルを選択…'), huge);
    expect(await within(dialog).findByRole('alert')).toHaveTextContent('このファイルは 3 MB あります。一度に読み込めるのは 1,000,000 文字までです。');
    expect(textarea).toHaveValue('');
    expect(within(dialog).getByRole('button', { name: 'プレビュー' })).toBeDisabled();
    expectNoEnglishSentences(dialog);
  });

  it('Apply is disabled when nothing would be imported, and the preview says why', async () => {
    const api = withMainPlanner(createFakeApi(catalogue));
    const { dialog, textarea, user } = await openDialog(api);
    fireEvent.change(textarea, { target: { value: '50001 agent1\n' } });
    await user.click(within(dialog).getByRole('button', { name: 'プレビュー' }));
    expect(await within(dialog).findByText('新しく追加されるものはありません。')).toBeInTheDocument();
    expect(within(dialog).getByText('1 行目: ポート 50001 は「エージェント 1」として登録済みです。')).toBeInTheDocument();
    expect(within(dialog).getByRole('button', { name: '適用' })).toBeDisabled();
    expectNoEnglishSentences(dialog);
  });

  it('a dropped file with a Japanese name and an upper-case .DCV: detected, sent with its name, the desktop named after it', async () => {
    const api = withMainPlanner(createFakeApi(catalogue));
    const { dialog, textarea, user } = await openDialog(api);
    const file = new File([`[connect]\nhost=${HOST}\nport=50007\n`], '経理デスクトップ.DCV');
    fireEvent.drop(textarea, { dataTransfer: { files: [file] } });
    expect(await within(dialog).findByText('経理デスクトップ.DCV')).toBeInTheDocument();
    expect(within(dialog).getByRole('combobox', { name: '形式' })).toHaveDisplayValue('自動判定（.dcv ファイル）');
    await user.click(within(dialog).getByRole('button', { name: 'プレビュー' }));
    const items = await within(dialog).findByRole('region', { name: '追加される内容' });
    await waitFor(() => expect(within(items).getByText(/経理デスクトップ/)).toBeInTheDocument());
    expect(api.callsTo('import.preview')).toEqual([{ format: 'dcv', text: expect.stringContaining('port=50007'), fileName: '経理デスクトップ.DCV' }]);
    expect(within(items).getByText('ファイルの先頭に [version] format=1.0 がありません（DCV Viewer では開けない形です）。形式 1.0 として読み込みます。')).toBeInTheDocument();
    expectNoEnglishSentences(dialog);
  });

  it('with a memory-only secret store, a file that carries a token says the token is gone when the launcher quits', async () => {
    const api = withMainPlanner(createFakeApi(catalogue));
    api.handle('secrets.status', () => ok({ backend: 'memory', persistent: false, detail: 'no keychain: kept in memory until you quit' }));
    const { dialog, user } = await openDialog(api);
    await user.upload(within(dialog).getByLabelText('ファイルを選択…'), new File([DCV], '営業デスクトップ.dcv'));
    await user.click(within(dialog).getByRole('button', { name: 'プレビュー' }));
    expect(await within(dialog).findByRole('note')).toHaveTextContent('このトークンはランチャーを終了すると消えるため、次回はファイルをもう一度インポートする必要があります。');
    expectNoEnglishSentences(dialog);
  });

  it('with a keychain, or without a token, says nothing about quitting', async () => {
    const keychain = withMainPlanner(createFakeApi(catalogue));
    const { dialog, user } = await openDialog(keychain);
    await user.upload(within(dialog).getByLabelText('ファイルを選択…'), new File([DCV], '営業デスクトップ.dcv'));
    await user.click(within(dialog).getByRole('button', { name: 'プレビュー' }));
    await within(dialog).findByRole('list', { name: '確認事項' });
    expect(within(dialog).queryByRole('note')).not.toBeInTheDocument();
  });
});
