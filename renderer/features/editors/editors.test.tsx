import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { Desktop } from '../../../preload/contract/model';
import { createFakeApi, desktop, endpoint, fail, ok } from '../../test/fakeApi';
import { renderApp } from '../../test/render';
import { detectFormat } from './ImportDialog';

const catalogue = { endpoints: [endpoint()], desktops: [desktop({ id: 'd1', name: 'Agent 1' })] };

describe('endpoint editor', () => {
  it('validates inline with the model schema, and saves a valid endpoint', async () => {
    const api = createFakeApi();
    const { user } = renderApp(api);
    await user.click((await screen.findAllByRole('button', { name: 'Add endpoint' }))[0]);
    const dialog = await screen.findByRole('dialog', { name: 'New endpoint' });

    // Leaving a field says nothing (a line appearing on blur would move the buttons away from
    // the click that caused it); Save shows every field's error at once; nothing is sent.
    const host = within(dialog).getByRole('textbox', { name: 'Host name or IP address' });
    await user.type(host, 'not a host!');
    await user.tab();
    expect(within(dialog).queryByText('Not a valid host name or IP address')).not.toBeInTheDocument();
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));
    expect(within(dialog).getByText('Not a valid host name or IP address')).toBeInTheDocument();
    expect(host).toHaveAttribute('aria-invalid', 'true');
    expect(within(dialog).getByText('Required')).toBeInTheDocument();
    expect(api.callsTo('endpoint.save')).toEqual([]);

    // After a failed save, errors follow the typing live.
    await user.selectOptions(within(dialog).getByRole('combobox', { name: 'How to reach the endpoint' }), 'manual');
    await user.type(within(dialog).getByRole('textbox', { name: 'Proxy URL' }), 'http://taro:secret@proxy:8080');
    expect(within(dialog).getByText('Like http://proxy.example.com:8080 (no user or password)')).toBeInTheDocument();

    await user.clear(within(dialog).getByRole('textbox', { name: 'Proxy URL' }));
    await user.type(within(dialog).getByRole('textbox', { name: 'Proxy URL' }), 'http://proxy.corp:8080');
    await user.type(within(dialog).getByRole('textbox', { name: 'Name' }), 'Tokyo');
    await user.clear(host);
    await user.type(host, '10.213.66.188');
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    expect(api.callsTo('endpoint.save')).toEqual([
      expect.objectContaining({ name: 'Tokyo', host: '10.213.66.188', tls: { mode: 'pin' }, proxy: { mode: 'manual', url: 'http://proxy.corp:8080' } }),
    ]);
    expect(await screen.findByText('Tokyo')).toBeInTheDocument();
  });

  it('shows the server’s field errors next to the fields', async () => {
    const api = createFakeApi(catalogue);
    api.handle('endpoint.save', () => fail('INVALID_INPUT', 'host: not a valid host name or IP address', { host: 'not a valid host name or IP address', origin: 'must look like https://name[:port]' }));
    const { user } = renderApp(api);
    await user.click(await screen.findByRole('button', { name: 'Edit endpoint Tokyo VPC endpoint' }));
    const dialog = await screen.findByRole('dialog', { name: 'Edit endpoint: Tokyo VPC endpoint' });
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));
    expect(await within(dialog).findByText('Not a valid host name or IP address')).toBeInTheDocument();
    expect(within(dialog).getByText('Like https://name[:port]')).toBeInTheDocument();
    expect(within(dialog).getByText('Could not save.')).toBeInTheDocument();
    expect(screen.getByRole('dialog')).toBeInTheDocument();
  });
});

