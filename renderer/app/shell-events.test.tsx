/**
 * The Electron shell's own events, answered by the launcher window in the user's language: File ▸
 * Import… opens the Import dialog with the picked file, a deep link runs the window's own
 * Connect (trust, proxy credentials, a Session Manager password are asked there, in Japanese),
 * Help ▸ Troubleshooting shows that view.
 */
import { act, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { IMPORT_TEXT_LIMIT, type OpenResult } from '../../preload/contract/api';
import { createFakeApi, desktop, endpoint, inspection, openedResult, profile, scriptOpens, type FakeApi } from '../test/fakeApi';
import { expectNoEnglishSentences } from '../test/noEnglish';
import { renderApp } from '../test/render';

/** User data that happens to be English (names the user chose). */
const USER_DATA = ['Tokyo VPC endpoint', 'Agent 1', 'Big window'];
const catalogue = {
  endpoints: [endpoint()],
  desktops: [desktop({ id: 'd1', name: 'Agent 1' })],
  profiles: [profile({ id: 'p1', desktopId: 'd1' })],
  settings: { language: 'ja' as const, view: 'list' as const },
};
const DCV = '[version]\nformat=1.0\n[connect]\nhost=gw.example.jp\nport=8443\nsessionid=console\n';

/** The app, loaded (its first catalogue.get answered: main sends the shell's events after it). */
async function loaded(api: FakeApi) {
  const rendered = renderApp(api, { lang: 'ja' });
  await screen.findByRole('heading', { name: 'DCV Launcher' });
  await waitFor(() => expect(api.callsTo('catalogue.get').length).toBeGreaterThan(0));
  return rendered;
}

const scripted = scriptOpens;

describe('File ▸ Import… (import.file)', () => {
  it('opens the Import dialog with the file: its name, its text, the format detected from the name', async () => {
    const api = createFakeApi(catalogue);
    const { user } = await loaded(api);
    act(() => api.emit('import.file', { fileName: '営業デスクトップ.dcv', text: DCV }));
    const dialog = await screen.findByRole('dialog', { name: 'インポート' });
    expect(within(dialog).getByText('営業デスクトップ.dcv')).toBeInTheDocument();
    expect(within(dialog).getByRole('textbox', { name: 'または、ここに貼り付け' })).toHaveValue(DCV);
    expect(within(dialog).getByRole('combobox', { name: '形式' })).toHaveDisplayValue('自動判定（.dcv ファイル）');
    expectNoEnglishSentences(dialog, { allow: USER_DATA });

    await user.click(within(dialog).getByRole('button', { name: 'プレビュー' }));
    expect(api.callsTo('import.preview')).toEqual([{ format: 'dcv', text: DCV, fileName: '営業デスクトップ.dcv' }]);
  });

  it('a file too big to read: the reason in Japanese, nothing to preview', async () => {
    const api = createFakeApi(catalogue);
    await loaded(api);
    act(() => api.emit('import.file', { fileName: 'huge.json', refused: { bytes: 12_500_000 } }));
    const dialog = await screen.findByRole('dialog', { name: 'インポート' });
    expect(within(dialog).getByText('huge.json')).toBeInTheDocument();
    expect(within(dialog).getByText('このファイルは 12.5 MB あります。一度に読み込めるのは 1,000,000 文字までです。ファイルを分けて読み込んでください。')).toBeInTheDocument();
    expect(within(dialog).getByRole('button', { name: 'プレビュー' })).toBeDisabled();
    expectNoEnglishSentences(dialog, { allow: USER_DATA });
  });

  it('a text too long: the reason in Japanese, with its length', async () => {
    const api = createFakeApi(catalogue);
    await loaded(api);
    act(() => api.emit('import.file', { fileName: 'ports.txt', refused: { chars: IMPORT_TEXT_LIMIT + 1 } }));
    const dialog = await screen.findByRole('dialog', { name: 'インポート' });
    expect(within(dialog).getByText('この内容は 1,000,001 文字あります。一度に読み込めるのは 1,000,000 文字までです。いくつかに分けて読み込んでください。')).toBeInTheDocument();
    expect(within(dialog).getByRole('button', { name: 'プレビュー' })).toBeDisabled();
  });

  it('another file while the dialog is open takes the place of the first', async () => {
    const api = createFakeApi(catalogue);
    await loaded(api);
    act(() => api.emit('import.file', { fileName: 'huge.json', refused: { bytes: 12_500_000 } }));
    const dialog = await screen.findByRole('dialog', { name: 'インポート' });
    act(() => api.emit('import.file', { fileName: 'catalogue.json', text: '{"version":2}' }));
    await waitFor(() => expect(within(dialog).getByText('catalogue.json')).toBeInTheDocument());
    expect(within(dialog).getByRole('textbox', { name: 'または、ここに貼り付け' })).toHaveValue('{"version":2}');
    expect(within(dialog).queryByText(/12\.5 MB/)).toBeNull();
    expect(within(dialog).getByRole('combobox', { name: '形式' })).toHaveDisplayValue(/^自動判定（.*JSON\)）$/);
    expect(within(dialog).getByRole('button', { name: 'プレビュー' })).toBeEnabled();
  });
});

