/**
 * Just enough of RFC 6455 for the doctor, which speaks WebSocket by hand on a socket it has
 * upgraded itself (doctor-exchange.ts): it must see exactly what the server sends, so no client
 * library answers, buffers or hides anything. Client frames are masked; server frames are read
 * strictly (no mask, no extension bits, a size cap) because a surprise there is a finding.
 */
import { randomBytes } from 'node:crypto';
import type { Duplex } from 'node:stream';
import { stopReading } from './socket-reading';

export const Opcode = {
  CONTINUATION: 0x0,
  TEXT: 0x1,
  BINARY: 0x2,
  CLOSE: 0x8,
  PING: 0x9,
  PONG: 0xa,
} as const;

export interface WsFrame {
  fin: boolean;
  opcode: number;
  payload: Buffer;
}

export type WsMessage = { kind: 'binary' | 'text'; data: Buffer } | { kind: 'close'; code?: number; reason?: string };

/** A frame the server should not have sent; the connection cannot be read further. */
export class WsProtocolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WsProtocolError';
  }
}

export const DEFAULT_MAX_PAYLOAD = 16 * 1024 * 1024;

/** One final (FIN) client frame, masked as RFC 6455 §5.3 requires; `mask` is for tests. */
export function encodeClientFrame(opcode: number, payload: Uint8Array, mask: Uint8Array = randomBytes(4)): Buffer {
  if (!Number.isInteger(opcode) || opcode < 0 || opcode > 0xf) throw new RangeError(`opcode ${opcode} is not 0..15`);
  if (mask.length !== 4) throw new RangeError(`a mask is 4 bytes, not ${mask.length}`);
  const n = payload.length;
  const lengthBytes = n < 126 ? 0 : n <= 0xffff ? 2 : 8;
  const head = Buffer.alloc(2 + lengthBytes + 4);
  head[0] = 0x80 | opcode;
  if (lengthBytes === 0) head[1] = 0x80 | n;
  else if (lengthBytes === 2) {
    head[1] = 0x80 | 126;
    head.writeUInt16BE(n, 2);
  } else {
    head[1] = 0x80 | 127;
    head.writeUInt32BE(Math.floor(n / 2 ** 32), 2);
    head.writeUInt32BE(n >>> 0, 6);
  }
  head.set(mask, 2 + lengthBytes);
  const body = Buffer.alloc(n);
  for (let i = 0; i < n; i++) body[i] = payload[i] ^ mask[i & 3];
  return Buffer.concat([head, body]);
}

/**
 * Server frames from a byte stream, in any chunking. Also keeps what one readMessage() call
 * read beyond its message (the next frames, part of a frame) for the next call.
 */
export class WsFrameReader {
  private chunks: Buffer[] = [];
  private size = 0;
  /** Complete frames that readMessage has not consumed yet. */
  private queue: WsFrame[] = [];
  /** Fragments of the data message being assembled: its opcode and payloads so far. */
  private partial: { opcode: number; payloads: Buffer[]; size: number } | undefined;

  constructor(readonly maxPayload = DEFAULT_MAX_PAYLOAD) {}

  /** Adds bytes; returns the frames they complete. Throws WsProtocolError on a frame a server must not send. */
  push(chunk: Buffer): WsFrame[] {
    if (chunk.length) {
      this.chunks.push(chunk);
      this.size += chunk.length;
    }
    const frames: WsFrame[] = [];
    for (;;) {
      const head = this.peekHead();
      if (!head || this.size < head.headerBytes + head.payloadBytes) break;
      const frame = this.take(head.headerBytes + head.payloadBytes);
      frames.push({ fin: head.fin, opcode: head.opcode, payload: frame.subarray(head.headerBytes) });
    }
    return frames;
  }

  /**
   * Reads frames from `socket` until one whole data message (continuations assembled) or a close
   * frame. Pings are answered with a masked pong, pongs ignored. `initial`: bytes already read
   * past the 101 response head. Leaves the socket paused, so nothing after is lost; the next
   * call starts with what this one read too far. A close frame is not answered (the doctor
   * closes with closeWebSocket()).
   */
  readMessage(socket: Duplex, timeoutMs: number, initial?: Buffer): Promise<WsMessage> {
    return new Promise((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const finish = (result: WsMessage | Error) => {
        clearTimeout(timer);
        stopReading(socket, onData, onEnd, onError);
        if (result instanceof Error) reject(result);
        else resolve(result);
      };
      const step = (chunk: Buffer): boolean => {
        try {
          this.queue.push(...this.push(chunk));
          const message = this.nextMessage(socket);
          if (message) finish(message);
          return message !== undefined;
        } catch (e) {
          finish(e as Error);
          return true;
        }
      };
      const onData = (chunk: Buffer) => void step(chunk);
      const onEnd = () =>
        finish(new Error(this.size || this.partial ? 'the connection closed in the middle of a WebSocket message' : 'the connection closed without a WebSocket message'));
      const onError = (e: Error) => finish(e);

      if (step(initial ?? Buffer.alloc(0))) return;
      if (socket.readableEnded || socket.destroyed) return onEnd();
      timer = setTimeout(() => finish(new Error(`no message within ${timeoutMs} ms`)), timeoutMs);
      socket.on('data', onData);
      socket.on('end', onEnd);
      socket.on('close', onEnd);
      socket.on('error', onError);
      // An earlier call paused it; adding a 'data' listener does not undo an explicit pause.
      socket.resume();
    });
  }

