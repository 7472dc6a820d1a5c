import { once } from 'node:events';
import { createHash, randomBytes } from 'node:crypto';
import net, { type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import { upgradeHead } from './doctor-exchange';
import { encodeClientFrame, Opcode, WsFrameReader, WsProtocolError } from './ws-frames';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const MASK = Buffer.from([0x37, 0xfa, 0x21, 0x3d]);

describe('encodeClientFrame', () => {
  it('masks as in RFC 6455 §5.7 ("Hello" with mask 37 fa 21 3d)', () => {
    expect(hex(encodeClientFrame(Opcode.TEXT, Buffer.from('Hello'), MASK))).toBe('818537fa213d7f9f4d5158');
  });

  it('uses the 7-bit, 16-bit and 64-bit length forms', () => {
    const head = (n: number) => hex(encodeClientFrame(Opcode.BINARY, Buffer.alloc(n), MASK).subarray(0, 14));
    expect(head(0)).toMatch(/^8280/);
    expect(head(125)).toMatch(/^82fd37fa213d/);
    expect(head(126)).toMatch(/^82fe007e37fa213d/);
    expect(head(65535)).toMatch(/^82feffff37fa213d/);
    expect(head(65536)).toMatch(/^82ff000000000001000037fa213d/);
    expect(encodeClientFrame(Opcode.BINARY, Buffer.alloc(65536), MASK).length).toBe(2 + 8 + 4 + 65536);
  });

  it('draws a fresh random mask by default', () => {
    const a = encodeClientFrame(Opcode.BINARY, Buffer.alloc(8));
    const b = encodeClientFrame(Opcode.BINARY, Buffer.alloc(8));
    expect(a[1]).toBe(0x88);
    expect(hex(a.subarray(2, 6))).not.toBe(hex(b.subarray(2, 6)));
    // payload of zeros, masked: the mask itself, twice
    expect(hex(a.subarray(6))).toBe(hex(Buffer.concat([a.subarray(2, 6), a.subarray(2, 6)])));
  });

  it('refuses a bad opcode or mask', () => {
    expect(() => encodeClientFrame(16, Buffer.alloc(0))).toThrow(RangeError);
    expect(() => encodeClientFrame(Opcode.BINARY, Buffer.alloc(0), Buffer.alloc(3))).toThrow(RangeError);
  });
});

describe('WsFrameReader.push', () => {
  // RFC 6455 §5.7 examples, unmasked (server) frames
  const hello = Buffer.from('810548656c6c6f', 'hex');
  const fragmented = Buffer.from('010348656c' + '80026c6f', 'hex');

  it('reads frames whole, split at every byte, and several in one chunk', () => {
    expect(new WsFrameReader().push(hello)).toEqual([{ fin: true, opcode: 1, payload: Buffer.from('Hello') }]);
    const reader = new WsFrameReader();
    const frames = [...fragmented].flatMap((byte) => reader.push(Buffer.from([byte])));
    expect(frames).toEqual([
      { fin: false, opcode: 1, payload: Buffer.from('Hel') },
      { fin: true, opcode: 0, payload: Buffer.from('lo') },
    ]);
    expect(new WsFrameReader().push(Buffer.concat([hello, fragmented, hello])).length).toBe(4);
  });

  it('reads 16-bit and 64-bit lengths (256 bytes, 64 KiB)', () => {
    const r256 = new WsFrameReader().push(Buffer.concat([Buffer.from('827e0100', 'hex'), Buffer.alloc(256, 1)]));
    expect(r256[0].payload.length).toBe(256);
    const big = Buffer.concat([Buffer.from('827f0000000000010000', 'hex'), Buffer.alloc(65536, 2)]);
    const reader = new WsFrameReader();
    expect(reader.push(big.subarray(0, 5))).toEqual([]); // header split inside the 64-bit length
    expect(reader.push(big.subarray(5, 30000))).toEqual([]);
    const [frame] = reader.push(big.subarray(30000));
    expect(frame.payload.equals(Buffer.alloc(65536, 2))).toBe(true);
  });

  it('refuses what a server must not send', () => {
    const refuse = (bytes: string, message: string | RegExp) => {
      expect(() => new WsFrameReader().push(Buffer.from(bytes, 'hex'))).toThrow(WsProtocolError);
      expect(() => new WsFrameReader().push(Buffer.from(bytes, 'hex'))).toThrow(message);
    };
    refuse('8185' + '37fa213d7f9f4d5158', 'masked frame from the server');
    refuse('c100', 'reserved bits set');
    refuse('8300', 'reserved opcode 3');
    refuse('0900', 'control frame (opcode 9) fragmented');
    refuse('897e0080', 'longer than 125 bytes');
  });

  it('refuses a frame over the cap from its header, before the payload is buffered', () => {
    const reader = new WsFrameReader(1024);
    expect(reader.push(Buffer.concat([Buffer.from('827e0400', 'hex'), Buffer.alloc(1024)]))[0].payload.length).toBe(1024);
    expect(() => new WsFrameReader(1024).push(Buffer.from('827e0401', 'hex'))).toThrow('frame of 1025 bytes is larger than 1024');
    expect(() => new WsFrameReader().push(Buffer.from('827f8000000000000000', 'hex'))).toThrow(`is larger than ${16 * 1024 * 1024}`);
  });
});

// ---------------------------------------------------------------------------------------------
// Against a real server: the ws package, upgraded by hand over a plain TCP socket.

let wss: WebSocketServer;
let port: number;
/** What the next connection does; each test sets it before connecting. */
let onConnection: (ws: WebSocket) => void = () => {};

beforeAll(async () => {
  wss = new WebSocketServer({ host: '127.0.0.1', port: 0, maxPayload: 8 * 1024 * 1024 });
  wss.on('connection', (ws) => onConnection(ws));
  await once(wss, 'listening');
  port = (wss.address() as AddressInfo).port;
});

afterAll(async () => {
  for (const c of wss.clients) c.terminate();
  await new Promise((r) => wss.close(r));
});

/** Reads the response head; returns the socket (paused) and the bytes that came after the head. */
function readHead(socket: net.Socket): Promise<{ head: string; rest: Buffer }> {
  return new Promise((resolve, reject) => {
    let buffered = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      const end = buffered.indexOf('\r\n\r\n');
      if (end < 0) return;
      socket.off('data', onData);
      socket.pause();
      resolve({ head: buffered.subarray(0, end).toString('latin1'), rest: buffered.subarray(end + 4) });
    };
    socket.on('data', onData);
    socket.once('error', reject);
  });
}

