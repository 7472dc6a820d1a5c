/**
 * The simulator's web client: a page and a script that talk to the server the way the DCV
 * web client does (auth socket, then a main /ws socket, then one /ws socket per channel),
 * with socket URLs resolved relative to the page so a router's path prefix is kept.
 */
import { MsgType } from './protocol';

/** The channel sockets the page opens after 'main'. */
export const PAGE_CHANNELS = ['display', 'input', 'clipboard', 'audio'] as const;
export const ASSET_COUNT = 40;
const ASSET_BYTES = 100 * 1024;

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

export function pageHtml(agent: string): string {
  const items = ['main', ...PAGE_CHANNELS].map((c) => `<li data-channel="${c}" data-state="pending">${c}</li>`).join('');
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>DCV simulator - ${escapeHtml(agent)}</title><link rel="icon" href="data:,"><style>li::after { content: " (" attr(data-state) ")"; }</style></head>
<body>
<h1>DCV simulator</h1>
<p>agent: <span id="agent">${escapeHtml(agent)}</span></p>
<div id="status">loading</div>
<div id="error"></div>
<p>session: <span id="session"></span>, token present: <span id="token-present"></span></p>
<ul id="channels">${items}</ul>
<script src="client.js"></script>
</body></html>
`;
}

export function clientJs(): string {
  return `'use strict';
(() => {
  const T = ${JSON.stringify(MsgType)};
  const CHANNELS = ${JSON.stringify(PAGE_CHANNELS)};
  const $ = (id) => document.getElementById(id);
  const li = (c) => document.querySelector('li[data-channel="' + c + '"]');
  const setState = (c, s) => li(c).setAttribute('data-state', s);
  const setStatus = (s) => { $('status').textContent = s; };
  let failed = false;
  const fail = (why) => { if (failed) return; failed = true; setStatus('failed'); $('error').textContent = why; };

  // Like the real client: relative to the page, protocol swapped, so /<agentIP>/ stays in front.
  const wsUrl = (path) => {
    const u = new URL(path, location.href);
    u.protocol = u.protocol === 'http:' ? 'ws:' : 'wss:';
    u.search = ''; u.hash = '';
    return u.href;
  };
  const encode = (type, obj) => {
    const body = new TextEncoder().encode(JSON.stringify(obj));
    const buf = new Uint8Array(8 + body.length);
    const dv = new DataView(buf.buffer);
    dv.setUint32(0, type, true);
    dv.setUint32(4, body.length, true);
    buf.set(body, 8);
    return buf;
  };
  const decode = (ab) => {
    const dv = new DataView(ab);
    const type = dv.getUint32(0, true);
    const len = dv.getUint32(4, true);
    return { type, json: () => JSON.parse(new TextDecoder().decode(new Uint8Array(ab, 8, len))) };
  };

  // One request, one JSON reply; the socket stays open unless it is the auth socket.
  const exchange = (path, type, body, replyType, label) => new Promise((resolve, reject) => {
    const ws = new WebSocket(wsUrl(path), 'dcv');
    ws.binaryType = 'arraybuffer';
    let answered = false;
    ws.onopen = () => ws.send(encode(type, body));
    ws.onmessage = (ev) => {
      if (answered) return;
      answered = true;
      const m = decode(ev.data);
      if (m.type !== replyType) return reject(new Error(label + ': unexpected message type ' + m.type));
      resolve({ ws, reply: m.json() });
    };
    ws.onclose = (ev) => {
      if (!answered) reject(new Error(label + ' socket closed before answering (code ' + ev.code + ')'));
      else if (label !== 'auth') { setState(label, 'closed'); if (!failed) setStatus('disconnected'); }
    };
  });

  const sessionId = decodeURIComponent(location.hash.slice(1)) || undefined;
  const authToken = new URLSearchParams(location.search).get('authToken') || undefined;

  (async () => {
    setStatus('authenticating');
    const auth = await exchange('auth', T.AuthRequest, { user: 'sim', authToken }, T.AuthResult, 'auth');
    auth.ws.close(1000);
    if (!auth.reply.ok) throw new Error('auth refused');
    setStatus('connecting');
    setState('main', 'connecting');
    const main = await exchange('ws', T.Hello, { channel: 'main', sessionId, authToken }, T.Ack, 'main');
    setState('main', 'open');
    $('session').textContent = main.reply.sessionId || '';
    $('token-present').textContent = String(main.reply.tokenPresent);
    $('agent').textContent = main.reply.agent;
    await Promise.all(CHANNELS.map(async (c) => {
      setState(c, 'connecting');
      try {
        await exchange('ws', T.Hello, { channel: c }, T.Ack, c);
        setState(c, 'open');
      } catch (e) { setState(c, 'error'); throw e; }
    }));
    setStatus('connected');
  })().catch((e) => fail(e && e.message ? e.message : String(e)));
})();
`;
}

const assetCache = new Map<number, Buffer>();

/** `assets/<n>.js`: ~100 KB of valid, deterministic JavaScript, different for each n. */
export function assetBody(n: number): Buffer {
  let body = assetCache.get(n);
  if (!body) {
    const lines = [`// simulator asset ${n}\n`];
    let size = lines[0].length;
    let x = (n + 1) * 2654435761;
    for (let i = 0; size < ASSET_BYTES; i++) {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      const line = `var a${n}_${i} = "${x.toString(16).padStart(8, '0').repeat(8)}";\n`;
      lines.push(line);
      size += line.length;
    }
    body = Buffer.from(lines.join(''));
    assetCache.set(n, body);
  }
  return body;
}
