import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { ConnectionInfo, Events } from '../../../preload/contract/api';
import { createFakeApi, desktop, endpoint, ok, sessionView, source, sourceStatus } from '../../test/fakeApi';
import { renderApp } from '../../test/render';
import { createConnectionsStore, nextSample, SAMPLE_LIMIT } from './store';

const stats = (bytesUp: number, bytesDown: number) => ({
  activeSockets: 5,
  activeWebSockets: 4,
  totalSockets: 9,
  bytesUp,
  bytesDown,
  upstreamConnectMs: 20,
  lastError: null,
});
const info: ConnectionInfo = {
  desktopId: 'd1',
  port: 41234,
  origin: 'https://127.0.0.1:41234',
  state: { kind: 'open' },
  stats: stats(0, 0),
  openedAt: '2025-03-01T09:00:00.000Z',
};
const tick = (at: number, up: number, down: number, rttMs: number | null = 12): Events['connection.stats'] => ({ desktopId: 'd1', stats: stats(up, down), rttMs, at });

describe('connection samples', () => {
  it('turns byte counters into rates, with no rate for the first sample or a counter reset', () => {
    const first = nextSample(undefined, tick(1000, 100, 1000));
    expect(first).toMatchObject({ upBps: null, downBps: null, rttMs: 12 });
    const second = nextSample(first, tick(3000, 300, 5000));
    expect(second).toMatchObject({ upBps: 100, downBps: 2000 });
    expect(nextSample(second, tick(4000, 10, 10))).toMatchObject({ upBps: null, downBps: null });
  });

  it('keeps the last 60 samples per connection', () => {
    const store = createConnectionsStore(createFakeApi());
    store.getState().onChanged(info);
    for (let i = 0; i < 75; i++) store.getState().onStats(tick(i * 1000, i * 10, i * 100, i));
    const samples = store.getState().samples.d1;
    expect(samples).toHaveLength(SAMPLE_LIMIT);
    expect(samples[0].rttMs).toBe(15);
    expect(samples[59].rttMs).toBe(74);
    expect(store.getState().list[0].stats.bytesDown).toBe(7400);
  });
});

describe('Active connections view', () => {
  it('lists connections with state, sockets, bytes and live sparklines, and closes them', async () => {
    const api = createFakeApi({ endpoints: [endpoint()], desktops: [desktop({ id: 'd1', name: 'Agent 1' })] });
    let open = [info];
    api.handle('connection.list', () => ok(open));
    api.handle('connection.close', () => {
      open = [];
      return ok({ closed: true });
    });
    const { user } = renderApp(api);
    await user.click(await screen.findByRole('button', { name: /Connections/ }));
    const row = await screen.findByRole('listitem', { name: 'Agent 1' });
    expect(within(row).getByText('Open')).toBeInTheDocument();
    expect(within(row).getByText('https://127.0.0.1:41234')).toBeInTheDocument();

    api.emit('connection.stats', tick(1000, 0, 0, 10));
    api.emit('connection.stats', tick(2000, 1024, 2048, 30));
    api.emit('connection.stats', tick(3000, 2048, 4096, 20));
    await waitFor(() => expect(within(row).getByText('5 open (4 WebSocket), 9 in total')).toBeInTheDocument());
    expect(within(row).getByText('↑ 2.0 KB ↓ 4.0 KB')).toBeInTheDocument();
    expect(within(row).getByText(/Round trip 20 ms/)).toBeInTheDocument();
    expect(within(row).getByText(/Throughput ↓ 2.0 KB\/s ↑ 1.0 KB\/s/)).toBeInTheDocument();
    const rtt = within(row).getByRole('img', { name: 'Round-trip time of Agent 1, last 60 samples' });
    expect(rtt.querySelector('polyline')?.getAttribute('points')?.split(' ')).toHaveLength(3);
    const throughput = within(row).getByRole('img', { name: 'Throughput of Agent 1, last 60 samples' });
    expect(throughput.querySelector('polyline')?.getAttribute('points')?.split(' ')).toHaveLength(2);

    await user.click(within(row).getByRole('button', { name: 'Close the connection to Agent 1' }));
    expect(api.callsTo('connection.close')).toEqual([{ desktopId: 'd1' }]);
    expect(await screen.findByText(/No open connections/)).toBeInTheDocument();
  });

  it('names a Session Manager session’s connection by the session’s name, not its key', async () => {
    const session = sessionView({ name: 'Design review' });
    const api = createFakeApi({ endpoints: [endpoint()], sources: [source()] });
    api.sessions.sm1 = sourceStatus({ sessions: [session] });
    api.handle('connection.list', () => ok([{ ...info, desktopId: session.key }]));
    const { user } = renderApp(api);
    await user.click(await screen.findByRole('button', { name: /Connections/ }));
    const row = await screen.findByRole('listitem', { name: 'Design review' });
    expect(within(row).getByRole('heading', { name: 'Design review' })).toBeInTheDocument();
    expect(screen.queryByText(session.key)).not.toBeInTheDocument();
  });

  it('follows connection.changed: reconnecting shows, closed disappears', async () => {
    const api = createFakeApi({ endpoints: [endpoint()], desktops: [desktop({ id: 'd1', name: 'Agent 1' })] });
    const { user } = renderApp(api);
    await user.click(await screen.findByRole('button', { name: /Connections/ }));
    api.emit('connection.changed', { ...info, state: { kind: 'reconnecting', attempt: 2, lastError: { code: 'UPSTREAM_RESET', message: 'reset' } } });
    expect(await screen.findByText('Reconnecting (attempt 2, UPSTREAM_RESET)')).toBeInTheDocument();
    api.emit('connection.changed', { ...info, state: { kind: 'closed' } });
    expect(await screen.findByText(/No open connections/)).toBeInTheDocument();
  });
});