describe('forms that never fight back', () => {
  it('Cancel closes in one click, even right after typing in a field (no error appears on blur)', async () => {
    const api = createFakeApi(catalogue);
    const { user } = renderApp(api);
    for (const [button, title] of [
      ['Add endpoint', 'New endpoint'],
      ['Add desktop', 'New desktop'],
    ] as const) {
      await user.click((await screen.findAllByRole('button', { name: button }))[0]);
      const dialog = await screen.findByRole('dialog', { name: title });
      await user.click(within(dialog).getByRole('textbox', { name: 'Name' }));
      await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    }
  });

  it('in Japanese, an empty required field says 入力してください, and every field is shown at once on save', async () => {
    const api = createFakeApi({ settings: { language: 'ja' } });
    const { user } = renderApp(api, { lang: 'ja' });
    await user.click((await screen.findAllByRole('button', { name: 'エンドポイントを追加' }))[0]);
    const dialog = await screen.findByRole('dialog', { name: '新しいエンドポイント' });
    await user.click(within(dialog).getByRole('button', { name: '保存' }));
    expect(within(dialog).getAllByText('入力してください')).toHaveLength(2);
    expect(within(dialog).queryByText('ホスト名または IP アドレスとして正しくありません')).not.toBeInTheDocument();
  });

  it('takes host names and addresses as Japanese keyboards type them (full-width), saved in ASCII', async () => {
    const api = createFakeApi();
    const { user } = renderApp(api);
    await user.click((await screen.findAllByRole('button', { name: 'Add endpoint' }))[0]);
    const dialog = await screen.findByRole('dialog', { name: 'New endpoint' });
    await user.type(within(dialog).getByRole('textbox', { name: 'Name' }), 'Tokyo');
    await user.type(within(dialog).getByRole('textbox', { name: 'Host name or IP address' }), 'ｖｐｃｅ－１．ｅｘａｍｐｌｅ．ｃｏｍ');
    await user.type(within(dialog).getByRole('textbox', { name: 'Connect to this address instead (optional)' }), '１０．１５０．２４８．１８０');
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    expect(api.callsTo('endpoint.save')[0]).toMatchObject({ host: 'vpce-1.example.com', addressOverride: '10.150.248.180' });
  });

  it('takes full-width digits in ports, as Japanese keyboards type them', async () => {
    const api = createFakeApi(catalogue);
    const { user } = renderApp(api);
    await user.click(await screen.findByRole('button', { name: 'Add desktop' }));
    const dialog = await screen.findByRole('dialog', { name: 'New desktop' });
    await user.type(within(dialog).getByRole('textbox', { name: 'Name' }), 'Lab');
    await user.type(within(dialog).getByRole('textbox', { name: 'NLB listener port' }), '４１７７３');
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    expect((api.callsTo('desktop.save')[0] as { desktop: Desktop }).desktop.route).toEqual({ kind: 'port', port: 41773 });
  });
});

