import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { createFakeApi, desktop, endpoint } from '../test/fakeApi';
import { renderApp } from '../test/render';
import { en } from './en';
import { ja } from './ja';
import { translate } from './translate';

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('dictionaries', () => {
  it('ja has exactly the keys of en, each with the same placeholders', () => {
    expect(Object.keys(ja).sort()).toEqual(Object.keys(en).sort());
    for (const key of Object.keys(en) as Array<keyof typeof en>) {
      expect({ key, params: placeholders(ja[key]) }).toEqual({ key, params: placeholders(en[key]) });
    }
  });

  it('ja is written in Japanese, not copied English', () => {
    const japanese = /[\u3040-\u30ff\u4e00-\u9fff]/;
    const copied = (Object.keys(en) as Array<keyof typeof en>).filter((k) => ja[k] === en[k] && /[a-z]{4,}/.test(en[k]) && !japanese.test(ja[k]));
    // Product names and samples may stay as they are.
    expect(copied.sort()).toEqual(['app.title', 'cert.sha256b64', 'desktop.route.gateway', 'place.source', 'sessions.kind']);
  });

  it('fills placeholders and leaves unknown ones visible', () => {
    expect(translate('en', 'desktops.count', { shown: 2, total: 5 })).toBe('2 of 5');
    expect(translate('ja', 'desktops.count', { shown: 2, total: 5 })).toBe('5 件中 2 件');
    expect(translate('en', 'desktops.count', { shown: 2 })).toBe('2 of {total}');
  });
});

describe('language', () => {
  it('defaults to Japanese when the catalogue says nothing else', async () => {
    const api = createFakeApi({ settings: { language: 'ja', view: 'list' } });
    renderApp(api, { lang: 'ja' });
    expect(await screen.findByRole('heading', { name: 'デスクトップはまだありません' })).toBeInTheDocument();
    expect(document.documentElement.lang).toBe('ja');
  });

  it('switches to Japanese and back, and saves the choice', async () => {
    const api = createFakeApi({ endpoints: [endpoint()], desktops: [desktop({ name: 'Agent 1' })] });
    const { user } = renderApp(api);
    await screen.findByRole('button', { name: 'Connect to Agent 1' });
    await user.click(screen.getByRole('button', { name: '日本語' }));
    expect(screen.getByRole('button', { name: 'Agent 1 に接続' })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'トラブルシューティング' })).toBeInTheDocument();
    expect(screen.getByRole('searchbox', { name: 'デスクトップを検索' })).toBeInTheDocument();
    expect(api.callsTo('settings.set')).toEqual([{ language: 'ja' }]);

    await user.click(screen.getByRole('button', { name: '設定' }));
    await user.click(screen.getByRole('radio', { name: 'English' }));
    expect(await screen.findByRole('heading', { name: 'Settings' })).toBeInTheDocument();
  });
});
