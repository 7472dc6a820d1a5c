/**
 * Electron's safeStorage (OS-provided key: DPAPI, Keychain, libsecret/kwallet) encrypting
 * secrets into a JSON file of base64 ciphertexts. The object is injected: only main/shell
 * may import electron.
 */
import { readJsonFile, writeJsonFileAtomic } from '../json-file';
import { message } from '../../../tunnel/messages';
import { checkSecretKey, errorMessage, type SecretStore, type SecretsStatus } from './secret-store';

/** Electron's `safeStorage` shape. */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plainText: string): Buffer;
  decryptString(encrypted: Buffer): string;
  /** Linux only in Electron: 'basic_text' | 'gnome_libsecret' | 'kwallet' | 'kwallet5' | 'kwallet6' | 'unknown'. */
  getSelectedStorageBackend?(): string;
}

export type SafeStorageCheck = { usable: true; backend?: string } | { usable: false; why: string };

/**
 * Whether safeStorage really protects anything. On Linux with no keyring Electron falls back
 * to 'basic_text', whose "encryption" is plain text under a hard-coded key: not usable.
 */
export function checkSafeStorage(safeStorage: SafeStorageLike): SafeStorageCheck {
  try {
    if (!safeStorage.isEncryptionAvailable()) return { usable: false, why: 'safeStorage says encryption is not available' };
    const backend = safeStorage.getSelectedStorageBackend?.();
    if (backend === 'basic_text') return { usable: false, why: 'safeStorage uses basic_text (plain text)' };
    const probe = `probe-${Date.now()}`;
    if (safeStorage.decryptString(safeStorage.encryptString(probe)) !== probe) {
      return { usable: false, why: 'safeStorage did not give back what it encrypted' };
    }
    return { usable: true, backend };
  } catch (e) {
    return { usable: false, why: `safeStorage failed: ${errorMessage(e)}` };
  }
}

interface SecretsFile {
  version: 1;
  /** key → base64 of safeStorage.encryptString(value) */
  secrets: Record<string, string>;
}

export class SafeStorageSecretStore implements SecretStore {
  private loaded: Promise<Map<string, string>> | undefined;

  constructor(
    private readonly safeStorage: SafeStorageLike,
    private readonly filePath: string,
    private readonly detail = `Electron safeStorage, encrypted in ${filePath}`,
  ) {}

  async get(key: string): Promise<string | undefined> {
    checkSecretKey(key);
    const cipher = (await this.load()).get(key);
    if (cipher === undefined) return undefined;
    try {
      return this.safeStorage.decryptString(Buffer.from(cipher, 'base64'));
    } catch (e) {
      throw new Error(`could not decrypt secret "${key}" from ${this.filePath} (was it written by another user or machine?): ${errorMessage(e)}`);
    }
  }

  async set(key: string, value: string): Promise<void> {
    checkSecretKey(key);
    const secrets = await this.load();
    secrets.set(key, this.safeStorage.encryptString(value).toString('base64'));
    await this.save(secrets);
  }

  async delete(key: string): Promise<boolean> {
    checkSecretKey(key);
    const secrets = await this.load();
    if (!secrets.delete(key)) return false;
    await this.save(secrets);
    return true;
  }

  status(): SecretsStatus {
    return { backend: 'safeStorage', persistent: true, detail: this.detail, why: message('secrets.why.safeStorage', { file: this.filePath }) };
  }

  private load(): Promise<Map<string, string>> {
    this.loaded ??= readJsonFile(this.filePath).then((raw) => {
      if (raw === undefined) return new Map<string, string>();
      const file = raw as Partial<SecretsFile>;
      if (file.version !== 1 || typeof file.secrets !== 'object' || file.secrets === null) {
        throw new Error(`${this.filePath} is not a secrets file (expected {"version":1,"secrets":{…}})`);
      }
      return new Map(Object.entries(file.secrets).filter((e): e is [string, string] => typeof e[1] === 'string'));
    });
    return this.loaded;
  }

  private save(secrets: Map<string, string>): Promise<void> {
    const file: SecretsFile = { version: 1, secrets: Object.fromEntries(secrets) };
    return writeJsonFileAtomic(this.filePath, file);
  }
}