describe('desktop editor', () => {
  it('shows the fields of each route kind and validates them', async () => {
    const api = createFakeApi(catalogue);
    const { user } = renderApp(api);
    await user.click(await screen.findByRole('button', { name: 'Add desktop' }));
    const dialog = await screen.findByRole('dialog', { name: 'New desktop' });
    await user.type(within(dialog).getByRole('textbox', { name: 'Name' }), 'Lab');
    const port = within(dialog).getByRole('textbox', { name: 'NLB listener port' });
    await user.type(port, '70000');
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));
    expect(within(dialog).getByText('Must be 1–65535')).toBeInTheDocument();

    await user.click(within(dialog).getByRole('radio', { name: 'Path prefix (nginx router)' }));
    expect(within(dialog).getByRole('textbox', { name: 'Agent address' })).toBeInTheDocument();
    await user.click(within(dialog).getByRole('radio', { name: 'Connection Gateway' }));
    expect(within(dialog).queryByRole('textbox', { name: 'Agent address' })).not.toBeInTheDocument();
    await user.clear(within(dialog).getByRole('textbox', { name: 'Port' }));
    await user.type(within(dialog).getByRole('textbox', { name: 'Port' }), '8443');
    await user.type(within(dialog).getByRole('textbox', { name: 'Session ID' }), 'bad session');
    expect(within(dialog).getByText('Letters, digits and . _ ~ - only')).toBeInTheDocument();
    await user.clear(within(dialog).getByRole('textbox', { name: 'Session ID' }));
    await user.type(within(dialog).getByRole('textbox', { name: 'Session ID' }), 'console');
    await user.type(within(dialog).getByLabelText('Auth token'), 'T0KEN');
    await user.type(within(dialog).getByRole('textbox', { name: 'Tags' }), 'linux, gpu,linux');
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));

    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    const [saved] = api.callsTo('desktop.save') as Array<{ desktop: Desktop; authToken?: string }>;
    expect(saved.authToken).toBe('T0KEN');
    expect(saved.desktop).toMatchObject({ name: 'Lab', endpointId: 'ep1', route: { kind: 'gateway', port: 8443, sessionId: 'console' }, tags: ['linux', 'gpu'] });
  });

  it('never shows a saved token, only that one is saved, and sends none unless typed', async () => {
    const api = createFakeApi({ ...catalogue, desktops: [desktop({ id: 'gw', name: 'Gateway desk', route: { kind: 'gateway', port: 8443, sessionId: 'console' } })] });
    api.view.desktopsWithToken = ['gw'];
    const { user } = renderApp(api);
    await user.click(await screen.findByRole('button', { name: 'Edit Gateway desk' }));
    const dialog = await screen.findByRole('dialog', { name: 'Edit desktop: Gateway desk' });
    expect(within(dialog).getByText('token saved')).toBeInTheDocument();
    expect(within(dialog).getByLabelText(/Auth token/)).toHaveValue('');
    expect(within(dialog).getByLabelText(/Auth token/)).toHaveAttribute('type', 'password');
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(api.callsTo('desktop.save')).toHaveLength(1));
    expect(api.callsTo('desktop.save')[0]).not.toHaveProperty('authToken');
  });

  it('maps the server’s "desktop." field paths onto the form', async () => {
    const api = createFakeApi(catalogue);
    api.handle('desktop.save', () => fail('INVALID_INPUT', 'desktop.route.port: must be 1–65535', { 'desktop.route.port': 'must be 1–65535' }));
    const { user } = renderApp(api);
    await user.click(await screen.findByRole('button', { name: 'Edit Agent 1' }));
    const dialog = await screen.findByRole('dialog');
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));
    const port = within(dialog).getByRole('textbox', { name: 'NLB listener port' });
    await waitFor(() => expect(port).toHaveAttribute('aria-invalid', 'true'));
    expect(within(dialog).getByText('Must be 1–65535')).toBeInTheDocument();
  });

  it('deletes with an Undo toast that restores through catalogue.undo', async () => {
    const api = createFakeApi(catalogue);
    const { user } = renderApp(api);
    await user.click(await screen.findByRole('button', { name: 'Edit Agent 1' }));
    await user.click(within(await screen.findByRole('dialog')).getByRole('button', { name: 'Delete' }));
    expect(await screen.findByText('Desktop “Agent 1” deleted.')).toBeInTheDocument();
    expect(screen.queryByRole('heading', { name: 'Agent 1' })).not.toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Undo' }));
    expect(await screen.findByRole('heading', { name: 'Agent 1' })).toBeInTheDocument();
    expect(api.callsTo('catalogue.undo')).toEqual([{ undoId: 'u1' }]);
    expect(screen.getByText('Restored.')).toBeInTheDocument();
  });
});

describe('profile editor', () => {
  it('checks the window size against the schema', async () => {
    const api = createFakeApi(catalogue);
    const { user } = renderApp(api);
    await user.click(await screen.findByRole('button', { name: 'Add profile' }));
    const dialog = await screen.findByRole('dialog', { name: 'New profile' });
    await user.type(within(dialog).getByRole('textbox', { name: 'Name' }), 'Small');
    await user.clear(within(dialog).getByRole('textbox', { name: 'Width' }));
    await user.type(within(dialog).getByRole('textbox', { name: 'Width' }), '100');
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));
    expect(within(dialog).getByText('Must be at least 640')).toBeInTheDocument();
    await user.clear(within(dialog).getByRole('textbox', { name: 'Width' }));
    await user.type(within(dialog).getByRole('textbox', { name: 'Width' }), '1024');
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(api.callsTo('profile.save')).toEqual([expect.objectContaining({ name: 'Small', desktopId: 'd1', window: { width: 1024, height: 800, fullScreen: false } })]));
  });
});

