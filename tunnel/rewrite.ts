/**
 * Pure header and path rewriting between the local origin (https://127.0.0.1:<port>/…) and the
 * upstream (https://<endpoint>:<port><pathPrefix>…). No I/O here, so every rule is table-tested.
 *
 * Two promises hold for any input: a local path never reaches outside the upstream prefix, and
 * no header value we emit carries a CR, LF or other control character.
 */

export interface RewriteContext {
  /** Upstream path prefix, starts and ends with "/". */
  pathPrefix: string;
  /** The Host header sent upstream: "host" or "host:port". */
  upstreamHost: string;
  /** The Origin sent upstream (and the base of rewritten Referers), e.g. "https://vpce-…:8443". */
  upstreamOrigin: string;
  /** host:port pairs (lower-case host) that mean "the upstream" in a Location header. */
  upstreamAuthorities: ReadonlySet<string>;
  /** Where rewritten absolute Locations point, e.g. "https://127.0.0.1:50123". */
  localOrigin: string;
  /** Every origin the page may use for us (127.0.0.1 and localhost forms), lower-case. */
  localOrigins: ReadonlySet<string>;
  /**
   * This tunnel's cookie name prefix ("dcvl_t<random>_"). Every 127.0.0.1 port shares one
   * cookie jar, so the upstream's cookies are stored under it, and only cookies carrying it
   * go up (without it): the launcher's and other tunnels' cookies never do, and no name the
   * upstream sets can land on theirs.
   */
  cookieTag: string;
}

export interface RewriteContextInput {
  upstream: { host: string; port: number; pathPrefix: string };
  hostHeader?: string;
  origin?: string;
  localOrigin: string;
  localOrigins: Iterable<string>;
  cookieTag: string;
}

export function createRewriteContext(input: RewriteContextInput): RewriteContext {
  const { host, port, pathPrefix } = input.upstream;
  if (!/^\/(?:.*\/)?$/.test(pathPrefix)) throw new Error(`pathPrefix must start and end with "/": ${JSON.stringify(pathPrefix)}`);
  const bracketed = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  const upstreamHost = input.hostHeader ?? (port === 443 ? bracketed : `${bracketed}:${port}`);
  assertHeaderValue('hostHeader', upstreamHost);
  if (!/^[A-Za-z0-9_]+_$/.test(input.cookieTag)) throw new Error(`cookieTag must be letters, digits and "_", ending in "_": ${JSON.stringify(input.cookieTag)}`);
  const upstreamOrigin = input.origin ?? `https://${upstreamHost}`;
  assertHeaderValue('origin', upstreamOrigin);
  const authorities = new Set<string>([authority(bracketed, port)]);
  for (const url of [`https://${upstreamHost}`, upstreamOrigin]) {
    const parsed = tryUrl(url);
    if (parsed) authorities.add(authorityOf(parsed));
  }
  return {
    pathPrefix,
    upstreamHost,
    upstreamOrigin,
    upstreamAuthorities: authorities,
    localOrigin: input.localOrigin,
    localOrigins: new Set([...input.localOrigins].map((o) => o.toLowerCase())),
    cookieTag: input.cookieTag,
  };
}

// ---------------------------------------------------------------------------------------------
// Paths

export type TargetMapping = { ok: true; path: string } | { ok: false; reason: string };

/** Any byte a request line or header must not carry, as Node's own check (plus space and DEL for paths). */
const BAD_TARGET_CHAR = /[^\x21-\x7e\x80-\xff]/;
const BAD_HEADER_CHAR = /[^\t\x20-\x7e\x80-\xff]/;

/**
 * Local request target → upstream request target under the prefix.
 * Browsers resolve dot segments and never send encoded slashes, so anything that could walk
 * out of the prefix ("..", "%2e%2e", "%2F", "\\", an absolute-URL target) is refused, not fixed.
 */
export function mapRequestTarget(target: string, pathPrefix: string): TargetMapping {
  if (!target.startsWith('/')) return { ok: false, reason: 'the request target must be a path starting with "/"' };
  if (BAD_TARGET_CHAR.test(target)) return { ok: false, reason: 'the request target contains a control, space or non-Latin-1 character' };
  const q = target.indexOf('?');
  const path = q < 0 ? target : target.slice(0, q);
  const query = q < 0 ? '' : target.slice(q);
  if (path.includes('#')) return { ok: false, reason: 'the request target contains a fragment' };
  if (path.includes('\\')) return { ok: false, reason: 'the path contains a backslash' };
  if (/%(?![0-9a-fA-F]{2})/.test(path)) return { ok: false, reason: 'the path contains a malformed percent-escape' };
  if (/%(?:2f|5c|00)/i.test(path)) return { ok: false, reason: 'the path contains an encoded slash, backslash or NUL' };
  for (const segment of path.split('/')) {
    // "..;x" is ".." to some servers (path parameters), so look at the part before ";".
    const name = segment.split(';', 1)[0].replace(/%2e/gi, '.');
    if (name === '.' || name === '..') return { ok: false, reason: 'the path contains a dot segment' };
  }
  return { ok: true, path: pathPrefix + path.slice(1) + query };
}

