/**
 * The shell's security decisions as pure functions, so each one is unit-tested without
 * Electron: which certificate a desktop window trusts, which permissions and navigations
 * are allowed, which links may leave for the system browser.
 */

/** The launcher's renderer is served from app://launcher/ (a privileged standard scheme, not file://). */
export const APP_SCHEME = 'app';
export const APP_HOST = 'launcher';
export const LAUNCHER_URL = `${APP_SCHEME}://${APP_HOST}/index.html`;

/** The launcher's own page (any hash or query), never another app:// path or host. */
export function isLauncherUrl(url: string): boolean {
  const u = parse(url);
  return u !== undefined && isAppOrigin(u) && (u.pathname === '/index.html' || u.pathname === '/');
}

/** app://launcher, given as an origin or any URL on it. */
export function isAppOrigin(urlOrOrigin: string | URL): boolean {
  const u = typeof urlOrOrigin === 'string' ? parse(urlOrOrigin) : urlOrOrigin;
  return u !== undefined && u.protocol === `${APP_SCHEME}:` && u.host === APP_HOST;
}

/** "https://127.0.0.1:1234" for any URL or origin on it; undefined when not http(s). */
export function httpOrigin(urlOrOrigin: string | undefined): string | undefined {
  const u = urlOrOrigin === undefined ? undefined : parse(urlOrOrigin);
  return u && (u.protocol === 'https:' || u.protocol === 'http:') ? u.origin : undefined;
}

/** Hostnames a tunnel answers on (it listens on 127.0.0.1; its certificate also names localhost). */
const TUNNEL_HOSTNAMES = new Set(['127.0.0.1', 'localhost']);

/** Electron's setCertificateVerifyProc verdicts. */
export const VERIFY_ACCEPT = 0;
export const VERIFY_REJECT = -2;
export const VERIFY_USE_CHROMIUM = -3;

/**
 * A desktop window trusts exactly its tunnel's certificate, for the loopback names only.
 * Another certificate on 127.0.0.1 is refused outright (-2), even one Chromium would accept:
 * nothing else on loopback may stand in for the tunnel. Any other host gets Chromium's own
 * verdict (-3); the window's navigation lock keeps it on the tunnel anyway.
 */
export function tunnelCertificateVerdict(
  request: { hostname: string; certificate: { fingerprint: string } },
  expectedFingerprint: string,
): 0 | -2 | -3 {
  if (!TUNNEL_HOSTNAMES.has(request.hostname.toLowerCase())) return VERIFY_USE_CHROMIUM;
  return expectedFingerprint !== '' && request.certificate.fingerprint === expectedFingerprint ? VERIFY_ACCEPT : VERIFY_REJECT;
}

/** What the DCV web client needs: its clipboard channel and full screen. Nothing else. */
const DESKTOP_PERMISSIONS = new Set(['clipboard-read', 'clipboard-sanitized-write', 'fullscreen']);

/** A desktop window's permission: one of DESKTOP_PERMISSIONS, asked by the tunnel's own origin. */
export function desktopPermissionAllowed(permission: string, requestingUrlOrOrigin: string | undefined, tunnelOrigin: string): boolean {
  return DESKTOP_PERMISSIONS.has(permission) && httpOrigin(requestingUrlOrOrigin) === tunnelOrigin;
}

/**
 * The launcher's permission: nothing, except writing plain text to the clipboard from its own
 * page ("copy diagnosis report"); Chromium sanitises what is written.
 */
export function launcherPermissionAllowed(permission: string, requestingUrlOrOrigin: string | undefined): boolean {
  return permission === 'clipboard-sanitized-write' && requestingUrlOrOrigin !== undefined && isAppOrigin(requestingUrlOrOrigin);
}

/**
 * Where a desktop window's frames may go: the tunnel's own origin, a blob: it made, or an
 * about:blank / about:srcdoc frame (same origin as its parent). Never another site, another
 * tunnel, a data: page (an opaque origin a phishing page could hide in) or a file.
 */
export function frameNavigationAllowed(url: string, tunnelOrigin: string): boolean {
  if (url === 'about:blank' || url === 'about:srcdoc') return true;
  const u = parse(url);
  if (!u) return false;
  if (u.protocol === 'blob:') return httpOrigin(u.pathname) === tunnelOrigin;
  return httpOrigin(url) === tunnelOrigin;
}

/** A link that may be handed to the system browser: http(s), no credentials in it. */
export function externalUrl(url: string): string | undefined {
  const u = parse(url);
  if (!u || (u.protocol !== 'https:' && u.protocol !== 'http:')) return undefined;
  if (u.username || u.password || !u.hostname) return undefined;
  return u.href;
}

/** The tunnel's origin for a launch URL, when both name the same https://127.0.0.1:<port>. */
export function checkTunnelLaunch(launchUrl: string, tunnel: { origin: string; port: number }): string {
  const origin = httpOrigin(tunnel.origin);
  if (origin !== `https://127.0.0.1:${tunnel.port}`) throw new Error(`tunnel origin must be https://127.0.0.1:${tunnel.port}, got "${tunnel.origin}"`);
  if (httpOrigin(launchUrl) !== origin) throw new Error(`launch URL is not on the tunnel's origin ${origin}`);
  return origin;
}

function parse(url: string): URL | undefined {
  try {
    return new URL(url);
  } catch {
    return undefined;
  }
}
