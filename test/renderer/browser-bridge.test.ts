/**
 * The browser bridge against a real WebSocket server on loopback. The page's side is the `ws`
 * client (same onopen/onmessage/onclose API): jsdom's environment has no faithful browser
 * WebSocket. The server speaks the wire format of preload/contract/wire.ts.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket as WsClient, WebSocketServer, type WebSocket as ServerSocket } from 'ws';
import { WIRE_PATH, type WireRequest } from '../../preload/contract/wire';
import { apiUrl, createBrowserBridge, type BrowserBridge } from '../../renderer/bridge/browser';

interface Host {
  url: string;
  sockets: ServerSocket[];
  received: WireRequest[];
  connections: number;
  /** What to do with a request; default: answer ok with what was asked. */
  onRequest: (socket: ServerSocket, message: WireRequest) => void;
  close(): Promise<void>;
}

async function startHost(): Promise<Host> {
  const server: Server = createServer();
  const wss = new WebSocketServer({ server, path: WIRE_PATH });
  const host: Host = {
    url: '',
    sockets: [],
    received: [],
    connections: 0,
    onRequest: (socket, m) => socket.send(JSON.stringify({ id: m.id, result: { ok: true, value: { echo: m.channel, request: m.request } } })),
    close: () =>
      new Promise((resolve) => {
        for (const s of host.sockets) s.terminate();
        wss.close();
        server.close(() => resolve());
      }),
  };
  wss.on('connection', (socket) => {
    host.connections += 1;
    host.sockets.push(socket);
    socket.on('message', (data) => {
      const message = JSON.parse(String(data)) as WireRequest;
      host.received.push(message);
      host.onRequest(socket, message);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  host.url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}${WIRE_PATH}`;
  return host;
}

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function setUp() {
  const host = await startHost();
  const bridge: BrowserBridge = createBrowserBridge({ url: host.url, backoffMs: () => 50, WebSocketImpl: WsClient as unknown as typeof WebSocket });
  cleanups.push(() => host.close(), () => bridge.dispose());
  return { host, bridge };
}

describe('browser bridge', () => {
  it('builds the socket URL from the page URL', () => {
    expect(apiUrl('https://127.0.0.1:4321/index.html?x')).toBe('wss://127.0.0.1:4321/api');
    expect(apiUrl('http://127.0.0.1:4321/')).toBe('ws://127.0.0.1:4321/api');
  });

  it('sends {id, channel, request} and resolves each call with its own result', async () => {
    const { host, bridge } = await setUp();
    expect(bridge.mode).toBe('browser');
    const [a, b] = await Promise.all([bridge.invoke('catalogue.get', {}), bridge.invoke('doctor.run', { desktopId: 'd1' })]);
    expect(a).toEqual({ ok: true, value: { echo: 'catalogue.get', request: {} } });
    expect(b).toEqual({ ok: true, value: { echo: 'doctor.run', request: { desktopId: 'd1' } } });
    expect(host.received.map((m) => m.channel)).toEqual(['catalogue.get', 'doctor.run']);
    expect(new Set(host.received.map((m) => m.id)).size).toBe(2);
  });

  it('delivers pushed events to listeners until they unsubscribe', async () => {
    const { host, bridge } = await setUp();
    const seen: unknown[] = [];
    const off = bridge.on('connection.stats', (p) => seen.push(p));
    await bridge.invoke('catalogue.get', {});
    const payload = { desktopId: 'd1', rttMs: 12, at: 1, stats: {} };
    host.sockets[0].send(JSON.stringify({ event: 'connection.stats', payload }));
    host.sockets[0].send(JSON.stringify({ event: 'doctor.step', payload: {} }));
    await expect.poll(() => seen).toEqual([payload]);
    off();
    host.sockets[0].send(JSON.stringify({ event: 'connection.stats', payload }));
    await bridge.invoke('catalogue.get', {}); // the event, if delivered, would arrive before this answer
    expect(seen).toHaveLength(1);
  });

  it('fails calls in flight when the socket drops, then reconnects and works again', async () => {
    const { host, bridge } = await setUp();
    await bridge.invoke('catalogue.get', {});
    host.onRequest = (socket) => socket.terminate();
    const lost = await bridge.invoke('connection.list', {});
    expect(lost).toEqual({ ok: false, error: { code: 'INTERNAL', message: 'lost connection to the launcher' } });

    host.onRequest = (socket, m) => socket.send(JSON.stringify({ id: m.id, result: { ok: true, value: 'again' } }));
    await expect.poll(() => host.connections, { timeout: 10_000 }).toBe(2);
    expect(await bridge.invoke('connection.list', {})).toEqual({ ok: true, value: 'again' });
  });

  it('fails a call rather than hanging when the host is gone', async () => {
    const { host, bridge } = await setUp();
    await bridge.invoke('catalogue.get', {});
    await host.close();
    const result = await bridge.invoke('catalogue.get', {});
    expect(result).toEqual({ ok: false, error: { code: 'INTERNAL', message: 'lost connection to the launcher' } });
  });
});
