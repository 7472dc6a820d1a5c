import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { TrustEntry } from '../../../preload/contract/api';
import { certificate, createFakeApi, ok } from '../../test/fakeApi';
import { renderApp } from '../../test/render';

describe('Settings', () => {
  it('shows the secret store in use and forgets a trusted certificate', async () => {
    const api = createFakeApi();
    let trusted: TrustEntry[] = [{ key: '10.213.66.188:60000', fingerprints: ['sha256/x'], certificate: certificate(), trustedAt: '2025-03-01T09:00:00.000Z' }];
    api.handle('trust.list', () => ok(trusted));
    api.handle('trust.forget', (r) => {
      trusted = trusted.filter((e) => e.key !== r.key);
      return ok({ removed: true });
    });
    api.handle('secrets.status', () => ok({ backend: 'memory', persistent: false, detail: 'no keychain: kept in memory until you quit' }));
    const { user } = renderApp(api);
    await user.click(await screen.findByRole('button', { name: 'Settings' }));
    expect(await screen.findByText('Memory only')).toBeInTheDocument();
    expect(screen.getByText('Passwords and tokens are forgotten when the launcher quits.')).toBeInTheDocument();
    expect(screen.getByText('no keychain: kept in memory until you quit')).toBeInTheDocument();
    const section = screen.getByRole('region', { name: 'Trusted certificates' });
    expect(within(section).getByText('10.213.66.188:60000')).toBeInTheDocument();
    await user.click(within(section).getByRole('button', { name: 'Forget the certificate of 10.213.66.188:60000' }));
    expect(await within(section).findByText('No certificates trusted yet.')).toBeInTheDocument();
    expect(api.callsTo('trust.forget')).toEqual([{ key: '10.213.66.188:60000' }]);
  });

  it('names the keychain in the user’s language (main sends which one, as a code)', async () => {
    const api = createFakeApi({ settings: { language: 'ja' } });
    api.handle('secrets.status', () =>
      ok({ backend: 'keychain', persistent: true, detail: 'keytar loaded; Secret Service (GNOME Keyring / KWallet) answered', why: { code: 'secrets.why.keychain', params: { keychain: 'secret-service' } } }),
    );
    const { user } = renderApp(api);
    await user.click(await screen.findByRole('button', { name: '設定' }));
    expect(await screen.findByText('パスワードとトークンは キーリング（GNOME キーリング / KWallet） に保存しています。')).toBeInTheDocument();
  });

  it('explains a broken catalogue in a banner at start and in settings', async () => {
    const api = createFakeApi();
    api.view.problem = {
      file: 'catalogue.json',
      movedTo: 'catalogue.json.broken-2025-03-01',
      message: 'line 12: Unexpected token',
      restoredFrom: 'backup',
    };
    const { user } = renderApp(api);
    const text = 'catalogue.json was broken (line 12: Unexpected token). It was moved to catalogue.json.broken-2025-03-01 and the backup was restored.';
    const banner = await screen.findByRole('alert');
    expect(banner).toHaveTextContent(text);
    await user.click(within(banner).getByRole('button', { name: 'Dismiss' }));
    expect(screen.queryByText(text)).not.toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Settings' }));
    expect(screen.getByText(text)).toBeInTheDocument();
  });
});