async function upgrade(toPort = port): Promise<{ socket: net.Socket; rest: Buffer }> {
  const socket = net.connect(toPort, '127.0.0.1');
  await once(socket, 'connect');
  const { head, expectedAccept } = upgradeHead('/ws', { Host: `127.0.0.1:${toPort}` }, 'dcv');
  socket.write(`${head}\r\n\r\n`);
  const { head: response, rest } = await readHead(socket);
  expect(response).toMatch(/^HTTP\/1\.1 101 /);
  expect(response).toContain(`Sec-WebSocket-Accept: ${expectedAccept}`);
  return { socket, rest };
}

describe('WsFrameReader.readMessage with a ws server', () => {
  it('echoes binary messages of 0, 125, 126, 65535, 65536 and 1 MiB bytes', async () => {
    onConnection = (ws) => ws.on('message', (data, isBinary) => ws.send(data as Buffer, { binary: isBinary }));
    const { socket, rest } = await upgrade();
    const reader = new WsFrameReader();
    let initial: Buffer | undefined = rest;
    for (const size of [0, 125, 126, 65535, 65536, 1024 * 1024]) {
      const payload = randomBytes(size);
      socket.write(encodeClientFrame(Opcode.BINARY, payload));
      const message = await reader.readMessage(socket, 10_000, initial);
      initial = undefined;
      expect(message.kind).toBe('binary');
      if (message.kind !== 'binary') return;
      expect(message.data.length).toBe(size);
      expect(createHash('sha256').update(message.data).digest('hex')).toBe(createHash('sha256').update(payload).digest('hex'));
    }
    socket.write(encodeClientFrame(Opcode.TEXT, Buffer.from('日本語')));
    expect(await reader.readMessage(socket, 10_000)).toEqual({ kind: 'text', data: Buffer.from('日本語') });
    socket.destroy();
  });

  it('assembles a fragmented message, answering a ping sent between its fragments', async () => {
    const pongs: Buffer[] = [];
    onConnection = (ws) => {
      ws.on('pong', (data) => pongs.push(data));
      ws.send(Buffer.from('frag-'), { binary: true, fin: false });
      ws.ping(Buffer.from('between'));
      ws.send(Buffer.from('men'), { binary: true, fin: false });
      ws.send(Buffer.from('ted'), { binary: true, fin: true });
    };
    const { socket, rest } = await upgrade();
    const message = await new WsFrameReader().readMessage(socket, 5_000, rest);
    expect(message).toEqual({ kind: 'binary', data: Buffer.from('frag-mented') });
    await expect.poll(() => pongs.map(String)).toEqual(['between']);
    socket.destroy();
  });

  it('answers a ping with a masked pong of the same payload, then reads the message', async () => {
    onConnection = (ws) => {
      ws.ping(Buffer.from('are you there'));
      ws.on('pong', (data) => ws.send(`pong: ${data.toString()}`));
    };
    const { socket, rest } = await upgrade();
    expect(await new WsFrameReader().readMessage(socket, 5_000, rest)).toEqual({ kind: 'text', data: Buffer.from('pong: are you there') });
    socket.destroy();
  });

  it('ignores pongs', async () => {
    onConnection = (ws) => {
      ws.pong(Buffer.from('unsolicited'));
      ws.send(Buffer.from([1, 2, 3]));
    };
    const { socket, rest } = await upgrade();
    expect(await new WsFrameReader().readMessage(socket, 5_000, rest)).toEqual({ kind: 'binary', data: Buffer.from([1, 2, 3]) });
    socket.destroy();
  });

  it('returns a close frame with its code and reason', async () => {
    onConnection = (ws) => ws.close(1008, 'policy violation: no session');
    const { socket, rest } = await upgrade();
    expect(await new WsFrameReader().readMessage(socket, 5_000, rest)).toEqual({ kind: 'close', code: 1008, reason: 'policy violation: no session' });
    socket.destroy();
  });

  it('rejects when nothing comes in time, and when the server goes away', async () => {
    let server: WebSocket | undefined;
    onConnection = (ws) => (server = ws);
    const { socket, rest } = await upgrade();
    const reader = new WsFrameReader();
    await expect(reader.readMessage(socket, 200, rest)).rejects.toThrow('no message within 200 ms');
    server!.terminate();
    await expect(reader.readMessage(socket, 5_000)).rejects.toThrow('the connection closed without a WebSocket message');
    // and a socket that has already ended is said so at once
    await expect(reader.readMessage(socket, 5_000)).rejects.toThrow('the connection closed without a WebSocket message');
  });
});