describe('import', () => {
  it('detects the format from the file name or the text', () => {
    expect(detectFormat('', 'desk.DCV')).toBe('dcv');
    expect(detectFormat('[version]\nformat=1.0\n[connect]\nhost=x')).toBe('dcv');
    expect(detectFormat('  {"version":1}')).toBe('json');
    expect(detectFormat('50001 10.150.248.180')).toBe('ports');
  });

  it('previews a pasted port table with notes and skipped lines, then applies it', async () => {
    const api = createFakeApi(catalogue);
    api.handle('import.preview', (r) =>
      ok({
        format: r.format,
        endpoints: [],
        desktops: [desktop({ id: 'n1', name: 'Agent 50001' })],
        profiles: [],
        notes: [],
        skipped: { count: 1, examples: [{ code: 'import.ports.skipped', params: { line: 2, problem: 'import.problem.portRange', port: '70000' } }] },
        tokens: 0,
        warnings: ['1 line skipped', 'line 2 skipped: port 70000 is not 1–65535'],
      }),
    );
    api.handle('import.apply', () => ok({ endpoints: 0, desktops: 1, profiles: 0 }));
    const { user } = renderApp(api);
    await user.click(await screen.findByRole('button', { name: 'Import…' }));
    const dialog = await screen.findByRole('dialog', { name: 'Import' });
    expect(within(dialog).getByRole('button', { name: 'Apply' })).toBeDisabled();
    await user.type(within(dialog).getByRole('textbox', { name: 'Or paste here' }), '50001 10.150.248.180{enter}70000 x');
    await user.click(within(dialog).getByRole('button', { name: 'Preview' }));
    expect(await within(dialog).findByText('Line 2: Port 70000 is not between 1 and 65535.')).toBeInTheDocument();
    expect(within(dialog).getByText(/0 endpoint\(s\), 1 desktop\(s\), 0 profile\(s\) · 1 line\(s\) skipped/)).toBeInTheDocument();
    expect(api.callsTo('import.preview')).toEqual([{ format: 'ports', text: '50001 10.150.248.180\n70000 x', endpointId: 'ep1' }]);
    await user.click(within(dialog).getByRole('button', { name: 'Apply' }));
    expect(await screen.findByText('Imported 0 endpoint(s), 1 desktop(s) and 0 profile(s).')).toBeInTheDocument();
    expect(api.callsTo('import.apply')).toHaveLength(1);
  });

  it('reads a chosen .dcv file and sends its name', async () => {
    const api = createFakeApi(catalogue);
    api.handle('import.preview', (r) => ok({ format: r.format, endpoints: [], desktops: [], profiles: [], notes: [], skipped: { count: 0, examples: [] }, tokens: 0, warnings: [] }));
    const { user } = renderApp(api);
    await user.click(await screen.findByRole('button', { name: 'Import…' }));
    const dialog = await screen.findByRole('dialog', { name: 'Import' });
    const file = new File(['[version]\nformat=1.0\n[connect]\nhost=10.213.66.188\nport=60000\n'], 'agent2.dcv');
    await user.upload(within(dialog).getByLabelText('Choose a file…'), file);
    expect(await within(dialog).findByText('agent2.dcv')).toBeInTheDocument();
    await user.click(within(dialog).getByRole('button', { name: 'Preview' }));
    await waitFor(() => expect(api.callsTo('import.preview')).toEqual([{ format: 'dcv', text: expect.stringContaining('port=60000'), fileName: 'agent2.dcv' }]));
  });
});
