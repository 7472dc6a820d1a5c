/**
 * Picks the safest secret storage that works on this machine: the OS keychain (keytar), then
 * Electron's safeStorage, then memory. The status detail says why, so the UI can tell the
 * user where their proxy password went.
 */
import { message } from '../../../tunnel/messages';
import { MemorySecretStore } from './memory';
import { KeytarSecretStore, probeKeytar, type KeytarLike } from './keytar';
import { checkSafeStorage, SafeStorageSecretStore, type SafeStorageLike } from './safe-storage';
import { errorMessage, keychainKind, keychainName, type SecretStore } from './secret-store';

export interface ChooseSecretStoreOptions {
  /** Usually `loadKeytar` from ./keytar; throws when keytar is missing or does not load. */
  loadKeytar: () => Promise<KeytarLike>;
  /** Electron's safeStorage; absent outside Electron (CLI, browser mode). */
  safeStorage?: SafeStorageLike;
  /** Where safeStorage's ciphertexts go. */
  filePath: string;
  /** How long the keychain probe may take before we give up on it (default 2000 ms). */
  probeTimeoutMs?: number;
}

export async function chooseSecretStore(opts: ChooseSecretStoreOptions): Promise<SecretStore> {
  const reasons: string[] = [];

  let keytar: KeytarLike | undefined;
  try {
    keytar = await opts.loadKeytar();
  } catch (e) {
    reasons.push(`keytar did not load: ${errorMessage(e)}`);
  }
  if (keytar) {
    try {
      await probeKeytar(keytar, opts.probeTimeoutMs ?? 2000);
      return new KeytarSecretStore(keytar, `keytar loaded; ${keychainName()} answered`);
    } catch (e) {
      reasons.push(`keytar loaded but no ${keychainName()} answered: ${errorMessage(e)}`);
    }
  }

  if (opts.safeStorage) {
    const check = checkSafeStorage(opts.safeStorage);
    if (check.usable) {
      const via = check.backend && check.backend !== 'unknown' ? ` (${check.backend})` : '';
      reasons.push(`using Electron safeStorage${via}, encrypted in ${opts.filePath}`);
      return new SafeStorageSecretStore(opts.safeStorage, opts.filePath, reasons.join('; '));
    }
    reasons.push(check.why);
  } else {
    reasons.push('no safeStorage (not running in Electron)');
  }

  return new MemorySecretStore(reasons.join('; '), message(opts.safeStorage ? 'secrets.why.memory' : 'secrets.why.memoryNoElectron', { keychain: keychainKind() }));
}
