/**
 * Looks at the first DCV message a server sends on a `<base>ws` socket, without touching the
 * bytes on their way to the page: a Session Manager token refused by the server (connectionAbort
 * AUTHENTICATION_FAILED, e.g. expired) means the next attempt needs a fresh token, which only
 * the launcher can fetch. Control frames (pings) before it are skipped; anything unexpected
 * just ends the watch. At most 64 KiB are held, once per socket.
 */
import type { Readable } from 'node:stream';
import { peekSetupServerMessage, type SetupServerMessage } from './session-manager/dcv-messages';

const MAX_WATCHED = 64 * 1024;

/** Calls `onMessage` with the first data message's decoded setup message (or undefined), then stops watching. */
export function watchFirstServerMessage(upstream: Readable, already: Buffer, onMessage: (m: SetupServerMessage | undefined) => void): void {
  let buffered = already;
  let finished = false;
  const stop = (m: SetupServerMessage | undefined) => {
    if (finished) return;
    finished = true;
    upstream.off('data', onData);
    upstream.off('close', onClose);
    onMessage(m);
  };
  const onClose = () => stop(undefined);
  const onData = (chunk: Buffer) => {
    buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk]);
    scan();
  };
  const scan = () => {
    for (;;) {
      const frame = nextFrame(buffered);
      if (frame === 'more') return buffered.length > MAX_WATCHED ? stop(undefined) : undefined;
      if (frame === 'bad') return stop(undefined);
      buffered = buffered.subarray(frame.length);
      // Pings and pongs may come first; anything else is the answer (or not ours to read).
      if (frame.opcode === 0x9 || frame.opcode === 0xa) continue;
      return stop(frame.opcode === 0x2 && frame.fin ? peekSetupServerMessage(frame.payload) : undefined);
    }
  };
  upstream.on('data', onData);
  upstream.once('close', onClose);
  scan();
}

/** One unmasked server frame at the start of `b`: its opcode, payload and total length; 'more' when incomplete. */
function nextFrame(b: Buffer): { fin: boolean; opcode: number; payload: Buffer; length: number } | 'more' | 'bad' {
  if (b.length < 2) return 'more';
  const fin = (b[0] & 0x80) !== 0;
  const opcode = b[0] & 0x0f;
  if ((b[1] & 0x80) !== 0) return 'bad'; // a server never masks
  let length = b[1] & 0x7f;
  let offset = 2;
  if (length === 126) {
    if (b.length < 4) return 'more';
    length = b.readUInt16BE(2);
    offset = 4;
  } else if (length === 127) {
    if (b.length < 10) return 'more';
    const big = b.readBigUInt64BE(2);
    if (big > BigInt(MAX_WATCHED)) return 'bad';
    length = Number(big);
    offset = 10;
  }
  if (length > MAX_WATCHED) return 'bad';
  if (b.length < offset + length) return 'more';
  return { fin, opcode, payload: b.subarray(offset, offset + length), length: offset + length };
}
