/**
 * The OS keychain through keytar (an optionalDependency with a native module: it may not be
 * installed, may not load, and on Linux needs a Secret Service on the session D-Bus).
 */
import { message } from '../../../tunnel/messages';
import { checkSecretKey, errorMessage, keychainKind, keychainName, SERVICE_NAME, withTimeout, type SecretStore, type SecretsStatus } from './secret-store';

/** The part of keytar's API we use. */
export interface KeytarLike {
  getPassword(service: string, account: string): Promise<string | null>;
  setPassword(service: string, account: string, password: string): Promise<void>;
  deletePassword(service: string, account: string): Promise<boolean>;
}

/** Loads the real keytar. Throws (with keytar's own message) when it is missing or its native module fails. */
export async function loadKeytar(): Promise<KeytarLike> {
  const mod = (await import('keytar')) as unknown as KeytarLike & { default?: KeytarLike };
  const keytar = mod.default ?? mod;
  if (typeof keytar.getPassword !== 'function') throw new Error('the keytar module has no getPassword()');
  return keytar;
}

/**
 * Set, get and delete a probe secret. Without a Secret Service keytar throws, or waits for a
 * D-Bus activation that never answers: hence the timeout.
 */
export async function probeKeytar(keytar: KeytarLike, timeoutMs: number): Promise<void> {
  const account = `probe:${process.pid}`;
  const value = `probe-${Date.now()}`;
  const roundTrip = async () => {
    await keytar.setPassword(SERVICE_NAME, account, value);
    const back = await keytar.getPassword(SERVICE_NAME, account);
    await keytar.deletePassword(SERVICE_NAME, account);
    if (back !== value) throw new Error(`the keychain gave back ${back === null ? 'nothing' : 'a different value'} for the probe`);
  };
  await withTimeout(roundTrip(), timeoutMs, `${keychainName()} probe`);
}

/** Generous: a locked keychain may show an unlock prompt the user has to answer. */
const OPERATION_TIMEOUT_MS = 60_000;

export class KeytarSecretStore implements SecretStore {
  constructor(
    private readonly keytar: KeytarLike,
    private readonly detail = `keytar loaded; ${keychainName()} answered`,
  ) {}

  async get(key: string): Promise<string | undefined> {
    const value = await this.call('read', () => this.keytar.getPassword(SERVICE_NAME, checkSecretKey(key)));
    return value ?? undefined;
  }
  async set(key: string, value: string): Promise<void> {
    await this.call('save', () => this.keytar.setPassword(SERVICE_NAME, checkSecretKey(key), value));
  }
  async delete(key: string): Promise<boolean> {
    return this.call('delete', () => this.keytar.deletePassword(SERVICE_NAME, checkSecretKey(key)));
  }
  status(): SecretsStatus {
    return { backend: 'keychain', persistent: true, detail: this.detail, why: message('secrets.why.keychain', { keychain: keychainKind() }) };
  }

  private async call<T>(what: string, op: () => Promise<T>): Promise<T> {
    try {
      return await withTimeout(op(), OPERATION_TIMEOUT_MS, `${keychainName()} ${what}`);
    } catch (e) {
      throw new Error(`could not ${what} a secret in the ${keychainName()}: ${errorMessage(e)}`, { cause: e });
    }
  }
}