describe('WsFrameReader.readMessage keeps every byte', () => {
  /** A server that writes `reply(key)` as soon as it has the request head: 101 and frames in one write. */
  async function rawServer(reply: (accept: string, socket: net.Socket) => void): Promise<{ port: number; close: () => Promise<void> }> {
    const sockets = new Set<net.Socket>();
    const server = net.createServer((s) => {
      sockets.add(s);
      let head = '';
      s.on('data', (chunk) => {
        if (head.includes('\r\n\r\n')) return; // replied already
        head += chunk.toString('latin1');
        if (!head.includes('\r\n\r\n')) return;
        const key = /sec-websocket-key: (\S+)/i.exec(head)![1];
        reply(createHash('sha1').update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64'), s);
      });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return {
      port: (server.address() as AddressInfo).port,
      close: () => {
        for (const s of sockets) s.destroy();
        return new Promise((r) => server.close(() => r()));
      },
    };
  }
  const head101 = (accept: string) =>
    `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\nSec-WebSocket-Protocol: dcv\r\n\r\n`;
  const serverFrame = (opcode: number, payload: Buffer) => Buffer.concat([Buffer.from([0x80 | opcode, payload.length]), payload]);

  it('reads frames that came in the same chunk as the 101, one message per call', async () => {
    const server = await rawServer((accept, s) =>
      s.write(Buffer.concat([Buffer.from(head101(accept)), serverFrame(Opcode.BINARY, Buffer.from('first')), serverFrame(Opcode.TEXT, Buffer.from('second'))])),
    );
    const { socket, rest } = await upgrade(server.port);
    expect(rest.length).toBeGreaterThan(0);
    const reader = new WsFrameReader();
    expect(await reader.readMessage(socket, 2_000, rest)).toEqual({ kind: 'binary', data: Buffer.from('first') });
    expect(await reader.readMessage(socket, 2_000)).toEqual({ kind: 'text', data: Buffer.from('second') });
    await expect(reader.readMessage(socket, 100)).rejects.toThrow('no message within 100 ms');
    socket.destroy();
    await server.close();
  });

  it('keeps bytes that arrive between two calls, and half a frame read by the first one', async () => {
    const frames = Buffer.concat([serverFrame(Opcode.BINARY, Buffer.from('one')), serverFrame(Opcode.BINARY, Buffer.from('two'))]);
    const server = await rawServer((accept, s) => {
      s.write(head101(accept));
      // the first message and half of the second, then the rest while nobody is reading
      setTimeout(() => s.write(frames.subarray(0, 7)), 20);
      setTimeout(() => s.write(frames.subarray(7)), 200);
    });
    const { socket, rest } = await upgrade(server.port);
    const reader = new WsFrameReader();
    expect(await reader.readMessage(socket, 2_000, rest)).toEqual({ kind: 'binary', data: Buffer.from('one') });
    await new Promise((r) => setTimeout(r, 400));
    expect(await reader.readMessage(socket, 2_000)).toEqual({ kind: 'binary', data: Buffer.from('two') });
    socket.destroy();
    await server.close();
  });

  it('says when the connection closes in the middle of a message', async () => {
    const server = await rawServer((accept, s) => {
      s.write(Buffer.concat([Buffer.from(head101(accept)), Buffer.from([0x82, 10, 1, 2, 3])]));
      s.end();
    });
    const { socket, rest } = await upgrade(server.port);
    await expect(new WsFrameReader().readMessage(socket, 2_000, rest)).rejects.toThrow('the connection closed in the middle of a WebSocket message');
    socket.destroy();
    await server.close();
  });

  it('rejects on a protocol error from the server', async () => {
    const server = await rawServer((accept, s) => s.write(Buffer.concat([Buffer.from(head101(accept)), Buffer.from('8185' + '37fa213d7f9f4d5158', 'hex')])));
    const { socket, rest } = await upgrade(server.port);
    await expect(new WsFrameReader().readMessage(socket, 2_000, rest)).rejects.toThrow(WsProtocolError);
    socket.destroy();
    await server.close();
  });
});