/** Upstream path → local path, or null when it lies outside the prefix. */
export function localPathFor(upstreamPath: string, pathPrefix: string): string | null {
  if (pathPrefix === '/') return upstreamPath.startsWith('/') ? upstreamPath : null;
  if (upstreamPath.startsWith(pathPrefix)) return '/' + upstreamPath.slice(pathPrefix.length);
  if (upstreamPath === pathPrefix.slice(0, -1)) return '/';
  return null;
}

// ---------------------------------------------------------------------------------------------
// Single header values

/** A Location (or Content-Location) from the upstream, as the page must see it. */
export function rewriteLocation(value: string, ctx: RewriteContext): string {
  if (value.startsWith('/') && !value.startsWith('//') && !value.startsWith('/\\')) {
    const cut = value.search(/[?#]/);
    const path = cut < 0 ? value : value.slice(0, cut);
    const local = localPathFor(path, ctx.pathPrefix);
    return local === null ? value : local + (cut < 0 ? '' : value.slice(cut));
  }
  const isNetworkPath = value.startsWith('//');
  if (!isNetworkPath && !/^https?:/i.test(value)) return value; // relative: the browser resolves it against the mirrored path
  const url = tryUrl(value, 'https://base.invalid');
  if (!url || !ctx.upstreamAuthorities.has(authorityOf(url))) return value; // somewhere else: leave it
  const local = localPathFor(url.pathname, ctx.pathPrefix);
  if (local === null) return value;
  return ctx.localOrigin + local + url.search + url.hash;
}

/**
 * A Set-Cookie from the upstream as the page's jar keeps it: the name under this tunnel's tag,
 * Domain dropped, Path mapped, HttpOnly added (pages of other tunnels share the jar: their
 * scripts must not read it). null to drop the cookie.
 */
export function rewriteSetCookie(value: string, ctx: RewriteContext): string | null {
  const parts = value.split(';');
  const pair = parts[0].trim();
  const eq = pair.indexOf('=');
  // A nameless cookie ("=v" or "v") has nothing to put the tag on.
  if (eq <= 0 || pair.slice(0, eq).trim() === '') return null;
  const out = [ctx.cookieTag + pair];
  let httpOnly = false;
  for (const raw of parts.slice(1)) {
    const attr = raw.trim();
    if (attr === '') continue;
    const aeq = attr.indexOf('=');
    const key = (aeq < 0 ? attr : attr.slice(0, aeq)).trim().toLowerCase();
    if (key === 'domain') continue;
    if (key === 'httponly') httpOnly = true;
    if (key === 'path') {
      const path = aeq < 0 ? '' : attr.slice(aeq + 1).trim();
      const local = cookiePathToLocal(path, ctx.pathPrefix);
      if (local === null) return null; // a path we can never send through this prefix
      out.push(`Path=${local}`);
      continue;
    }
    out.push(attr);
  }
  if (!httpOnly) out.push('HttpOnly');
  return out.join('; ');
}

function cookiePathToLocal(path: string, pathPrefix: string): string | null {
  if (!path.startsWith('/')) return '/'; // RFC 6265: an invalid Path means the default; "/" is the safe local root
  const local = localPathFor(path, pathPrefix);
  if (local !== null) return local;
  // A path above the prefix ("/" for "/10.0.0.1/") covers the whole local space.
  const matches = pathPrefix.startsWith(path) && (path.endsWith('/') || pathPrefix[path.length] === '/');
  return matches ? '/' : null;
}

/** The page's Referer as the upstream would have seen it; null (drop it) when it is not ours. */
export function rewriteReferer(value: string, ctx: RewriteContext): string | null {
  const url = tryUrl(value);
  if (!url || !ctx.localOrigins.has(url.origin.toLowerCase())) return null;
  const mapped = mapRequestTarget(url.pathname + url.search, ctx.pathPrefix);
  return mapped.ok ? ctx.upstreamOrigin + mapped.path : null;
}

// ---------------------------------------------------------------------------------------------
// Header lists (flat [name, value, name, value, …] as Node's rawHeaders)

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade']);

function isHopByHop(lower: string, listed: Set<string>): boolean {
  return HOP_BY_HOP.has(lower) || lower.startsWith('proxy-') || listed.has(lower);
}

/** Header names the Connection header lists: they are hop-by-hop too. */
function connectionListed(raw: readonly string[]): Set<string> {
  const listed = new Set<string>();
  for (let i = 0; i < raw.length; i += 2) {
    if (raw[i].toLowerCase() !== 'connection') continue;
    for (const token of raw[i + 1].split(',')) {
      const t = token.trim().toLowerCase();
      // Never let a Connection token remove what we set ourselves.
      if (t && t !== 'host' && t !== 'upgrade') listed.add(t);
    }
  }
  return listed;
}

export interface HeaderOptions {
  /** A WebSocket (or other) upgrade: keep Upgrade and send "Connection: Upgrade". */
  upgrade?: boolean;
}

/** Request headers from the page → headers for the upstream. */
export function rewriteRequestHeaders(raw: readonly string[], ctx: RewriteContext, options: HeaderOptions = {}): string[] {
  const listed = connectionListed(raw);
  const out: string[] = ['Host', ctx.upstreamHost];
  let chunked = false;
  let upgradeValue: string | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i];
    const lower = name.toLowerCase();
    let value: string | null = raw[i + 1];
    if (lower === 'transfer-encoding') chunked = true;
    if (lower === 'upgrade') upgradeValue ??= value;
    if (lower === 'host' || isHopByHop(lower, listed)) continue;
    if (lower === 'origin') value = ctx.upstreamOrigin;
    else if (lower === 'referer') value = rewriteReferer(value, ctx);
    else if (lower === 'cookie') value = ownCookies(value, ctx.cookieTag);
    push(out, name, value);
  }
  if (chunked) {
    // The body is re-framed as chunked, which overrides any Content-Length (RFC 9112 §6.3).
    for (let i = out.length - 2; i >= 0; i -= 2) if (out[i].toLowerCase() === 'content-length') out.splice(i, 2);
  }
  if (options.upgrade && upgradeValue !== undefined) {
    push(out, 'Connection', 'Upgrade');
    push(out, 'Upgrade', upgradeValue);
  } else if (chunked) {
    out.push('Transfer-Encoding', 'chunked');
  }
  return out;
}

