/**
 * The launcher's API as the browser-mode page calls it: JSON frames over the host's WebSocket
 * (WIRE_PATH), signed in through a one-time launch URL, with the host's own Origin.
 */
import WebSocket from 'ws';
import type { Channel, Request, Responses, Result } from '../../preload/contract/api';
import { WIRE_PATH, type WireServerMessage } from '../../preload/contract/wire';
import { signIn } from './load';

export interface ApiClient {
  call<C extends Channel>(channel: C, request: Request<C>): Promise<Responses[C]>;
  close(): Promise<void>;
}

export async function connectApi(launchUrl: string): Promise<ApiClient> {
  const ep = await signIn(launchUrl);
  const origin = new URL(launchUrl).origin;
  const ws = new WebSocket(`${origin.replace(/^https:/, 'wss:')}${WIRE_PATH}`, { headers: ep.headers, origin, rejectUnauthorized: false });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const pending = new Map<number, { resolve: (r: Result<unknown>) => void; reject: (e: Error) => void }>();
  let nextId = 1;
  ws.on('message', (data) => {
    const msg = JSON.parse(data.toString()) as WireServerMessage;
    if (!('id' in msg)) return; // a pushed event
    pending.get(msg.id)?.resolve(msg.result);
    pending.delete(msg.id);
  });
  ws.on('close', () => {
    for (const p of pending.values()) p.reject(new Error('launcher API socket closed'));
    pending.clear();
  });
  return {
    async call(channel, request) {
      const id = nextId++;
      const result = await new Promise<Result<unknown>>((resolve, reject) => {
        pending.set(id, { resolve, reject });
        ws.send(JSON.stringify({ id, channel, request }));
      });
      if (!result.ok) throw new Error(`${channel}: ${result.error.code} ${result.error.message}`);
      return result.value as Responses[typeof channel];
    },
    close: () =>
      new Promise<void>((resolve) => {
        if (ws.readyState === WebSocket.CLOSED) return resolve();
        ws.once('close', () => resolve());
        ws.close();
      }),
  };
}
