import { checkSecretKey, type SecretStore, type SecretsStatus } from './secret-store';

/** The last resort: secrets last until the app quits, and the status says so. */
export class MemorySecretStore implements SecretStore {
  private readonly secrets = new Map<string, string>();

  constructor(private readonly why = 'no keychain or encrypted storage available') {}

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
    return { backend: 'memory', persistent: false, detail: `${this.why}: keeping secrets in memory until you quit` };
  }
}
