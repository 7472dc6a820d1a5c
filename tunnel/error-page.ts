/**
 * The small answers the tunnel writes itself: upstream failures (502/504 naming the step and
 * the code), access refusals (403/421), bad request targets (400). Self-contained HTML, no
 * external resources, never cached.
 */
import { STATUS_CODES } from 'node:http';
import type { TunnelError, TunnelErrorCode } from './errors';

export interface ErrorAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

const PAGE_HEADERS = {
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
  'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'",
};

/**
 * What the user can do about the proxy's answers, in Japanese first (the app's language) and
 * English: the page is the only thing a desktop window shows when the proxy refuses.
 */
const PAGE_ADVICE: Partial<Record<TunnelErrorCode, { ja: string; en: string }>> = {
  PROXY_AUTH_REQUIRED: {
    ja: 'プロキシがユーザー名とパスワードを求めているか、送ったものを受け付けませんでした。ランチャーでもう一度接続し、尋ねられたら入力してください。',
    en: 'The proxy asks for a user name and password, or refused the ones sent. Connect again from the launcher and enter them when asked.',
  },
  PROXY_CREDENTIALS_REFUSED: {
    ja: 'プロキシはこのユーザー名とパスワードを一度拒否しました。アカウントがロックされないよう、入力し直すまで再送しません。ランチャーでもう一度接続し、パスワードを入力し直してください。',
    en: 'The proxy refused this user name and password once. So that the account is not locked, they are not sent again until you enter them again: connect again from the launcher and re-enter the password.',
  },
  PROXY_URL_UNENCODED: {
    ja: 'プロキシの URL のユーザー名かパスワードに「/」「?」「#」がそのまま書かれています。%2F、%3F、%23 のようにパーセントエンコードしてください。',
    en: 'The user name or password in the proxy URL holds "/", "?" or "#" as it is: write them percent-encoded (%2F, %3F, %23).',
  },
};

/**
 * Why the tunnel refused a request, for the page's Japanese line (the English `message` says
 * it in detail, for logs and English readers).
 */
export type RefusalReason = 'host' | 'elsewhere' | 'signed-out' | 'link-used' | 'target' | 'websocket';

const REFUSAL_JA: Record<RefusalReason, string> = {
  host: 'このトンネルは 127.0.0.1 と localhost の名前でしか開けません。DCV Launcher からデスクトップを開き直してください。',
  elsewhere: 'ほかのページからの要求なので断りました。デスクトップは DCV Launcher が開いたウィンドウで使ってください。',
  'signed-out': 'このトンネルは DCV Launcher が開いたウィンドウ専用です。DCV Launcher からデスクトップを開き直してください。',
  'link-used': 'この起動リンクは使用済みか、有効期限が切れています。DCV Launcher からデスクトップを開き直してください。',
  target: '要求のパスが正しくないため断りました。',
  websocket: 'この WebSocket 接続は断りました。DCV Launcher が開いたウィンドウからだけ接続できます。',
};

export function statusForError(err: TunnelError): 502 | 504 {
  return err.code === 'TCP_TIMEOUT' || err.code === 'UPSTREAM_TIMEOUT' ? 504 : 502;
}

/** An upstream failure as the page sees it: HTML, or JSON when the caller asked for JSON. */
export function upstreamErrorAnswer(err: TunnelError, accept: string | undefined): ErrorAnswer {
  const status = statusForError(err);
  if (accept && /\bapplication\/json\b/i.test(accept)) {
    const body = JSON.stringify({ error: { code: err.code, step: err.step, message: err.message } });
    return { status, headers: { ...PAGE_HEADERS, 'Content-Type': 'application/json' }, body };
  }
  const advice = PAGE_ADVICE[err.code];
  const step = `<b>${escapeHtml(err.step)}</b>`;
  const code = `<code>${escapeHtml(err.code)}</code>`;
  const body = page(
    `デスクトップに接続できません — ${status} ${STATUS_CODES[status]}`,
    [
      `トンネルからデスクトップに届きませんでした（段階: ${step}、コード: ${code}）。` +
        (advice ? escapeHtml(advice.ja) : 'DCV Launcher の「トラブルシューティング」で原因と対処を確かめられます。'),
      `The tunnel could not reach the desktop (step: ${step}, code: ${code}).` + (advice ? ` ${escapeHtml(advice.en)}` : ''),
    ],
    err.message,
  );
  return { status, headers: { ...PAGE_HEADERS, 'Content-Type': 'text/html; charset=utf-8' }, body };
}

/** A refusal by the tunnel itself (403, 421, 400, …): Japanese first, the English detail below. */
export function refusalAnswer(status: number, reason: RefusalReason, message: string): ErrorAnswer {
  return {
    status,
    headers: { ...PAGE_HEADERS, 'Content-Type': 'text/html; charset=utf-8' },
    body: page(`開けません — ${status} ${STATUS_CODES[status] ?? ''}`.trim(), [escapeHtml(REFUSAL_JA[reason]), 'DCV Launcher local tunnel'], message),
  };
}

/** A whole HTTP/1.1 response for a raw socket (refused or failed WebSocket upgrades). */
export function rawResponse(answer: ErrorAnswer): string {
  const headers = { ...answer.headers, 'Content-Length': String(Buffer.byteLength(answer.body)), Connection: 'close' };
  const head = Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('');
  return `HTTP/1.1 ${answer.status} ${STATUS_CODES[answer.status] ?? ''}\r\n${head}\r\n${answer.body}`;
}

/** Plain text for upgrade answers: a WebSocket client shows no HTML anyway. */
export function asPlainText(answer: ErrorAnswer, text: string): ErrorAnswer {
  return { status: answer.status, headers: { ...PAGE_HEADERS, 'Content-Type': 'text/plain; charset=utf-8' }, body: text + '\n' };
}

/** `lead`: the Japanese paragraph, then the English one (both already HTML). */
function page(title: string, [ja, en]: [string, string], detail: string): string {
  return `<!doctype html>
<html lang="ja"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>body{font:15px/1.5 system-ui,sans-serif;margin:3em auto;max-width:40em;padding:0 1em;color:#222}h1{font-size:1.3em}pre{white-space:pre-wrap;background:#f4f4f4;padding:.7em}</style>
</head><body><h1>${escapeHtml(title)}</h1><p>${ja}</p><p lang="en">${en}</p><pre lang="en">${escapeHtml(detail)}</pre></body></html>
`;
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
