import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { appResponse } from './app-protocol';
import { findDeepLink, parseDeepLink } from './deep-link';
import {
  checkTunnelLaunch,
  desktopPermissionAllowed,
  externalUrl,
  isLauncherUrl,
  launcherPermissionAllowed,
  tunnelCertificateVerdict,
} from './security';

vi.mock('electron', () => import('../testing/electron-fake'));

const FP = 'sha256/' + 'A'.repeat(43) + '=';
const cert = (hostname: string, fingerprint: string) => ({ hostname, certificate: { fingerprint } });

describe('tunnelCertificateVerdict', () => {
  it("accepts only the tunnel's fingerprint, for the loopback names", () => {
    expect(tunnelCertificateVerdict(cert('127.0.0.1', FP), FP)).toBe(0);
    expect(tunnelCertificateVerdict(cert('localhost', FP), FP)).toBe(0);
  });
  it('refuses another certificate on 127.0.0.1 outright (-2), even one Chromium might accept', () => {
    expect(tunnelCertificateVerdict(cert('127.0.0.1', 'sha256/' + 'B'.repeat(43) + '='), FP)).toBe(-2);
    expect(tunnelCertificateVerdict(cert('127.0.0.1', ''), '')).toBe(-2);
  });
  it("leaves other hosts to Chromium's verdict (-3), even with the tunnel's certificate", () => {
    expect(tunnelCertificateVerdict(cert('vpce-1.example.com', FP), FP)).toBe(-3);
    expect(tunnelCertificateVerdict(cert('127.0.0.2', FP), FP)).toBe(-3);
    expect(tunnelCertificateVerdict(cert('127.0.0.1.nip.io', FP), FP)).toBe(-3);
  });
});

describe('permissions', () => {
  const origin = 'https://127.0.0.1:40001';
  it('desktop windows: clipboard and full screen from the tunnel origin only', () => {
    for (const p of ['clipboard-read', 'clipboard-sanitized-write', 'fullscreen']) {
      expect(desktopPermissionAllowed(p, `${origin}/page`, origin), p).toBe(true);
      expect(desktopPermissionAllowed(p, origin, origin), p).toBe(true);
      expect(desktopPermissionAllowed(p, 'https://127.0.0.1:40002/', origin), p).toBe(false);
      expect(desktopPermissionAllowed(p, undefined, origin), p).toBe(false);
    }
    for (const p of ['media', 'geolocation', 'notifications', 'openExternal', 'display-capture', 'hid']) {
      expect(desktopPermissionAllowed(p, origin, origin), p).toBe(false);
    }
  });
  it('the launcher: only a clipboard text write from app://launcher', () => {
    expect(launcherPermissionAllowed('clipboard-sanitized-write', 'app://launcher/index.html')).toBe(true);
    expect(launcherPermissionAllowed('clipboard-sanitized-write', 'app://launcher')).toBe(true);
    expect(launcherPermissionAllowed('clipboard-read', 'app://launcher/index.html')).toBe(false);
    expect(launcherPermissionAllowed('media', 'app://launcher/index.html')).toBe(false);
    expect(launcherPermissionAllowed('clipboard-sanitized-write', 'https://evil.example/')).toBe(false);
  });
});

