/**
 * A launch URL opened from another site — the launcher's private launch file (file://), see
 * main/launch-file.ts — is answered with a small page that goes on to the desktop (or the
 * launcher) itself, instead of a redirect. Browsers withhold SameSite=Strict cookies from every
 * request of a navigation that started on another site, redirects included: after a 302 the
 * session cookie just set would be missing and the page refused. The page's own navigation is
 * same-origin, so the cookie rides along. A launch from the same site (a tab the browser-mode
 * launcher opened, a typed URL) keeps the plain 302.
 */
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';

/** Sec-Fetch-Site says the navigation came from another site (a file:// page is one). */
export function launchedCrossSite(headers: IncomingHttpHeaders): boolean {
  return headers['sec-fetch-site'] === 'cross-site';
}

/** Status, headers and body of the page that continues to `location` (a path on this origin, or its full URL). */
export function launchLanding(location: string, setCookie: string | undefined): { status: 200; headers: OutgoingHttpHeaders; body: string } {
  const attribute = location.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const body =
    '<!doctype html><html><head><meta charset="utf-8"><meta name="referrer" content="no-referrer">' +
    `<meta http-equiv="refresh" content="0;url=${attribute}"><title>DCV Launcher</title></head><body></body></html>`;
  return {
    status: 200,
    headers: {
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Length': String(Buffer.byteLength(body)),
      'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'",
      'X-Content-Type-Options': 'nosniff',
      'X-Frame-Options': 'DENY',
      'Cache-Control': 'no-store',
      'Referrer-Policy': 'no-referrer',
      ...(setCookie ? { 'Set-Cookie': setCookie } : {}),
    },
    body,
  };
}