describe('a deep link (connect.request)', () => {
  const HOST = 'vpce-0abc-xyz.vpce-svc-0123.ap-northeast-1.vpce.amazonaws.com';
  /** Any program or web page can start the app with a link: nothing opens until the user says so. */
  async function linkArrives(api: FakeApi, request: { desktopId: string; profileId?: string } = { desktopId: 'd1', profileId: 'p1' }) {
    act(() => api.emit('connect.request', request));
    return screen.findByRole('dialog', { name: 'リンクからデスクトップを開きますか？' });
  }

  it('asks first, naming the desktop, its host and the profile; Cancel opens nothing', async () => {
    const api = createFakeApi(catalogue);
    scripted(api, { kind: 'needs-trust', inspection: inspection() });
    const { user } = await loaded(api);
    const dialog = await linkArrives(api);
    expect(within(dialog).getByText('Agent 1')).toBeInTheDocument();
    expect(within(dialog).getByText(`${HOST}:50001`)).toBeInTheDocument();
    expect(within(dialog).getByText('Big window')).toBeInTheDocument();
    expectNoEnglishSentences(dialog, { allow: [...USER_DATA, `${HOST}:50001`] });
    expect(within(dialog).getByRole('button', { name: 'キャンセル' })).toHaveFocus(); // Enter does not open it
    expect(api.callsTo('connection.open')).toEqual([]);

    await user.click(within(dialog).getByRole('button', { name: 'キャンセル' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(api.callsTo('connection.open')).toEqual([]);
  });

  it('in English too', async () => {
    const api = createFakeApi({ ...catalogue, settings: { ...catalogue.settings, language: 'en' as const } });
    renderApp(api, { lang: 'en' });
    await screen.findByRole('heading', { name: 'DCV Launcher' });
    await waitFor(() => expect(api.callsTo('catalogue.get').length).toBeGreaterThan(0));
    act(() => api.emit('connect.request', { desktopId: 'd1', profileId: 'p1' }));
    const dialog = await screen.findByRole('dialog', { name: 'Open a desktop from a link?' });
    expect(within(dialog).getByRole('button', { name: 'Open' })).toBeInTheDocument();
    expect(api.callsTo('connection.open')).toEqual([]);
  });

  it("once confirmed, runs the window's own Connect of the profile: a first-use certificate is asked in Japanese", async () => {
    const api = createFakeApi(catalogue);
    scripted(api, { kind: 'needs-trust', inspection: inspection() });
    const { user } = await loaded(api);
    await user.click(within(await linkArrives(api)).getByRole('button', { name: '開く' }));
    const dialog = await screen.findByRole('dialog', { name: '信頼する前に証明書を確認してください' });
    expect(api.callsTo('connection.open')).toEqual([{ desktopId: 'd1', profileId: 'p1' }]);
    expectNoEnglishSentences(dialog, { allow: USER_DATA });
  });

  it('proxy credentials and a Session Manager password are asked in Japanese too', async () => {
    const api = createFakeApi(catalogue);
    scripted(api, { kind: 'needs-proxy-credentials', endpointId: 'ep1', proxy: 'http://proxy.corp.example:8080', reason: 'missing' });
    const { user } = await loaded(api);
    await user.click(within(await linkArrives(api)).getByRole('button', { name: '開く' }));
    expectNoEnglishSentences(await screen.findByRole('dialog', { name: 'プロキシ認証' }), { allow: USER_DATA });

    scripted(api, { kind: 'needs-client-password', sourceId: 'sm1', clientId: 'launcher', reason: 'missing' });
    await user.click(within(await linkArrives(api, { desktopId: 'd1' })).getByRole('button', { name: '開く' }));
    expectNoEnglishSentences(await screen.findByRole('dialog', { name: 'Session Manager のパスワード' }), { allow: USER_DATA });
    expect(api.callsTo('connection.open')).toEqual([{ desktopId: 'd1', profileId: 'p1' }, { desktopId: 'd1' }]);
  });

  it('opened: said in Japanese', async () => {
    const api = createFakeApi(catalogue);
    scripted(api, openedResult());
    const { user } = await loaded(api);
    await user.click(within(await linkArrives(api)).getByRole('button', { name: '開く' }));
    const dialog = await screen.findByRole('dialog', { name: 'Agent 1 を開きました' });
    expect(within(dialog).getByText('ウィンドウで開きました。')).toBeInTheDocument();
  });
});

describe('Help ▸ Troubleshooting (view.show)', () => {
  it('shows the troubleshooting view', async () => {
    const api = createFakeApi(catalogue);
    await loaded(api);
    act(() => api.emit('view.show', { view: 'troubleshoot' }));
    await waitFor(() => expect(screen.getByRole('button', { name: 'トラブルシューティング' })).toHaveAttribute('aria-current', 'page'));
  });
});