describe('URLs', () => {
  it("recognises the launcher's own page only", () => {
    expect(isLauncherUrl('app://launcher/index.html')).toBe(true);
    expect(isLauncherUrl('app://launcher/index.html#troubleshoot')).toBe(true);
    expect(isLauncherUrl('app://launcher/')).toBe(true);
    expect(isLauncherUrl('app://launcher/other.html')).toBe(false);
    expect(isLauncherUrl('app://evil/index.html')).toBe(false);
    expect(isLauncherUrl('file:///index.html')).toBe(false);
    expect(isLauncherUrl('https://launcher/index.html')).toBe(false);
    expect(isLauncherUrl('not a url')).toBe(false);
  });
  it('hands only http(s) links without credentials to the system browser', () => {
    expect(externalUrl('https://docs.aws.amazon.com/dcv/')).toBe('https://docs.aws.amazon.com/dcv/');
    expect(externalUrl('http://example.com')).toBe('http://example.com/');
    for (const bad of ['file:///etc/passwd', 'javascript:alert(1)', 'smb://host/share', 'https://user:pw@example.com/', 'ms-msdt:/id', '']) {
      expect(externalUrl(bad), bad).toBeUndefined();
    }
  });
  it("checks a launch URL is on its tunnel's origin", () => {
    expect(checkTunnelLaunch('https://127.0.0.1:40001/__launch/t', { origin: 'https://127.0.0.1:40001', port: 40001 })).toBe('https://127.0.0.1:40001');
    expect(() => checkTunnelLaunch('https://127.0.0.1:40002/__launch/t', { origin: 'https://127.0.0.1:40001', port: 40001 })).toThrow(/not on the tunnel/);
    expect(() => checkTunnelLaunch('https://example.com/', { origin: 'https://example.com', port: 443 })).toThrow(/must be https:\/\/127.0.0.1/);
  });
});

describe('deep links', () => {
  it('parses dcv-launcher://connect/<profileId>', () => {
    expect(parseDeepLink('dcv-launcher://connect/prof-1')).toEqual({ profileId: 'prof-1' });
    expect(parseDeepLink('dcv-launcher://connect/prof_1/')).toEqual({ profileId: 'prof_1' });
    for (const bad of ['dcv-launcher://open/prof-1', 'dcv-launcher://connect/', 'dcv-launcher://connect/a/b', 'dcv-launcher://connect/%2e%2e', 'https://connect/prof-1', 'dcv-launcher://connect/' + 'x'.repeat(65)]) {
      expect(parseDeepLink(bad), bad).toBeUndefined();
    }
  });
  it('finds the link among Chromium switches in argv', () => {
    expect(findDeepLink(['/opt/DCV Launcher/dcv-launcher', '--allow-file-access-from-files', 'dcv-launcher://connect/p1'])).toBe('dcv-launcher://connect/p1');
    expect(findDeepLink(['electron', '.'])).toBeUndefined();
  });
});

describe('app:// protocol', () => {
  const dir = mkdtempSync(join(tmpdir(), 'app-protocol-'));
  const root = join(dir, 'renderer');
  mkdirSync(join(root, 'assets'), { recursive: true });
  writeFileSync(join(root, 'index.html'), '<!doctype html>');
  writeFileSync(join(root, 'assets', 'a.js'), '1');
  writeFileSync(join(dir, 'secret.js'), 'secret');
  symlinkSync(join(dir, 'secret.js'), join(root, 'assets', 'link.js'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('serves the bundle with the CSP and nosniff, index.html uncached', () => {
    const index = appResponse(root, 'app://launcher/index.html', 'GET');
    expect(index.status).toBe(200);
    if (index.status !== 200) return;
    expect(index.headers['Content-Security-Policy']).toBe(
      "default-src 'self'; script-src 'self'; connect-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'",
    );
    expect(index.headers['X-Content-Type-Options']).toBe('nosniff');
    expect(index.headers['Cache-Control']).toBe('no-store');
    expect(appResponse(root, 'app://launcher/', 'GET')).toMatchObject({ status: 200, path: index.path });
    expect(appResponse(root, 'app://launcher/assets/a.js', 'GET')).toMatchObject({ status: 200, headers: { 'Content-Type': 'text/javascript; charset=utf-8' } });
  });
  it('never serves outside the bundle, other hosts, or other methods', () => {
    for (const url of ['app://launcher/../secret.js', 'app://launcher/%2e%2e/secret.js', 'app://launcher/assets%2f..%2f..%2fsecret.js', 'app://launcher/assets/link.js', 'app://other/index.html', 'app://launcher/assets/missing.js']) {
      expect(appResponse(root, url, 'GET').status, url).toBe(404);
    }
    expect(appResponse(root, 'app://launcher/index.html', 'POST').status).toBe(405);
  });
});
