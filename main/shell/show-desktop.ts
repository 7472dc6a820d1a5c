/**
 * The one place Electron shows an opened desktop, for Connect and deep links alike (the
 * services call it once per open): a desktop window for 'window' profiles, the system
 * browser for 'browser' ones (given a launch file, never the URL: system-browser.ts).
 */
import type { DesktopOpenRequest, DesktopWindows } from './desktop-windows';
import { checkTunnelLaunch, externalUrl } from './security';
import type { SystemBrowser } from './system-browser';

export async function showDesktop(desktops: Pick<DesktopWindows, 'open'>, request: DesktopOpenRequest, browser: Pick<SystemBrowser, 'openLaunch'>): Promise<void> {
  if (request.openIn === 'window') return void (await desktops.open(request));
  checkTunnelLaunch(request.launchUrl, request.tunnel);
  const url = externalUrl(request.launchUrl);
  if (!url) throw new Error(`the launch URL cannot be handed to the browser: ${request.launchUrl}`);
  // Through a private file: the opener's command line would show the one-time URL to every local user.
  await browser.openLaunch(url);
}
