/**
 * The one place Electron shows an opened desktop, for Connect and deep links alike (the
 * services call it once per open): a desktop window for 'window' profiles, the system
 * browser for 'browser' ones.
 */
import { shell } from 'electron';
import type { DesktopOpenRequest, DesktopWindows } from './desktop-windows';
import { checkTunnelLaunch, externalUrl } from './security';

export async function showDesktop(desktops: Pick<DesktopWindows, 'open'>, request: DesktopOpenRequest): Promise<void> {
  if (request.openIn === 'window') return void (await desktops.open(request));
  checkTunnelLaunch(request.launchUrl, request.tunnel);
  const url = externalUrl(request.launchUrl);
  if (!url) throw new Error(`the launch URL cannot be handed to the browser: ${request.launchUrl}`);
  // eng-disable OPEN_EXTERNAL_JS_CHECK: only the tunnel's own launch URL (checkTunnelLaunch: https://127.0.0.1:<its port>), passed through externalUrl()
  await shell.openExternal(url);
}
