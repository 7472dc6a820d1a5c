import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { needBinaries } from '../../../test/peers/binaries';
import { chooseSecretStore } from './choose';
import { fakeSafeStorage } from './fake-safe-storage';
import { MemorySecretStore } from './memory';
import { loadKeytar, type KeytarLike } from './keytar';
import { SafeStorageSecretStore } from './safe-storage';
import { checkSecretKey, proxySecretKey, tokenSecretKey } from './secret-store';

const ROUND_TRIP = fileURLToPath(new URL('./fixtures/keytar-round-trip.ts', import.meta.url));

const noKeytar = async (): Promise<KeytarLike> => {
  throw new Error("Cannot find module 'keytar'");
};

interface ChildResult {
  status: { backend: string; persistent: boolean; detail: string };
  roundTrip: boolean;
  deleted: boolean;
  afterDelete: string | null;
}

/** Runs `command` with `args` and parses the JSON line the round-trip script prints. */
function runChild(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 50_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (code !== 0 || !line) reject(new Error(`child exited ${code}\nstdout: ${out}\nstderr: ${err}`));
      else resolve(JSON.parse(line) as ChildResult);
    });
  });
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dcv-secrets-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('secret keys', () => {
  it('accepts proxy:<endpointId> and token:<desktopId>, refuses anything else', () => {
    expect(proxySecretKey('ep-1')).toBe('proxy:ep-1');
    expect(tokenSecretKey('desk_2')).toBe('token:desk_2');
    expect(() => checkSecretKey('password')).toThrow(/proxy:<endpointId>/);
    expect(() => tokenSecretKey('../etc')).toThrow(/must look like/);
  });
});

describe('MemorySecretStore', () => {
  it('round-trips and says secrets last until quit', async () => {
    const store = new MemorySecretStore();
    await store.set('token:d1', 'T');
    expect(await store.get('token:d1')).toBe('T');
    expect(await store.delete('token:d1')).toBe(true);
    expect(await store.delete('token:d1')).toBe(false);
    expect(await store.get('token:d1')).toBeUndefined();
    expect(store.status()).toMatchObject({ backend: 'memory', persistent: false });
    expect(store.status().detail).toMatch(/until you quit/);
  });
});

describe('SafeStorageSecretStore', () => {
  it('keeps only ciphertext in its file and reads it back after a restart', async () => {
    const safeStorage = fakeSafeStorage();
    const file = join(dir, 'safe', 'secrets.json');
    const store = new SafeStorageSecretStore(safeStorage, file);
    await store.set('proxy:ep1', 'hunter2-proxy-password');
    await store.set('token:d1', 'gateway-token-value');
    const text = await readFile(file, 'utf8');
    expect(text).not.toContain('hunter2');
    expect(text).not.toContain('gateway-token-value');
    expect(Object.keys(JSON.parse(text).secrets).sort()).toEqual(['proxy:ep1', 'token:d1']);

    const reopened = new SafeStorageSecretStore(safeStorage, file);
    expect(await reopened.get('proxy:ep1')).toBe('hunter2-proxy-password');
    expect(await reopened.delete('proxy:ep1')).toBe(true);
    expect(await new SafeStorageSecretStore(safeStorage, file).get('proxy:ep1')).toBeUndefined();
  });

  it('names the file when a secret cannot be decrypted (another key wrote it)', async () => {
    const file = join(dir, 'other-key.json');
    await new SafeStorageSecretStore(fakeSafeStorage(), file).set('token:d1', 'x');
    await expect(new SafeStorageSecretStore(fakeSafeStorage(), file).get('token:d1')).rejects.toThrow(/could not decrypt secret "token:d1" from .*other-key\.json/);
  });
});

