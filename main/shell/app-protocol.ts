/**
 * app://launcher/ — the launcher's renderer, served from dist/renderer by a privileged custom
 * scheme rather than file://: a real origin for 'self' in the CSP and for the IPC sender
 * check, CSP and nosniff headers on every file, and nothing outside the bundle reachable.
 */
import { readFile } from 'node:fs/promises';
import { protocol } from 'electron';
import { rendererCsp, rendererHeaders, resolveRendererFile } from '../renderer-files';
import { APP_HOST, APP_SCHEME } from './security';

/** Must run before app 'ready'. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
}

/** Serves the bundle on the default session (the launcher's); desktop partitions never see app://. */
export function serveApp(rendererDir: string): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const answer = appResponse(rendererDir, request.url, request.method);
    if (answer.status !== 200) return new Response(answer.status === 405 ? 'method not allowed' : 'not found', { status: answer.status });
    return new Response(await readFile(answer.path), { status: 200, headers: answer.headers });
  });
}

export type AppAnswer = { status: 200; path: string; headers: Record<string, string> } | { status: 404 | 405 };

/** What app://… answers: pure, so it is tested without Electron. */
export function appResponse(rendererDir: string, url: string, method: string): AppAnswer {
  if (method !== 'GET') return { status: 405 };
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return { status: 404 };
  }
  if (u.protocol !== `${APP_SCHEME}:` || u.host !== APP_HOST) return { status: 404 };
  const file = resolveRendererFile(rendererDir, u.pathname);
  if (!file) return { status: 404 };
  return { status: 200, path: file.path, headers: rendererHeaders(file, rendererCsp()) };
}
