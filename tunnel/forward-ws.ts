/**
 * WebSocket upgrades: a fresh verified connection per socket, the request head rewritten like
 * HTTP's, the upstream's answer head rewritten (Location, Set-Cookie, HSTS). A 101 is relayed and
 * then raw bytes are pumped both ways (no frame is ever parsed); any other answer is relayed as
 * the connection's last.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import { TunnelError } from './errors';
import { asPlainText, rawResponse, upstreamErrorAnswer } from './error-page';
import { toTunnelError } from './forward-http';
import { MAX_BUFFERED, pump } from './pump';
import { rewriteRequestHeaders, rewriteResponseHeaders, type RewriteContext } from './rewrite';
import { watchFirstServerMessage } from './first-message';
import type { SetupServerMessage } from './session-manager/dcv-messages';
import type { DialResult } from './types';
import { ResponseReader } from './upstream-http';

export interface UpgradeForwarder {
  rewrite: RewriteContext;
  dial(): Promise<DialResult>;
  /** Upstream sockets are registered here so close() can destroy them. */
  track(socket: TLSSocket): void;
  /** Default 30 000 ms from the request written to the answer head complete. */
  responseTimeoutMs?: number;
  onError(err: TunnelError): void;
  /** The upstream said 101: the socket is a WebSocket from now on. */
  onOpen(): void;
  /** Both sides are gone (only after onOpen). */
  onClose(): void;
  /**
   * The server's first DCV message on a `<base>ws` socket, when it is one (a confirm, or an
   * abort such as AUTHENTICATION_FAILED for an expired token). Only read, never changed.
   */
  onFirstServerMessage?(message: SetupServerMessage): void;
}

const MAX_RESPONSE_HEAD = 64 * 1024;
const HEAD_END = Buffer.from('\r\n\r\n');

export function forwardUpgrade(fw: UpgradeForwarder, req: IncomingMessage, client: Duplex, head: Buffer, upstreamPath: string): void {
  // Nothing is read from the page until the upstream has answered.
  client.pause();
  let clientGone = false;
  client.on('error', () => client.destroy());
  client.once('close', () => (clientGone = true));

  const fail = (e: unknown): void => {
    const err = toTunnelError(e);
    fw.onError(err);
    if (clientGone) return;
    const answer = upstreamErrorAnswer(err, undefined);
    client.end(rawResponse(asPlainText(answer, `${err.code} (${err.step}): ${err.message}`)));
  };

  fw.dial().then((r) => {
    const upstream = r.socket;
    fw.track(upstream);
    if (clientGone) return void upstream.destroy();
    upstream.setNoDelay(true);
    const lines = [`${req.method} ${upstreamPath} HTTP/1.1`];
    const headers = rewriteRequestHeaders(req.rawHeaders, fw.rewrite, { upgrade: true });
    for (let i = 0; i < headers.length; i += 2) lines.push(`${headers[i]}: ${headers[i + 1]}`);
    upstream.write(lines.join('\r\n') + '\r\n\r\n');
    if (head.length > 0) upstream.write(head);
    relayAnswer(fw, client, upstream, upstreamPath, fail, () => clientGone);
  }, fail);
}

function relayAnswer(fw: UpgradeForwarder, client: Duplex, upstream: TLSSocket, upstreamPath: string, fail: (e: unknown) => void, clientGone: () => boolean): void {
  let buffered: Buffer = Buffer.alloc(0);
  let done = false;
  const timeoutMs = fw.responseTimeoutMs ?? 30_000;
  const finish = (e?: unknown): void => {
    if (done) return;
    done = true;
    upstream.removeListener('data', onData);
    upstream.setTimeout(0);
    if (e !== undefined) {
      upstream.destroy();
      fail(e);
    }
  };
  const onData = (chunk: Buffer): void => {
    buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk]);
    const end = buffered.indexOf(HEAD_END);
    if (end < 0) {
      if (buffered.length > MAX_RESPONSE_HEAD) finish(new TunnelError('UPSTREAM_RESET', 'the upstream answered the upgrade with a head larger than 64 KiB'));
      return;
    }
    upstream.pause();
    const parsed = parseResponseHead(buffered.subarray(0, end).toString('latin1'));
    // finish() once: with the error when the head is not HTTP (a second call would be ignored).
    if (!parsed) return void finish(new TunnelError('UPSTREAM_RESET', 'the upstream answered the upgrade with something that is not HTTP/1.1'));
    finish();
    if (clientGone()) return void upstream.destroy();
    if (parsed.status !== 101) return relayRefusal(fw, client, upstream, buffered);
    const out = rewriteResponseHeaders(parsed.headers, fw.rewrite, { upgrade: true });
    const lines = [parsed.statusLine];
    for (let i = 0; i < out.length; i += 2) lines.push(`${out[i]}: ${out[i + 1]}`);
    client.write(lines.join('\r\n') + '\r\n\r\n');
    const rest = buffered.subarray(end + HEAD_END.length);
    if (rest.length > 0) client.write(rest);
    if (fw.onFirstServerMessage && /(^|\/)ws$/.test(upstreamPath.split('?')[0])) {
      const listener = fw.onFirstServerMessage;
      watchFirstServerMessage(upstream, rest, (m) => m && listener(m));
    }
    splice(fw, client, upstream);
  };
  upstream.on('data', onData);
  upstream.setTimeout(timeoutMs, () => finish(new TunnelError('UPSTREAM_TIMEOUT', `the upstream did not answer the WebSocket upgrade within ${Math.round(timeoutMs / 1000)} s`)));
  upstream.once('close', () => finish(new TunnelError('UPSTREAM_RESET', 'the upstream closed the connection before answering the WebSocket upgrade')));
  upstream.on('error', () => {
    /* reported through 'close' (before the answer) or by tearing down the pair (after) */
  });
}

