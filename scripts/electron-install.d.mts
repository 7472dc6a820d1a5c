// Types for electron-install.mjs (plain JS: it runs before anything is built).
export declare const INSTALL_TIMEOUT_MS: number;
export declare const RETRY_AFTER_MS: number;
export declare const FAILURE_FILE: string;

export declare function electronBinary(packageDir: string, env?: NodeJS.ProcessEnv): string | undefined;

export interface EnsureElectronOptions {
  /** Electron's install.js; its folder is the electron package, where the binary goes. */
  installer: string;
  /** Retry even if it failed recently. */
  force?: boolean;
  timeoutMs?: number;
  retryAfterMs?: number;
  /** How often to say it is still downloading. */
  tickMs?: number;
  now?: () => number;
  env?: NodeJS.ProcessEnv;
  log?: (line: string) => void;
}

export type EnsureElectronResult = { path: string; message?: undefined } | { path: undefined; message: string };

export declare function ensureElectron(options: EnsureElectronOptions): Promise<EnsureElectronResult>;

export declare function bilingual(ja: string, en: string): string;
