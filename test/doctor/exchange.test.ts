/**
 * exchange() hands over what came with or after the 101 head, and leaves the socket paused:
 * a server's first WebSocket frame may share a TCP segment with the head, and must not be lost.
 */
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { exchange, upgradeHead } from '../../tunnel/doctor-exchange';
import { WsFrameReader } from '../../tunnel/ws-frames';

const servers: Server[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) s.close();
});

/** A server that answers the first request with `answer` (written as given, in as many writes). */
async function answering(...answer: Buffer[]): Promise<number> {
  const server = createServer((socket) => {
    socket.once('data', async () => {
      for (const part of answer) {
        socket.write(part);
        await new Promise((r) => setTimeout(r, 20));
      }
    });
    socket.on('error', () => {});
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return (server.address() as AddressInfo).port;
}

function dialled(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1', () => resolve(s));
    s.once('error', reject);
  });
}

const HEAD = Buffer.from('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n');
/** Two unmasked binary frames a server sends: "one" and "two". */
const FRAMES = [Buffer.from([0x82, 3, ...Buffer.from('one')]), Buffer.from([0x82, 3, ...Buffer.from('two')])];

describe('exchange: bytes after the head', () => {
  it('returns the frames that came in the same segment as the 101, and the reader loses none', async () => {
    const socket = await dialled(await answering(Buffer.concat([HEAD, FRAMES[0], FRAMES[1].subarray(0, 2)]), FRAMES[1].subarray(2)));
    try {
      const res = await exchange(socket, upgradeHead('/ws', { Host: 'x' }, 'dcv').head, 2000);
      expect(res.status).toBe(101);
      expect(res.rest.equals(Buffer.concat([FRAMES[0], FRAMES[1].subarray(0, 2)]))).toBe(true);
      expect(socket.isPaused()).toBe(true);
      const reader = new WsFrameReader();
      const first = await reader.readMessage(socket, 2000, res.rest);
      const second = await reader.readMessage(socket, 2000);
      expect(first).toEqual({ kind: 'binary', data: Buffer.from('one') });
      expect(second).toEqual({ kind: 'binary', data: Buffer.from('two') });
    } finally {
      socket.destroy();
    }
  });

  it('a paused socket keeps what arrives after the head until a reader asks for it', async () => {
    const socket = await dialled(await answering(HEAD, FRAMES[0]));
    try {
      const res = await exchange(socket, upgradeHead('/ws', { Host: 'x' }, 'dcv').head, 2000);
      expect(res.rest.length).toBe(0);
      // The frame arrives while nobody listens: paused, it waits in the socket.
      await new Promise((r) => setTimeout(r, 100));
      expect(await new WsFrameReader().readMessage(socket, 2000, res.rest)).toEqual({ kind: 'binary', data: Buffer.from('one') });
    } finally {
      socket.destroy();
    }
  });

  it('a refusal keeps its body as the snippet and the rest separately', async () => {
    const body = 'Origin not allowed\n';
    const socket = await dialled(await answering(Buffer.from(`HTTP/1.1 403 Forbidden\r\nContent-Length: ${body.length}\r\n\r\n${body}extra`)));
    try {
      const res = await exchange(socket, upgradeHead('/auth', { Host: 'x' }, 'dcv').head, 2000);
      expect(res.status).toBe(403);
      expect(res.bodySnippet).toBe('Origin not allowed');
      expect(res.rest.toString()).toBe('extra');
    } finally {
      socket.destroy();
    }
  });
});