/**
 * Anything but 101 is the last answer on this connection. It is read as HTTP (its body framed
 * by the upstream's Content-Length or chunks), relayed, and then both sockets close: never a
 * pipe, since the page's next bytes would reach the upstream without the path prefix and Host
 * rewrite (through a path router: another agent).
 */
function relayRefusal(fw: UpgradeForwarder, client: Duplex, upstream: TLSSocket, received: Buffer): void {
  // The page's socket stays paused (nothing it sends is read): destroyed once the answer is out.
  const close = (): void => {
    upstream.destroy();
    client.end(() => client.destroy());
  };
  const resume = (): void => void upstream.resume();
  const reader = new ResponseReader(false, {
    head: (h) => {
      const out = rewriteResponseHeaders(h.rawHeaders, fw.rewrite);
      // No Transfer-Encoding or Content-Length promise to keep beyond what arrives: the close ends the body.
      const lines = [`HTTP/1.1 ${h.status} ${h.reason}`];
      for (let i = 0; i < out.length; i += 2) lines.push(`${out[i]}: ${out[i + 1]}`);
      lines.push('Connection: close');
      client.write(lines.join('\r\n') + '\r\n\r\n');
    },
    body: (chunk) => {
      client.write(chunk);
      if (client.writableLength > MAX_BUFFERED) {
        upstream.pause();
        client.once('drain', resume);
      }
    },
    end: close,
  });
  const push = (chunk: Buffer): void => {
    try {
      reader.push(chunk);
    } catch {
      // A body we cannot frame: what was relayed stays, the connection ends.
      close();
    }
  };
  client.once('close', () => upstream.destroy());
  upstream.on('data', push);
  upstream.once('end', () => {
    reader.eof();
    close();
  });
  upstream.once('close', close);
  push(received);
  if (!reader.done) upstream.resume();
}

/** From here on the two sockets are one pipe; either side closing ends both. */
function splice(fw: UpgradeForwarder, client: Duplex, upstream: TLSSocket): void {
  fw.onOpen();
  let closed = 0;
  const onClose = (): void => {
    client.destroy();
    upstream.destroy();
    if (++closed === 2) fw.onClose();
  };
  client.once('close', onClose);
  upstream.once('close', onClose);
  // The desktop's side failing under an open socket (a reset, a keepalive timeout) is news for
  // the UI, which would otherwise learn of the drop only from the page's next request; the page
  // closing its socket, or a clean end, is not.
  let clientGone = false;
  client.once('close', () => (clientGone = true));
  upstream.once('error', (e) => {
    if (!clientGone) fw.onError(toTunnelError(e));
  });
  pump(upstream, client);
  pump(client, upstream);
}

interface ResponseHead {
  status: number;
  statusLine: string;
  headers: string[];
}

function parseResponseHead(text: string): ResponseHead | null {
  const lines = text.split('\r\n');
  const m = /^HTTP\/1\.[01] (\d{3})(?: [^\r\n]*)?$/.exec(lines[0]);
  if (!m) return null;
  const headers: string[] = [];
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    // Obsolete line folding or a nameless line: not something to pass on.
    if (colon <= 0 || line[0] === ' ' || line[0] === '\t') return null;
    headers.push(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
  }
  return { status: Number(m[1]), statusLine: lines[0], headers };
}