/** Response headers from the upstream → headers for the page. */
export function rewriteResponseHeaders(raw: readonly string[], ctx: RewriteContext, options: HeaderOptions = {}): string[] {
  const listed = connectionListed(raw);
  const out: string[] = [];
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i];
    const lower = name.toLowerCase();
    let value: string | null = raw[i + 1];
    if (options.upgrade && (lower === 'connection' || lower === 'upgrade')) {
      push(out, name, value);
      continue;
    }
    if (isHopByHop(lower, listed)) continue;
    // HSTS would pin 127.0.0.1 to HTTPS for every port; Alt-Svc would send the browser elsewhere.
    if (lower === 'strict-transport-security' || lower === 'alt-svc') continue;
    if (lower === 'location' || lower === 'content-location') value = rewriteLocation(value, ctx);
    else if (lower === 'set-cookie') value = rewriteSetCookie(value, ctx);
    push(out, name, value);
  }
  return out;
}

/** The cookies this tunnel's upstream set (stored under the tag), without the tag; null when none. */
function ownCookies(header: string, tag: string): string | null {
  if (!header.includes(tag)) return null;
  let out = '';
  for (const part of header.split(';')) {
    const cookie = part.trim();
    if (!cookie.startsWith(tag) || cookie.length === tag.length || cookie[tag.length] === '=') continue;
    out += (out ? '; ' : '') + cookie.slice(tag.length);
  }
  return out || null;
}

/** The last line of defence against header injection: a value with a control character is dropped. */
function push(out: string[], name: string, value: string | null): void {
  if (value === null || BAD_HEADER_CHAR.test(value) || BAD_HEADER_CHAR.test(name)) return;
  out.push(name, value);
}

function assertHeaderValue(what: string, value: string): void {
  if (value === '' || BAD_HEADER_CHAR.test(value)) throw new Error(`${what} must be a non-empty header value without control characters`);
}

// ---------------------------------------------------------------------------------------------

function tryUrl(value: string, base?: string): URL | null {
  try {
    return new URL(value, base);
  } catch {
    return null;
  }
}

function authority(host: string, port: number): string {
  return `${host.toLowerCase()}:${port}`;
}

function authorityOf(url: URL): string {
  const port = url.port !== '' ? Number(url.port) : url.protocol === 'http:' ? 80 : 443;
  return authority(url.hostname, port);
}
