/**
 * The simulator's web client: a page and a script that talk to the server the way the DCV web
 * client does, with DCV's first messages (PAGE_CODEC_JS):
 *
 * - with `?authToken=T#session` in the page URL it skips <base>auth and opens the main
 *   connection (<base>ws, connectionRequest) with that session and token;
 * - without a token it signs in on <base>auth first ('none' authentication by itself; for
 *   'system' it reads the TEST-ONLY `?user=&password=` query parameters, else fails saying so)
 *   and takes the session target named by `#session`, or the first one; none at all is the
 *   SDK's "No session is available";
 * - then one <base>ws socket per channel (channelConnectionRequest with the connection id).
 *
 * Socket URLs are resolved relative to the page, query and fragment dropped, so a router's path
 * prefix is kept and the token never rides in a socket URL. The DOM is what tests read:
 * #status ('connected' | 'failed' | 'disconnected' …), #agent (serverInfo.name once connected),
 * #session, #token-present (the page URL carried a token), #error (an abort's reason name,
 * e.g. "main: connectionAbort AUTHENTICATION_FAILED"), li[data-channel] data-state.
 *
 * For the benchmark, `window.dcvSim.marks` holds epoch-ms timestamps (performance.timeOrigin +
 * performance.now(), comparable across processes on one machine): 'main' and each channel when
 * its socket is confirmed, 'script' when this script starts, 'auth' when the first sign-in on
 * <base>auth is done, 'connected' when all are, 'disconnected' when the main socket is lost.
 * A page whose `window.dcvSim.reconnect` was set to true signs in and opens every socket again
 * after losing its main socket, as the DCV web client does (default off: tests read
 * 'disconnected'); 'reconnected' marks each time all are open again, `attempts` counts tries.
 */