  /** Consumes queued frames up to the first complete message or close. */
  private nextMessage(socket: Duplex): WsMessage | undefined {
    for (let frame = this.queue.shift(); frame; frame = this.queue.shift()) {
      const { opcode, payload } = frame;
      if (opcode === Opcode.PING) {
        socket.write(encodeClientFrame(Opcode.PONG, payload));
      } else if (opcode === Opcode.PONG) {
        continue;
      } else if (opcode === Opcode.CLOSE) {
        if (payload.length === 0) return { kind: 'close' };
        if (payload.length === 1) throw new WsProtocolError('close frame with a 1-byte payload');
        return { kind: 'close', code: payload.readUInt16BE(0), reason: payload.subarray(2).toString('utf8') };
      } else if (opcode === Opcode.CONTINUATION) {
        if (!this.partial) throw new WsProtocolError('continuation frame without a message to continue');
        this.partial.payloads.push(payload);
        this.partial.size += payload.length;
        if (this.partial.size > this.maxPayload) throw new WsProtocolError(`message larger than ${this.maxPayload} bytes`);
        if (frame.fin) {
          const { opcode: first, payloads, size } = this.partial;
          this.partial = undefined;
          return dataMessage(first, Buffer.concat(payloads, size));
        }
      } else {
        if (this.partial) throw new WsProtocolError(`new data frame (opcode ${opcode}) inside a fragmented message`);
        if (frame.fin) return dataMessage(opcode, payload);
        this.partial = { opcode, payloads: [payload], size: payload.length };
      }
    }
    return undefined;
  }

  /** The head of the first buffered frame, once its header bytes are all here. */
  private peekHead(): { fin: boolean; opcode: number; headerBytes: number; payloadBytes: number } | undefined {
    if (this.size < 2) return undefined;
    // A header is at most 10 bytes (servers do not mask); gather them into one chunk.
    if (this.chunks[0].length < 10 && this.chunks.length > 1) this.chunks = [Buffer.concat(this.chunks, this.size)];
    const b = this.chunks[0];
    const fin = (b[0] & 0x80) !== 0;
    const opcode = b[0] & 0x0f;
    if (b[0] & 0x70) throw new WsProtocolError(`frame with reserved bits set (0x${b[0].toString(16)}): no extension was negotiated`);
    if (![0, 1, 2, 8, 9, 10].includes(opcode)) throw new WsProtocolError(`frame with reserved opcode ${opcode}`);
    if (b[1] & 0x80) throw new WsProtocolError('masked frame from the server (RFC 6455 §5.1: servers must not mask)');
    const short = b[1] & 0x7f;
    const headerBytes = short < 126 ? 2 : short === 126 ? 4 : 10;
    if (b.length < headerBytes) return undefined;
    let payloadBytes = short;
    if (short === 126) payloadBytes = b.readUInt16BE(2);
    else if (short === 127) payloadBytes = b.readUInt32BE(2) * 2 ** 32 + b.readUInt32BE(6);
    if (opcode >= 8 && (!fin || payloadBytes > 125)) throw new WsProtocolError(`control frame (opcode ${opcode}) fragmented or longer than 125 bytes`);
    // Checked before the payload is buffered: a hostile length must not make us hold it.
    if (payloadBytes > this.maxPayload) throw new WsProtocolError(`frame of ${payloadBytes} bytes is larger than ${this.maxPayload}`);
    return { fin, opcode, headerBytes, payloadBytes };
  }

  /** The first n buffered bytes (n ≤ size), as one Buffer. */
  private take(n: number): Buffer {
    const all = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks, this.size);
    const rest = all.subarray(n);
    this.chunks = rest.length ? [rest] : [];
    this.size = rest.length;
    return all.subarray(0, n);
  }
}

function dataMessage(opcode: number, data: Buffer): WsMessage {
  return { kind: opcode === Opcode.TEXT ? 'text' : 'binary', data };
}
