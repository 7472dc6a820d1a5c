/**
 * Connect and deep links in the Electron shell, through the real services and the simulator:
 * each open is shown exactly once, in a desktop window or the system browser as its profile
 * says. Electron itself is the recording fake (no Electron binary here).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Channel, LauncherServices, OpenResult, Request, Responses, Result } from '../../preload/contract/api';
import { startSimulator, type Simulator } from '../../test/sim/simulator';
import { dispatch } from '../dispatch';
import { createLauncherServices } from '../services/app';
import type { KeytarLike } from '../services/secrets/keytar';
import { resolveDeepLink } from './deep-link';
import { DesktopWindows } from './desktop-windows';
import { BrowserWindow, resetFake, shell } from '../testing/electron-fake';
import { showDesktop } from './show-desktop';
import { LaunchFiles } from '../launch-file';
import { SystemBrowser } from './system-browser';

vi.mock('electron', () => import('../testing/electron-fake'));

type Opened = Extract<OpenResult, { kind: 'opened' }>;

let sim: Simulator;
let dir: string;
let services: LauncherServices;
let desktops: DesktopWindows;
let browser: SystemBrowser;
const call = async <C extends Channel>(channel: C, request: Request<C>): Promise<Responses[C]> => {
  const r = (await dispatch(services.handlers, channel, request)) as Result<Responses[C]>;
  if (!r.ok) throw new Error(`${channel}: ${r.error.code} ${r.error.message}`);
  return r.value;
};
const shownFailures: unknown[] = [];

beforeAll(async () => {
  sim = await startSimulator({ name: 'agent-E' });
  dir = mkdtempSync(join(tmpdir(), 'dcv-shell-'));
  services = await createLauncherServices({
    dataDir: dir,
    certDir: join(dir, 'certs'),
    env: {},
    loadKeytar: async (): Promise<KeytarLike> => {
      throw new Error('no keytar in this test');
    },
    // As main.ts wires it.
    openDesktop: (request) => void showDesktop(desktops, request, browser).catch((e) => shownFailures.push(e)),
  });
  browser = new SystemBrowser({ dataDir: dir, files: new LaunchFiles(), defaultBrowserSnap: async () => undefined });
  desktops = new DesktopWindows(services, { browser });
  await call('endpoint.save', { id: 'ep', name: 'ep', host: sim.host, proxy: { mode: 'direct' }, tls: { mode: 'pin' } });
  await call('desktop.save', { desktop: { id: 'd1', name: 'one', endpointId: 'ep', route: { kind: 'port', port: sim.port } } });
  for (const openIn of ['window', 'browser', 'dcv-file'] as const) await call('profile.save', { id: openIn, name: openIn, desktopId: 'd1', openIn });
  const inspection = await call('trust.inspect', { desktopId: 'd1' });
  await call('trust.accept', { key: inspection.key, fingerprint: inspection.presented.fingerprint256, persist: false });
});
afterAll(async () => {
  desktops?.dispose();
  browser?.dispose();
  await services?.close();
  await sim?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => resetFake());

const connect = async (profileId: string) => (await call('connection.open', { desktopId: 'd1', profileId })) as Opened;
/**
 * What the system browser was handed: a file:// URL another local user cannot read in its
 * command line, of a 0600 file in a 0700 folder that redirects to the launch URL.
 */
function handedFile(launchUrl: string | undefined): string {
  expect(shell.openExternal).toHaveBeenCalledTimes(1);
  const [opened] = shell.openExternal.mock.calls[0];
  expect(opened).not.toContain('__launch');
  expect(opened).toMatch(/^file:\/\//);
  const path = fileURLToPath(opened);
  if (process.platform !== 'win32') {
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(dirname(path)).mode & 0o777).toBe(0o700);
  }
  expect(readFileSync(path, 'utf8')).toContain(`<meta http-equiv="refresh" content="0;url=${launchUrl}">`);
  return path;
}

/** Lets a wrongly late second open show itself before the counts are read. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 50));

describe('showing an opened desktop in Electron', () => {
  it("a 'browser' profile hands the system browser a private file that redirects to the launch URL (never the URL itself), once, and no window; the file goes at quit", async () => {
    const r = await connect('browser');
    expect(r).toMatchObject({ kind: 'opened', openIn: 'browser' });
    await vi.waitFor(() => expect(shell.openExternal).toHaveBeenCalled());
    await settle();
    const file = handedFile(r.launchUrl);
    expect(BrowserWindow.created).toHaveLength(0);
    browser.dispose();
    expect(existsSync(file)).toBe(false);
  });

  it("a 'window' profile opens one desktop window on the launch URL, and no browser", async () => {
    const r = await connect('window');
    await vi.waitFor(() => expect(BrowserWindow.created).toHaveLength(1));
    expect(BrowserWindow.created[0].webContents.loadURL).toHaveBeenCalledWith(r.launchUrl);
    await settle();
    expect(BrowserWindow.created).toHaveLength(1);
    expect(shell.openExternal).not.toHaveBeenCalled();
  });

  it('a deep link to a browser profile, opened by the Connect it asks for, opens the browser exactly once', async () => {
    const target = await resolveDeepLink(services.handlers, 'browser');
    expect(target).toEqual({ kind: 'connect', request: { desktopId: 'd1', profileId: 'browser' } });
    // What the launcher window's Connect sends for 'connect.request'.
    const r = target.kind === 'connect' ? ((await call('connection.open', target.request)) as Opened) : undefined;
    expect(r).toMatchObject({ kind: 'opened', openIn: 'browser' });
    await vi.waitFor(() => expect(shell.openExternal).toHaveBeenCalled());
    await settle();
    handedFile(r?.launchUrl);
    expect(BrowserWindow.created).toHaveLength(0);
  });

  it('a deep link to a profile the catalogue does not have opens nothing', async () => {
    expect(await resolveDeepLink(services.handlers, 'nope')).toEqual({ kind: 'no-profile', profileId: 'nope' });
  });

  it('a .dcv profile shows nothing (the file is the answer)', async () => {
    const r = await connect('dcv-file');
    expect(r.dcvFile?.fileName).toBe('one.dcv');
    await settle();
    expect(shell.openExternal).not.toHaveBeenCalled();
    expect(BrowserWindow.created).toHaveLength(0);
    expect(shownFailures).toEqual([]);
  });

  it('refuses to hand the browser anything but the tunnel\'s own launch URL', async () => {
    const tunnel = { port: 40001, origin: 'https://127.0.0.1:40001', fingerprint: 'fp', spkiHash: 'spki' };
    const open = vi.fn();
    for (const launchUrl of ['https://evil.example/__launch/x', 'https://127.0.0.1:40002/__launch/x', 'https://u:p@127.0.0.1:40001/__launch/x']) {
      await expect(showDesktop({ open }, { desktopId: 'd', openIn: 'browser', launchUrl, tunnel }, browser), launchUrl).rejects.toThrow();
    }
    expect(shell.openExternal).not.toHaveBeenCalled();
    expect(open).not.toHaveBeenCalled();
  });
});