import { PAGE_CODEC_JS } from './page-codec';

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
${PAGE_CODEC_JS}
(() => {
  const C = DcvCodec;
  const CHANNELS = ${JSON.stringify(PAGE_CHANNELS)};
  const PROTOCOL = { major: 1, minor: 0 };
  const $ = (id) => document.getElementById(id);
  const li = (c) => document.querySelector('li[data-channel="' + c + '"]');
  const setState = (c, s) => li(c).setAttribute('data-state', s);
  const setStatus = (s) => { $('status').textContent = s; };
  let failed = false;
  const fail = (why) => { if (failed) return; failed = true; setStatus('failed'); $('error').textContent = why; };
  const sim = window.dcvSim = { marks: {}, reconnect: false, attempts: 0 };
  const mark = (name) => { sim.marks[name] = performance.timeOrigin + performance.now(); };
  mark('script');
  let connectedOnce = false;
  let lost = false;
  /** The sockets of the current connection, by label. */
  let live = {};

  // Like the real client: relative to the page, protocol swapped, so /<agentIP>/ stays in front.
  const wsUrl = (path) => {
    const u = new URL(path, location.href);
    u.protocol = u.protocol === 'http:' ? 'ws:' : 'wss:';
    u.search = ''; u.hash = '';
    return u.href;
  };

  // A socket whose messages queue up, so none is lost between awaits.
  const open = (path, label) => new Promise((resolve, reject) => {
    const ws = new WebSocket(wsUrl(path), 'dcv');
    ws.binaryType = 'arraybuffer';
    const queue = [];
    const waiters = [];
    let opened = false;
    let closedWith = null;
    const sock = {
      ws: ws,
      next: () => queue.length ? Promise.resolve(queue.shift())
        : closedWith ? Promise.reject(new Error(label + ' socket closed before answering (code ' + closedWith + ')'))
        : new Promise((res, rej) => waiters.push({ res: res, rej: rej })),
      onClose: null,
    };
    ws.onopen = () => { opened = true; resolve(sock); };
    ws.onmessage = (ev) => { const w = waiters.shift(); if (w) w.res(ev.data); else queue.push(ev.data); };
    ws.onclose = (ev) => {
      closedWith = ev.code;
      if (!opened) return reject(new Error(label + ' socket closed before it opened (code ' + ev.code + ')'));
      for (const w of waiters.splice(0)) w.rej(new Error(label + ' socket closed before answering (code ' + ev.code + ')'));
      if (sock.onClose) sock.onClose(ev);
    };
  });

  // The first /ws exchange: one request, then a confirm (the socket stays open) or an abort.
  const setup = async (label, request, want) => {
    const sock = await open('ws', label);
    sock.ws.send(request);
    const reply = C.decodeSetupServer(await sock.next());
    if (reply.kind === 'connectionAbort') throw new Error(label + ': connectionAbort ' + C.abortReasonName(reply.reason));
    if (reply.kind !== want) throw new Error(label + ': expected ' + want + ', got ' + reply.kind);
    live[label] = sock;
    sock.onClose = () => {
      if (live[label] !== sock) return; // a socket of an earlier connection
      setState(label, 'closed');
      if (failed) return;
      setStatus('disconnected');
      if (label === 'main' && !lost) { lost = true; mark('disconnected'); if (sim.reconnect) reconnect(0); }
    };
    return { sock: sock, reply: reply };
  };

  // <base>auth: authenticationRequest, authenticationInit, saslStart, authenticationResult.
  const signIn = async (query) => {
    const sock = await open('auth', 'auth');
    try {
      sock.ws.send(C.encodeAuthRequest());
      const init = C.decodeAuthServer(await sock.next());
      if (init.kind !== 'authenticationInit') throw new Error('auth: expected authenticationInit, got ' + init.kind);
      let mechanism = '';
      let authData = new Uint8Array(0);
      if (init.mechanisms.length) {
        // Test-only: a real page would ask the user. The simulator page takes ?user=&password=.
        if (init.mechanisms.indexOf('PLAIN') < 0) throw new Error('auth: no supported mechanism among ' + init.mechanisms.join(', '));
        if (!query.has('user')) throw new Error('auth: this server asks for a user name and password (authentication "' + init.authenticationMode + '"); the simulator page reads them from ?user=&password=');
        mechanism = 'PLAIN';
        authData = new TextEncoder().encode(String.fromCharCode(0) + query.get('user') + String.fromCharCode(0) + (query.get('password') || ''));
      }
      sock.ws.send(C.encodeSaslStart(mechanism, authData));
      const result = C.decodeAuthServer(await sock.next());
      if (result.kind !== 'authenticationResult') throw new Error('auth: expected authenticationResult, got ' + result.kind);
      if (result.resultValue !== 1) throw new Error('auth: ' + (result.resultValue === 2 ? 'REJECT' : 'FAIL') + ' (' + result.retriesLeft + ' retries left)');
      return result.sessionTargets;
    } finally {
      sock.ws.close(1000);
    }
  };

  const query = new URLSearchParams(location.search);
  const wanted = decodeURIComponent(location.hash.slice(1));
  const urlToken = query.get('authToken') || '';

  const connect = async () => {
    sim.attempts++;
    let sessionId = wanted;
    let token = urlToken;
    if (!token) {
      setStatus('authenticating');
      const targets = await signIn(query);
      if (!connectedOnce) mark('auth');
      if (!targets.length) throw new Error('No session is available');
      const target = targets.filter((t) => t.sessionId === wanted)[0] || targets[0];
      sessionId = target.sessionId;
      token = target.authenticationToken;
    }
    setStatus('connecting');
    setState('main', 'connecting');
    let main;
    try {
      main = await setup('main', C.encodeConnectionRequest({
        sessionId: sessionId,
        authenticationToken: token,
        clientInfo: { name: 'dcv-simulator-page', os: navigator.platform || '', arch: '', hostname: location.hostname },
        maxProtocolVersion: PROTOCOL,
      }), 'connectionConfirm');
    } catch (e) { setState('main', 'error'); throw e; }
    setState('main', 'open');
    mark('main');
    $('session').textContent = sessionId;
    $('token-present').textContent = String(Boolean(urlToken));
    $('agent').textContent = (main.reply.serverInfo && main.reply.serverInfo.name) || '';
    await Promise.all(CHANNELS.map(async (c) => {
      setState(c, 'connecting');
      try {
        await setup(c, C.encodeChannelConnectionRequest({
          sessionId: sessionId,
          connectionId: main.reply.connectionId,
          channelName: c,
          authenticationToken: token,
          maxProtocolVersion: PROTOCOL,
        }), 'channelConnectionConfirm');
        setState(c, 'open');
        mark(c);
      } catch (e) { setState(c, 'error'); throw e; }
    }));
    setStatus('connected');
    mark(connectedOnce ? 'reconnected' : 'connected');
    connectedOnce = true;
    lost = false;
  };

  // After a lost main socket: again at once, then after 250 ms, 500 ms … up to 4 s, 20 tries.
  const reconnect = (attempt) => {
    setTimeout(() => {
      setStatus('reconnecting');
      connect().catch(() => {
        // What this try left open goes: the next try starts from nothing.
        const left = live;
        live = {};
        for (const k in left) left[k].ws.close(1000);
        if (attempt + 1 >= 20) return fail('reconnect: gave up after 20 tries');
        reconnect(attempt + 1);
      });
    }, attempt === 0 ? 0 : Math.min(4000, 125 * 2 ** attempt));
  };

  connect().catch((e) => fail(e && e.message ? e.message : String(e)));
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
