import { act, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import type { OpenResult } from '../../../preload/contract/api';
import { certificate, connectionInfo, createFakeApi, desktop, endpoint, fail, inspection, ok, openedResult, scriptOpens } from '../../test/fakeApi';
import { fakeTabs, renderApp } from '../../test/render';

const catalogue = { endpoints: [endpoint()], desktops: [desktop({ id: 'd1', name: 'Agent 1' })] };

const connection = connectionInfo();
const opened = openedResult;
const scripted = scriptOpens;

async function connect(user: ReturnType<typeof renderApp>['user']) {
  await user.click(await screen.findByRole('button', { name: 'Connect to Agent 1' }));
}

describe('Connect', () => {
  it('shows progress through the steps from doctor.step and connection.changed events', async () => {
    const api = createFakeApi(catalogue);
    let answer: (r: OpenResult) => void = () => {};
    api.handle('connection.open', () => new Promise((resolve) => (answer = (r) => resolve(ok(r)))));
    const { user } = renderApp(api);
    await connect(user);
    const dialog = await screen.findByRole('dialog', { name: 'Connecting to Agent 1' });
    const steps = within(dialog).getByRole('list', { name: 'Connection steps' });
    expect(within(steps).getAllByRole('listitem').map((li) => li.querySelector('.progress-name')?.textContent)).toEqual([
      'Name lookup (DNS)',
      'TCP connection',
      'Proxy',
      'Certificate (TLS)',
      'DCV web page (HTTP)',
      'Desktop channel (WebSocket)',
    ]);
    api.emit('doctor.step', { desktopId: 'd1', step: { id: 'dns', status: 'ok', code: 'OK', durationMs: 3, detail: {} } });
    api.emit('doctor.step', { desktopId: 'other', step: { id: 'tcp', status: 'fail', code: 'TCP_REFUSED', durationMs: 3, detail: {} } });
    api.emit('connection.changed', { ...connection, state: { kind: 'connecting', step: 'tcp' } });
    await waitFor(() => expect(within(steps).getAllByRole('listitem')[0]).toHaveClass('status-ok'));
    expect(within(steps).getAllByRole('listitem')[1]).toHaveClass('status-active');
    expect(within(steps).getAllByRole('listitem')[1]).toHaveAttribute('aria-current', 'step');
    answer(opened());
    expect(await screen.findByText('Opened in a window.')).toBeInTheDocument();
  });

  it('opened in browser mode: opens a tab and says so; Show brings that tab forward instead of a second one', async () => {
    const api = createFakeApi(catalogue, 'browser');
    scripted(api, opened({ openIn: 'browser' }), opened({ openIn: 'browser', launchUrl: 'https://127.0.0.1:41234/__launch/again' }));
    const tabs = fakeTabs();
    const { user } = renderApp(api, { tabs });
    await connect(user);
    expect(await screen.findByText('Opened in a new tab.')).toBeInTheDocument();
    expect(tabs.urls).toEqual(['https://127.0.0.1:41234/']);
    act(() => api.emit('connection.changed', connection));
    await user.click(screen.getByRole('button', { name: 'Close' }));

    await user.click(await screen.findByRole('button', { name: 'Show Agent 1' }));
    const dialog = await screen.findByRole('dialog', { name: 'Agent 1 is open' });
    expect(within(dialog).getByText(/already open in another tab/)).toBeInTheDocument();
    expect(tabs.focused).toContain('d1');
    expect(api.callsTo('connection.open')).toHaveLength(1);
    // "Open again" makes a new launch in the same tab.
    await user.click(within(dialog).getByRole('button', { name: 'Open again' }));
    await screen.findByText('Opened in a new tab.');
    expect(tabs.urls).toEqual(['https://127.0.0.1:41234/', 'https://127.0.0.1:41234/__launch/again']);
    expect(api.callsTo('connection.open')).toHaveLength(2);
  });

  it('a tab left over from a closed connection is not “already open”: Connect makes a new launch in it', async () => {
    const api = createFakeApi(catalogue, 'browser');
    scripted(api, opened({ openIn: 'browser' }), opened({ openIn: 'browser', launchUrl: 'https://127.0.0.1:41234/__launch/again' }));
    const tabs = fakeTabs();
    const { user } = renderApp(api, { tabs });
    await connect(user);
    await screen.findByText('Opened in a new tab.');
    act(() => api.emit('connection.changed', connection));
    act(() => api.emit('connection.changed', { ...connection, state: { kind: 'closed' } }));
    await user.click(screen.getByRole('button', { name: 'Close' }));

    await connect(user);
    await screen.findByText('Opened in a new tab.');
    expect(screen.queryByText(/already open in another tab/)).not.toBeInTheDocument();
    expect(tabs.urls).toEqual(['https://127.0.0.1:41234/', 'https://127.0.0.1:41234/__launch/again']);
    expect(api.callsTo('connection.open')).toHaveLength(2);
  });

  it('a renewed session token sends the desktop\'s tab to the fresh launch URL', async () => {
    const api = createFakeApi(catalogue, 'browser');
    scripted(api, opened({ openIn: 'browser' }));
    const tabs = fakeTabs();
    const { user } = renderApp(api, { tabs });
    await connect(user);
    await screen.findByText('Opened in a new tab.');
    act(() => api.emit('connection.relaunch', { desktopId: 'd1', launchUrl: 'https://127.0.0.1:41234/__launch/fresh' }));
    expect(tabs.urls.at(-1)).toBe('https://127.0.0.1:41234/__launch/fresh');
  });

  it('opened in browser mode with the tab blocked: offers a link', async () => {
    const api = createFakeApi(catalogue, 'browser');
    scripted(api, opened());
    const { user } = renderApp(api, { tabs: fakeTabs(() => false) });
    await connect(user);
    expect(await screen.findByText(/The browser blocked the new tab/)).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Open the desktop' })).toHaveAttribute('href', 'https://127.0.0.1:41234/');
  });

  it('a dcv-file result offers the file and opens no tab', async () => {
    const api = createFakeApi(catalogue, 'browser');
    scripted(api, opened({ openIn: 'dcv-file', dcvFile: { fileName: 'Agent-1.dcv', text: '[version]\nformat=1.0\n' } }));
    const tabs = fakeTabs();
    const createObjectURL = vi.fn(() => 'blob:fake');
    const revokeObjectURL = vi.fn();
    vi.stubGlobal('URL', Object.assign(URL, { createObjectURL, revokeObjectURL }));
    const { user } = renderApp(api, { tabs });
    await connect(user);
    await user.click(await screen.findByRole('button', { name: 'Download Agent-1.dcv' }));
    expect(createObjectURL).toHaveBeenCalledOnce();
    expect(tabs.urls).toEqual([]);
    vi.unstubAllGlobals();
  });

  it('needs-trust: shows the certificate, trusts it through trust.accept, then opens again', async () => {
    const api = createFakeApi(catalogue);
    scripted(api, { kind: 'needs-trust', inspection: inspection({ expiresSoon: true, namesEndpoint: false, presented: certificate({ validTo: '2099-01-01T00:00:00.000Z', subjectAltName: ['DNS:dcv-gateway'] }) }) }, opened());
    const { user } = renderApp(api);
    await connect(user);
    const dialog = await screen.findByRole('dialog', { name: 'Check this certificate before you trust it' });
    expect(within(dialog).getAllByText('CN=dcv-gateway', { selector: 'dd' })).toHaveLength(2); // subject and issuer
    expect(within(dialog).getByText('self-signed')).toBeInTheDocument();
    expect(within(dialog).getByText('sha256/q83vEjRWeJq83vEjRWeJq83vEjRWeJq83vEjRWeJo=')).toBeInTheDocument();
    const hex = certificate().fingerprint256Hex;
    expect(within(dialog).getByText((_, el) => el?.tagName === 'CODE' && el.textContent === hex)).toBeInTheDocument();
    expect(within(dialog).getByText('sudo dcv list-endpoints -j')).toBeInTheDocument();
    expect(within(dialog).getByText('openssl x509 -in /etc/dcv/dcv.pem -noout -fingerprint -sha256')).toBeInTheDocument();
    expect(within(dialog).getByText(/within 30 days/)).toBeInTheDocument();
    expect(within(dialog).getByText(/does not name vpce-0abc-xyz/)).toBeInTheDocument();

    await user.click(within(dialog).getByRole('button', { name: 'Trust always' }));
    expect(await screen.findByText('Opened in a window.')).toBeInTheDocument();
    expect(api.callsTo('trust.accept')).toEqual([
      { key: inspection().key, fingerprint: 'sha256/q83vEjRWeJq83vEjRWeJq83vEjRWeJq83vEjRWeJo=', persist: true },
    ]);
    expect(api.callsTo('connection.open')).toHaveLength(2);
  });

  it('needs-trust: Trust once does not persist; Cancel trusts nothing', async () => {
    const api = createFakeApi(catalogue);
    scripted(api, { kind: 'needs-trust', inspection: inspection() }, opened());
    const { user } = renderApp(api);
    await connect(user);
    await user.click(await screen.findByRole('button', { name: 'Trust once' }));
    await screen.findByText('Opened in a window.');
    expect(api.callsTo('trust.accept')).toEqual([expect.objectContaining({ persist: false })]);

    scripted(api, { kind: 'needs-trust', inspection: inspection() });
    await user.click(screen.getByRole('button', { name: 'Close' }));
    await connect(user);
    await user.click(await screen.findByRole('button', { name: 'Cancel' }));
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(api.callsTo('trust.accept')).toHaveLength(1);
  });

  it('certificate-changed: loud dialog, old and new side by side, Cancel is the default and trusting needs confirmation', async () => {
    const api = createFakeApi(catalogue);
    const old = certificate({ fingerprint256Hex: 'AB:CD:EF:12:34:56:78:9A:BC:DE:F1:23:45:67:89:AB:CD:EF:12:34:56:78:9A:BC:DE:F1:23:45:67:89:00:00', fingerprint256: 'sha256/OLD' });
    const changed: OpenResult = {
      kind: 'certificate-changed',
      inspection: inspection({ state: 'changed', trusted: { key: inspection().key, fingerprints: ['sha256/OLD'], certificate: old, trustedAt: '2025-01-01T00:00:00.000Z' } }),
    };
    scripted(api, changed, changed, opened());
    const { user } = renderApp(api);
    await connect(user);
    const dialog = await screen.findByRole('alertdialog', { name: 'Warning: the certificate has changed' });
    expect(within(dialog).getByRole('region', { name: 'Trusted until now' })).toBeInTheDocument();
    expect(within(dialog).getByRole('region', { name: 'Presented now' })).toBeInTheDocument();
    // The last two bytes differ, and only they are marked, on both sides.
    const marked = (name: string) => [...within(dialog).getByRole('region', { name }).querySelectorAll('.fp-diff')].map((e) => e.textContent);
    expect(marked('Trusted until now')).toEqual(['00:', '00']);
    expect(marked('Presented now')).toEqual(['AB:', 'CD']);

    const cancel = within(dialog).getByRole('button', { name: 'Cancel' });
    expect(cancel).toHaveFocus();
    const trustNew = within(dialog).getByRole('button', { name: 'Trust the new certificate' });
    expect(trustNew).toBeDisabled();
    await user.keyboard('{Enter}');
    expect(screen.queryByRole('alertdialog')).not.toBeInTheDocument();
    expect(api.callsTo('trust.accept')).toEqual([]);

    await connect(user);
    const again = await screen.findByRole('alertdialog');
    await user.click(within(again).getByRole('checkbox', { name: /I have compared the new fingerprint/ }));
    await user.click(within(again).getByRole('button', { name: 'Trust the new certificate' }));
    expect(await screen.findByText('Opened in a window.')).toBeInTheDocument();
    expect(api.callsTo('trust.accept')).toEqual([expect.objectContaining({ fingerprint: certificate().fingerprint256, persist: true })]);
  });

  it('needs-proxy-credentials: saves the password and retries exactly once; a second 407 shows "rejected", not a loop', async () => {
    const api = createFakeApi(catalogue);
    const needs = (reason: 'missing' | 'rejected'): OpenResult => ({ kind: 'needs-proxy-credentials', endpointId: 'ep1', proxy: 'proxy.corp:8080', username: 'taro', reason });
    scripted(api, needs('missing'), needs('rejected'), opened());
    const { user } = renderApp(api);
    await connect(user);
    const dialog = await screen.findByRole('dialog', { name: 'Proxy authentication' });
    expect(within(dialog).getByText(/proxy\.corp:8080/)).toBeInTheDocument();
    expect(within(dialog).getByRole('textbox', { name: 'User name' })).toHaveValue('taro');
    expect(within(dialog).queryByRole('alert')).not.toBeInTheDocument();
    await user.type(within(dialog).getByLabelText('Password'), 'wrong');
    await user.click(within(dialog).getByRole('button', { name: 'Save and connect' }));

    const rejected = await screen.findByText(/The proxy rejected the user name or password/);
    expect(rejected).toBeInTheDocument();
    expect(api.callsTo('secrets.setProxyPassword')).toEqual([{ endpointId: 'ep1', username: 'taro', password: 'wrong', proxy: 'proxy.corp:8080' }]);
    expect(api.callsTo('connection.open')).toHaveLength(2);

    await user.type(screen.getByLabelText('Password'), 'right');
    await user.click(screen.getByRole('button', { name: 'Save and connect' }));
    expect(await screen.findByText('Opened in a window.')).toBeInTheDocument();
    expect(api.callsTo('secrets.setProxyPassword')).toHaveLength(2);
    expect(api.callsTo('connection.open')).toHaveLength(3);
  });

  it('failed: shows the code, step, message and hint, and Troubleshoot runs a diagnosis', async () => {
    const api = createFakeApi(catalogue);
    scripted(api, { kind: 'failed', code: 'PROXY_CONNECT_FORBIDDEN', step: 'proxy', message: 'proxy answered 403 to CONNECT', hint: 'Add the endpoint to no_proxy (specific).' });
    api.handle('doctor.run', () => ok({ ok: false, target: 'x:50001', startedAt: '2025-03-01T09:00:00.000Z', steps: [] }));
    api.handle('doctor.explainProxy', () => fail('INTERNAL', 'n/a'));
    const { user } = renderApp(api);
    await connect(user);
    const dialog = await screen.findByRole('dialog', { name: 'Could not connect to Agent 1' });
    expect(within(dialog).getByText('PROXY_CONNECT_FORBIDDEN')).toBeInTheDocument();
    expect(within(dialog).getByText('at step: Proxy')).toBeInTheDocument();
    expect(within(dialog).getByText('proxy answered 403 to CONNECT')).toBeInTheDocument();
    expect(within(dialog).getByText('Add the endpoint to no_proxy (specific).')).toBeInTheDocument();
    await user.click(within(dialog).getByRole('button', { name: 'Troubleshoot' }));
    expect(await screen.findByRole('heading', { level: 2, name: 'Troubleshooting' })).toBeInTheDocument();
    expect(api.callsTo('doctor.run')).toEqual([{ desktopId: 'd1' }]);
  });

  it('failed, in Japanese: the hint for the code, with the English original one click away', async () => {
    const api = createFakeApi({ ...catalogue, settings: { language: 'ja', view: 'list' } });
    scripted(api, { kind: 'failed', code: 'PROXY_AUTH_REQUIRED', step: 'proxy', message: '407', hint: 'Enter the proxy user name (specific).' });
    const { user } = renderApp(api);
    await user.click(await screen.findByRole('button', { name: 'Agent 1 に接続' }));
    const dialog = await screen.findByRole('dialog', { name: 'Agent 1 に接続できませんでした' });
    expect(within(dialog).getByText(/プロキシがユーザー名とパスワードを求めています/)).toBeInTheDocument();
    expect(within(dialog).getByText('原文（英語）')).toBeInTheDocument();
    expect(within(dialog).getByText('Enter the proxy user name (specific).')).toBeInTheDocument();
  });
});
