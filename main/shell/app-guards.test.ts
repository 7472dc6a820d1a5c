/**
 * The shell's app-wide safety nets, on the recording Electron fake: no page ever gets a TLS
 * client certificate from the user's store (Electron would otherwise hand over the first one by
 * itself, identifying the user to whatever site asked), and a webContents made without its own
 * handlers can neither attach a <webview> nor open a window.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { app, FakeWebContents, navigationEvent, resetFake } from '../testing/electron-fake';
import { guardApp } from './app-guards';

vi.mock('electron', () => import('../testing/electron-fake'));

beforeEach(() => resetFake());

describe('app-wide guards', () => {
  it('a site asking for a client certificate gets none, whatever the store holds', () => {
    const store = [{ subjectName: 'CN=Taro Yamada, O=Corp' }, { subjectName: 'CN=Smart card' }];
    expect(app.selectClientCertificate('https://evil.example/', store)).toEqual(store[0]); // Electron's own default
    guardApp(app as never);
    expect(app.selectClientCertificate('https://evil.example/', store)).toBeUndefined();
    expect(app.selectClientCertificate('https://127.0.0.1:40001/', store)).toBeUndefined();
  });

  it('any new webContents refuses webviews and window.open unless it sets its own handlers', () => {
    guardApp(app as never);
    const contents = new FakeWebContents();
    app.emit('web-contents-created', {}, contents);
    const attach = navigationEvent('https://evil.example/');
    contents.emit('will-attach-webview', attach);
    expect(attach.defaultPrevented).toBe(true);
    expect(contents.windowOpenHandler!({ url: 'https://evil.example/' })).toEqual({ action: 'deny' });
  });
});
