export * from './secret-store';
export { MemorySecretStore } from './memory';
export { KeytarSecretStore, loadKeytar, probeKeytar, type KeytarLike } from './keytar';
export { SafeStorageSecretStore, checkSafeStorage, type SafeStorageLike } from './safe-storage';
export { chooseSecretStore, type ChooseSecretStoreOptions } from './choose';
