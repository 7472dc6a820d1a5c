/** Results as the contract carries them: services answer with these, never throw across it. */
import type { ApiError, ApiErrorCode, Result } from '../../preload/contract/api';

export type ApiFail = { ok: false; error: ApiError };

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });

export const fail = (code: ApiErrorCode, message: string, fields?: Record<string, string>): ApiFail => ({
  ok: false,
  error: { code, message, ...(fields ? { fields } : {}) },
});

/** An exception's message, for a result's English text and logs. */
export const errorText = (e: unknown): string => (e instanceof Error ? e.message : String(e));
