import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { catalogueOf, createFakeApi, desktop, endpoint, profile } from '../../test/fakeApi';
import { renderApp } from '../../test/render';
import { allTags, filterDesktops, latestRecents } from './filter';

const catalogue = {
  endpoints: [endpoint(), endpoint({ id: 'ep2', name: 'Osaka', host: '10.213.66.188' })],
  desktops: [
    desktop({ id: 'd1', name: 'Build agent', tags: ['linux', 'gpu'], notes: 'render farm' }),
    desktop({ id: 'd2', name: 'Office', tags: ['windows'], favourite: true, route: { kind: 'port', port: 60000 } }),
    desktop({ id: 'd3', name: 'Lab', endpointId: 'ep2', tags: ['linux'], route: { kind: 'prefix', port: 8443, agent: '10.150.248.180' } }),
  ],
};

const names = () => within(screen.getByRole('list', { name: 'Desktops' })).getAllByRole('heading', { level: 3 }).map((h) => h.textContent);

describe('filterDesktops', () => {
  const cat = catalogueOf(catalogue);
  const none = { query: '', tags: [], favouritesOnly: false };
  it('puts favourites first, then sorts by name', () => {
    expect(filterDesktops(cat, none).map((d) => d.name)).toEqual(['Office', 'Build agent', 'Lab']);
  });
  it('searches name, tags, endpoint name and host, and notes; every word must match', () => {
    expect(filterDesktops(cat, { ...none, query: 'farm' }).map((d) => d.id)).toEqual(['d1']);
    expect(filterDesktops(cat, { ...none, query: 'osaka' }).map((d) => d.id)).toEqual(['d3']);
    expect(filterDesktops(cat, { ...none, query: '10.213.66' }).map((d) => d.id)).toEqual(['d3']);
    expect(filterDesktops(cat, { ...none, query: 'WINDOWS' }).map((d) => d.id)).toEqual(['d2']);
    expect(filterDesktops(cat, { ...none, query: 'linux lab' }).map((d) => d.id)).toEqual(['d3']);
    expect(filterDesktops(cat, { ...none, query: 'linux office' })).toEqual([]);
  });
  it('needs every selected tag', () => {
    expect(filterDesktops(cat, { ...none, tags: ['linux'] }).map((d) => d.id)).toEqual(['d1', 'd3']);
    expect(filterDesktops(cat, { ...none, tags: ['linux', 'gpu'] }).map((d) => d.id)).toEqual(['d1']);
  });
  it('lists tags once, sorted, and the newest recent per desktop', () => {
    expect(allTags(cat.desktops)).toEqual(['gpu', 'linux', 'windows']);
    const recents = latestRecents([
      { desktopId: 'd1', at: '2025-01-01T00:00:00.000Z', outcome: 'ok' },
      { desktopId: 'd1', at: '2025-02-01T00:00:00.000Z', outcome: 'failed', code: 'TCP_TIMEOUT' },
      { desktopId: 'd2', at: '2025-01-15T00:00:00.000Z', outcome: 'ok' },
    ]);
    expect(recents.map((r) => [r.desktopId, r.outcome])).toEqual([
      ['d1', 'failed'],
      ['d2', 'ok'],
    ]);
  });
});

describe('Desktops view', () => {
  it('filters by search text, tag chips and favourites', async () => {
    const { user } = renderApp(createFakeApi(catalogue));
    await screen.findByRole('list', { name: 'Desktops' });
    expect(names()).toEqual(['Office', 'Build agent', 'Lab']);

    await user.type(screen.getByRole('searchbox', { name: 'Search desktops' }), 'farm');
    expect(names()).toEqual(['Build agent']);
    await user.clear(screen.getByRole('searchbox', { name: 'Search desktops' }));

    const tags = screen.getByRole('group', { name: 'Tags' });
    await user.click(within(tags).getByRole('button', { name: 'linux' }));
    expect(names()).toEqual(['Build agent', 'Lab']);
    expect(within(tags).getByRole('button', { name: 'linux' })).toHaveAttribute('aria-pressed', 'true');
    await user.click(within(tags).getByRole('button', { name: 'linux' }));

    await user.click(screen.getByRole('button', { name: /Favourites/ }));
    expect(names()).toEqual(['Office']);
  });

  it('shows a clear-filters state when nothing matches', async () => {
    const { user } = renderApp(createFakeApi(catalogue));
    await user.type(await screen.findByRole('searchbox', { name: 'Search desktops' }), 'nothing-like-this');
    expect(screen.getByText('No desktops match your search.')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Clear search and filters' }));
    expect(names()).toHaveLength(3);
  });

  it('toggles a favourite through main and re-sorts', async () => {
    const api = createFakeApi(catalogue);
    const { user } = renderApp(api);
    await user.click(await screen.findByRole('button', { name: 'Favourite: Lab' }));
    expect(api.callsTo('desktop.setFavourite')).toEqual([{ id: 'd3', favourite: true }]);
    await screen.findByRole('button', { name: 'Favourite: Lab', pressed: true });
    expect(names()).toEqual(['Lab', 'Office', 'Build agent']);
  });

  it('switches list and grid and saves it in settings', async () => {
    const api = createFakeApi(catalogue);
    const { user } = renderApp(api);
    await screen.findByRole('list', { name: 'Desktops' });
    await user.click(screen.getByRole('button', { name: 'Grid' }));
    expect(screen.getByRole('list', { name: 'Desktops' })).toHaveClass('desktops-grid');
    expect(api.callsTo('settings.set')).toEqual([{ view: 'grid' }]);
  });

  it('shows the status dot, the last outcome and saved profiles that open in one click', async () => {
    const api = createFakeApi({
      ...catalogue,
      profiles: [profile({ id: 'p1', name: 'Full HD', desktopId: 'd2' })],
      recents: [{ desktopId: 'd1', at: '2025-03-01T09:00:00.000Z', outcome: 'failed', code: 'PROXY_AUTH_REQUIRED' }],
    });
    api.view.health = { d1: { status: 'fail', code: 'PROXY_AUTH_REQUIRED', at: '2025-03-01T09:00:00.000Z' } };
    api.handle('connection.open', () => ({ ok: false, error: { code: 'INTERNAL', message: 'not in this test' } }));
    const { user } = renderApp(api);
    expect(await screen.findByRole('img', { name: 'Last check: failed (PROXY_AUTH_REQUIRED)' })).toBeInTheDocument();
    expect(screen.getByRole('heading', { name: 'Recent' })).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Open profile Full HD' }));
    expect(api.callsTo('connection.open')).toEqual([{ desktopId: 'd2', profileId: 'p1' }]);
  });
});

describe('empty states', () => {
  it('offers the three ways in when the catalogue is empty', async () => {
    const { user } = renderApp(createFakeApi());
    expect(await screen.findByRole('heading', { name: 'No desktops yet' })).toBeInTheDocument();
    expect(screen.getByText('Add an endpoint, import a .dcv file, or paste an NLB port table.')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Paste a port table' }));
    expect(await screen.findByRole('dialog', { name: 'Import' })).toBeInTheDocument();
    expect(screen.getByRole('combobox', { name: 'Format' })).toHaveValue('ports');
  });

  it('says what to do on the connections and troubleshooting tabs', async () => {
    const { user } = renderApp(createFakeApi());
    await screen.findByRole('heading', { name: 'No desktops yet' });
    await user.click(screen.getByRole('button', { name: 'Connections' }));
    expect(screen.getByText('No open connections. Connect to a desktop from the Desktops tab.')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Troubleshooting' }));
    expect(screen.getByText(/There is nothing to check yet/)).toBeInTheDocument();
  });
});
