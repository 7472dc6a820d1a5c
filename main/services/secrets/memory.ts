import { message, type Message } from '../../../tunnel/messages';
import { checkSecretKey, keychainName, type SecretStore, type SecretsStatus } from './secret-store';

/** The last resort: secrets last until the app quits, and the status says so. */
export class MemorySecretStore implements SecretStore {
  private readonly secrets = new Map<string, string>();

  constructor(
    private readonly reasons = 'no keychain or encrypted storage available',
    /** Why, as data: no keychain answered (and, in browser mode and the CLI, no Electron safeStorage either). */
    private readonly because: Message = message('secrets.why.memory', { keychain: keychainName() }),
  ) {}

  async get(key: string): Promise<string | undefined> {
    return this.secrets.get(checkSecretKey(key));
  }
  async set(key: string, value: string): Promise<void> {
    this.secrets.set(checkSecretKey(key), value);
  }
  async delete(key: string): Promise<boolean> {
    return this.secrets.delete(checkSecretKey(key));
  }
  status(): SecretsStatus {
    return { backend: 'memory', persistent: false, detail: `${this.reasons}: keeping secrets in memory until you quit`, why: this.because };
  }
}
