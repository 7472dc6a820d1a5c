/**
 * Who may use the tunnel: only the window the launcher opened.
 *
 * The launcher hands that window a one-time launch URL; visiting it trades the token for a
 * session cookie. Everything else needs the cookie, the right Host (against DNS rebinding)
 * and, for WebSockets, our own Origin (cookies ride along on cross-site WebSocket upgrades).
 * Every page on 127.0.0.1 (any port) is "same-site" to us and its requests carry our cookie,
 * SameSite=Strict or not: what the browser says about a request's origin decides the rest.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export const LAUNCH_PATH_PREFIX = '/__launch/';
export const DEFAULT_LAUNCH_TOKEN_TTL_MS = 60_000;

export interface AccessGateOptions {
  /** The address the listener is bound to, e.g. "127.0.0.1". */
  listenHost: string;
  port: number;
  launchTokenTtlMs?: number;
  /** Clock for tests. */
  now?: () => number;
}

export class AccessGate {
  /**
   * Cookies ignore ports, so two tunnels on 127.0.0.1 share a jar: the port in the name keeps
   * one tunnel's session from overwriting another's.
   */
  readonly cookieName: string;
  readonly allowedHosts: ReadonlySet<string>;
  readonly allowedOrigins: ReadonlySet<string>;
  private readonly sessionValue: string;
  private readonly sessionBytes: Buffer;
  /** sha256(token) → expiry (ms). Only digests are kept, so a lookup leaks nothing about the tokens. */
  private readonly launchTokens = new Map<string, number>();
  private readonly ttlMs: number;
  private readonly now: () => number;

  constructor(options: AccessGateOptions) {
    this.ttlMs = options.launchTokenTtlMs ?? DEFAULT_LAUNCH_TOKEN_TTL_MS;
    this.now = options.now ?? Date.now;
    this.cookieName = `dcvl_session_${options.port}`;
    this.sessionValue = randomBytes(32).toString('base64url');
    this.sessionBytes = Buffer.from(this.sessionValue);
    const names = new Set([options.listenHost.toLowerCase(), 'localhost']);
    this.allowedHosts = new Set([...names].map((n) => `${n}:${options.port}`));
    this.allowedOrigins = new Set([...this.allowedHosts].map((h) => `https://${h}`));
  }

  /** A fresh single-use token, valid for the TTL. */
  createLaunchToken(): string {
    const now = this.now();
    for (const [key, expires] of this.launchTokens) if (expires <= now) this.launchTokens.delete(key);
    const token = randomBytes(32).toString('base64url');
    this.launchTokens.set(digest(token).toString('hex'), now + this.ttlMs);
    return token;
  }

  /** True exactly once for a token that was issued and has not expired. */
  redeemLaunchToken(token: string): boolean {
    const key = digest(token).toString('hex');
    const expires = this.launchTokens.get(key);
    if (expires === undefined) return false;
    this.launchTokens.delete(key);
    return expires > this.now();
  }

  /** The Set-Cookie value that grants a session. */
  sessionSetCookie(): string {
    return `${this.cookieName}=${this.sessionValue}; Path=/; HttpOnly; Secure; SameSite=Strict`;
  }

  hasSession(cookieHeader: string | undefined): boolean {
    if (!cookieHeader) return false;
    let found = false;
    for (const [name, value] of cookiePairs(cookieHeader)) {
      // Compare every candidate, not just the first: a stale cookie may sit next to the good one.
      // Constant time over the value; only its length (public: always 43) decides early.
      if (name !== this.cookieName) continue;
      const bytes = Buffer.from(value);
      if (bytes.length === this.sessionBytes.length && timingSafeEqual(bytes, this.sessionBytes)) found = true;
    }
    return found;
  }

  hostAllowed(host: string | undefined): boolean {
    return host !== undefined && this.allowedHosts.has(host.toLowerCase());
  }

  originAllowed(origin: string | undefined): boolean {
    return origin !== undefined && this.allowedOrigins.has(origin.toLowerCase());
  }

  /**
   * Why a request from another origin is refused, or undefined when it may go on. Browsers say
   * where a request comes from: Origin (on every request but a GET or HEAD of a plain page or
   * resource) and Sec-Fetch-Site/-Mode (current Chromium, Firefox, Safari).
   *  - A method that may change something (not GET, HEAD, OPTIONS) only from our own origin.
   *  - GET, HEAD and OPTIONS from elsewhere only as a navigation (a link, the launcher opening a
   *    tab or a redirect): another page may not load or read ours with our cookie
   *    (an <img>/<script>, fetch, a CORS preflight).
   * A request that says nothing (no Origin, no Sec-Fetch-Site) is not from a web page: a
   * browser would have said, and non-browser programs were never held off by Origin.
   */
  crossOriginRefusal(method: string | undefined, headers: Readonly<Record<string, string | string[] | undefined>>): string | undefined {
    const origin = headerValue(headers.origin);
    const site = headerValue(headers['sec-fetch-site'])?.toLowerCase();
    const foreignOrigin = origin !== undefined && !this.originAllowed(origin);
    const foreignSite = site !== undefined && site !== 'same-origin' && site !== 'none';
    if (!foreignOrigin && !foreignSite) return undefined;
    const from = foreignOrigin ? `origin ${origin}` : `a ${site} page`;
    if (!SAFE_METHODS.has(method ?? '')) return `A ${method} request from ${from} was refused: only the desktop's own page may change something.`;
    if (headerValue(headers['sec-fetch-mode'])?.toLowerCase() !== 'navigate') return `A request from ${from} was refused: another page may not load this one's resources.`;
    return undefined;
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

function* cookiePairs(header: string): Generator<[string, string]> {
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    yield [part.slice(0, eq).trim(), part.slice(eq + 1).trim()];
  }
}