describe('chooseSecretStore without keytar', () => {
  it('uses safeStorage when it encrypts for real', async () => {
    const store = await chooseSecretStore({ loadKeytar: noKeytar, safeStorage: fakeSafeStorage(), filePath: join(dir, 'chosen.json') });
    expect(store.status()).toMatchObject({ backend: 'safeStorage', persistent: true });
    expect(store.status().detail).toMatch(/keytar did not load: Cannot find module 'keytar'; using Electron safeStorage \(gnome_libsecret\)/);
    await store.set('proxy:ep1', 'secret-value-123');
    expect(await readFile(join(dir, 'chosen.json'), 'utf8')).not.toContain('secret-value-123');
  });

  it('treats basic_text as no encryption and keeps secrets in memory, saying why', async () => {
    const file = join(dir, 'basic.json');
    const store = await chooseSecretStore({ loadKeytar: noKeytar, safeStorage: fakeSafeStorage('basic_text'), filePath: file });
    expect(store.status()).toMatchObject({ backend: 'memory', persistent: false });
    expect(store.status().detail).toMatch(/safeStorage uses basic_text \(plain text\): keeping secrets in memory until you quit/);
    await store.set('proxy:ep1', 'p');
    await expect(readFile(file)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('falls back to memory when safeStorage is unavailable or absent', async () => {
    const off = await chooseSecretStore({ loadKeytar: noKeytar, safeStorage: fakeSafeStorage('gnome_libsecret', false), filePath: join(dir, 'x.json') });
    expect(off.status().detail).toMatch(/safeStorage says encryption is not available/);
    const none = await chooseSecretStore({ loadKeytar: noKeytar, filePath: join(dir, 'x.json') });
    expect(none.status()).toMatchObject({ backend: 'memory' });
    expect(none.status().detail).toMatch(/no safeStorage \(not running in Electron\)/);
  });

  it('gives up on a keychain that never answers after the probe timeout', async () => {
    const hanging: KeytarLike = {
      setPassword: () => new Promise(() => undefined),
      getPassword: () => new Promise(() => undefined),
      deletePassword: () => new Promise(() => undefined),
    };
    const store = await chooseSecretStore({ loadKeytar: async () => hanging, safeStorage: fakeSafeStorage(), filePath: join(dir, 'hang.json'), probeTimeoutMs: 200 });
    expect(store.status().backend).toBe('safeStorage');
    expect(store.status().detail).toMatch(/keytar loaded but no .* answered: .*probe timed out after 200 ms/);
  });
});

describe('keytar in this process', () => {
  it('loads (the native module is built)', async () => {
    const keytar = await loadKeytar();
    expect(typeof keytar.setPassword).toBe('function');
  });
});

describe('keytar with no Secret Service on the bus', () => {
  it('falls back to memory, naming the D-Bus failure', async () => {
    const env = { ...process.env, DBUS_SESSION_BUS_ADDRESS: `unix:path=${join(dir, 'no-such-bus')}`, SECRETS_DIR: dir };
    const result = await runChild(process.execPath, ['--import', 'tsx', ROUND_TRIP], env);
    expect(result.status.backend).toBe('memory');
    expect(result.status.detail).toMatch(/keytar loaded but no .*Secret Service.* answered: .+; no safeStorage/);
    expect(result.roundTrip).toBe(true);
    expect(result.afterDelete).toBeNull();
  });
});

describe.skipIf(!needBinaries('dbus-run-session', 'gnome-keyring-daemon'))('keytar against a real Secret Service (gnome-keyring in a private D-Bus session)', () => {
  it('chooses the keychain and round-trips a secret', async () => {
    // A throwaway HOME so the keyring files land in the temp dir, never in the user's keyring.
    const home = await mkdtemp(join(dir, 'home-'));
    const env: NodeJS.ProcessEnv = { ...process.env, HOME: home, XDG_DATA_HOME: join(home, 'data'), XDG_RUNTIME_DIR: home, SECRETS_DIR: home };
    delete env.DBUS_SESSION_BUS_ADDRESS;
    // --unlock reads the login keyring's password from stdin; an empty one leaves no "login"
    // collection (and a prompt nobody can answer), so give it one.
    const script = 'printf %s throwaway-keyring-password | gnome-keyring-daemon --unlock --components=secrets >/dev/null && exec "$0" --import tsx "$1"';
    const result = await runChild('dbus-run-session', ['--', 'sh', '-c', script, process.execPath, ROUND_TRIP], env);
    expect(result.status).toMatchObject({ backend: 'keychain', persistent: true });
    expect(result.status.detail).toMatch(/keytar loaded; .*Secret Service.* answered/);
    expect(result.roundTrip).toBe(true);
    expect(result.deleted).toBe(true);
    expect(result.afterDelete).toBeNull();
  });
});
