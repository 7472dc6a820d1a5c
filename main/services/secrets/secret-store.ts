/**
 * Where proxy passwords and gateway tokens live. Never in the catalogue, never sent to the
 * renderer: only `status()` crosses, so the UI can say how safe the storage is.
 */
import type { SecretsStatus } from '../../../preload/contract/api';

export type { SecretsStatus };

export interface SecretStore {
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string): Promise<void>;
  /** True when something was there. */
  delete(key: string): Promise<boolean>;
  status(): SecretsStatus;
}

/** The keytar service name (the "where" shown in Keychain Access / Seahorse / Credential Manager). */
export const SERVICE_NAME = 'dcv-launcher';

const KEY = /^(proxy|token|broker):[A-Za-z0-9_-]{1,64}$/;

/** Keys are `proxy:<endpointId>`, `token:<desktopId>` and `broker:<sourceId>`; anything else is a programming error. */
export function checkSecretKey(key: string): string {
  if (!KEY.test(key)) throw new Error(`secret key "${key}" must look like proxy:<endpointId>, token:<desktopId> or broker:<sourceId>`);
  return key;
}

export const proxySecretKey = (endpointId: string): string => checkSecretKey(`proxy:${endpointId}`);
export const tokenSecretKey = (desktopId: string): string => checkSecretKey(`token:${desktopId}`);
/** A Session Manager source's Broker client password. */
export const brokerSecretKey = (sourceId: string): string => checkSecretKey(`broker:${sourceId}`);

/** What keytar talks to on this platform: a code in messages (the renderer names it in the user's language). */
export type KeychainKind = 'macos' | 'windows' | 'secret-service';

export function keychainKind(platform: NodeJS.Platform = process.platform): KeychainKind {
  return platform === 'darwin' ? 'macos' : platform === 'win32' ? 'windows' : 'secret-service';
}

const KEYCHAIN_NAMES: Record<KeychainKind, string> = {
  macos: 'macOS Keychain',
  windows: 'Windows Credential Manager',
  'secret-service': 'Secret Service (GNOME Keyring / KWallet)',
};

/** The platform's name for what keytar talks to, for English details and logs. */
export function keychainName(platform: NodeJS.Platform = process.platform): string {
  return KEYCHAIN_NAMES[keychainKind(platform)];
}

/** Rejects with `what timed out after N ms` when `promise` does not settle in time (a D-Bus call can hang). */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
    timer.unref?.();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
