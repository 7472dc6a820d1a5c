/**
 * The renderer bundle (dist/renderer) as both shells serve it: Electron through the app://
 * protocol, browser mode over HTTPS. One place resolves a URL path to a file inside the
 * bundle (never outside it), names its MIME type, and writes the Content-Security-Policy.
 */
import { realpathSync, statSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.ttf': 'font/ttf',
  '.jpg': 'image/jpeg',
  '.gif': 'image/gif',
  '.txt': 'text/plain; charset=utf-8',
};

export interface RendererFile {
  path: string;
  mime: string;
  /** index.html must never be cached: it names the hashed bundles of this build. */
  isIndex: boolean;
}

/**
 * The file for a URL path ("/", "/assets/index-abc.js"), or undefined when the path is
 * malformed, escapes the bundle (.., encoded separators, symlinks out), is not a regular
 * file, or has a type we do not serve.
 */
export function resolveRendererFile(rootDir: string, urlPath: string): RendererFile | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  if (!decoded.startsWith('/') || decoded.includes('\0') || decoded.includes('\\')) return undefined;
  const segments = decoded.split('/').filter((s) => s !== '');
  if (segments.some((s) => s === '.' || s === '..' || s.startsWith('.'))) return undefined;
  const wanted = segments.length === 0 ? 'index.html' : segments.join('/');
  const mime = MIME[extname(wanted).toLowerCase()];
  if (!mime) return undefined;
  try {
    const root = realpathSync(rootDir);
    const real = realpathSync(join(root, wanted));
    const rel = relative(root, real);
    if (rel === '' || rel.startsWith('..' + sep) || rel === '..' || rel.startsWith(sep)) return undefined;
    if (!statSync(real).isFile()) return undefined;
    return { path: real, mime, isIndex: rel === 'index.html' };
  } catch {
    return undefined;
  }
}

/**
 * The renderer's CSP. `connectSrc` adds sources beyond 'self' (browser mode's wss:// API,
 * spelled out because older engines do not count ws(s) as 'self').
 */
export function rendererCsp(connectSrc: string[] = []): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    `connect-src ${["'self'", ...connectSrc].join(' ')}`,
    "img-src 'self' data:",
    "style-src 'self' 'unsafe-inline'",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'none'",
  ].join('; ');
}

/** Headers every renderer response carries, in both shells. */
export function rendererHeaders(file: RendererFile, csp: string): Record<string, string> {
  return {
    'Content-Type': file.mime,
    'Content-Security-Policy': csp,
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Resource-Policy': 'same-origin',
    // Browser mode: Chromium keeps a tab opened by window.open in its opener's renderer process
    // when both are the same site — and for 127.0.0.1 the port does not count, so every desktop
    // tab (a tunnel on 127.0.0.1:<port>) shared the launcher's main thread: a render of a long
    // desktop list held up the desktop page's loading and sockets, and a busy desktop page
    // would freeze the launcher. Origin-keyed, the launcher gets a process of its own.
    'Origin-Agent-Cluster': '?1',
    // Vite's hashed assets may be cached; index.html (which names them) never.
    'Cache-Control': file.isIndex ? 'no-store' : 'no-cache',
  };
}
