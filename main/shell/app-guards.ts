/**
 * App-wide safety nets, registered once at start (main.ts):
 * - No TLS client certificate is ever offered. Without a 'select-client-certificate' handler
 *   Electron answers a server's certificate request with the first certificate of the user's
 *   store by itself, identifying the user (a smart card, a corporate identity) to whatever site
 *   asked. The tunnels and DCV never ask; preventing the default and calling back with nothing
 *   continues the handshake without one (Electron's documented semantics).
 * - A webContents made without its own handlers (DevTools, a future window) can neither attach a
 *   <webview> nor open a window.
 */
import type { App } from 'electron';

export function guardApp(app: Pick<App, 'on'>): void {
  app.on('select-client-certificate', (event, _contents, _url, _certificates, callback) => {
    event.preventDefault();
    callback();
  });
  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  });
}
