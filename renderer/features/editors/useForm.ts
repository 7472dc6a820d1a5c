/**
 * Form state for the editors: string fields, a candidate object checked against the model's
 * zod schema on every change, and the server's own field errors from a failed save.
 * Errors show once the user tried to save — then every field's at once, and live as they are
 * fixed — never when an untouched field loses focus: a message appearing under a field on blur
 * moves the buttons, and the click on Cancel that caused the blur would miss.
 */
import { useState } from 'react';
import type { z } from 'zod';
import type { ApiError, Result } from '../../../preload/contract/api';
import { fieldErrors, translateServerFields } from '../../i18n/validation';
import { useT } from '../../i18n/useT';

export interface FormOptions {
  /** desktop.save answers with paths under "desktop.": strip it to match the form's paths. */
  serverPathPrefix?: string;
  /** The error paths the form shows next to a field. */
  fieldPaths?: string[];
}

export function useForm<V extends object, Out>(initial: V, schema: z.ZodType<Out>, toCandidate: (values: V) => unknown, options: FormOptions = {}) {
  const t = useT();
  const [values, setValues] = useState(initial);
  const [submitted, setSubmitted] = useState(false);
  const [server, setServer] = useState<{ message?: string; fields: Record<string, string> }>({ fields: {} });
  const [busy, setBusy] = useState(false);

  const parsed = schema.safeParse(toCandidate(values));
  const client = parsed.success ? {} : fieldErrors(t, parsed.error);

  function error(path: string): string | undefined {
    return under(server.fields, path) ?? (submitted ? under(client, path) : undefined);
  }

  function set<K extends keyof V>(key: K, value: V[K]): void {
    setValues((v) => ({ ...v, [key]: value }));
    setServer({ fields: {} });
  }

  function serverError(error: ApiError): void {
    const prefix = options.serverPathPrefix;
    const fields = Object.fromEntries(
      Object.entries(error.fields ?? {}).map(([k, v]) => [prefix && k.startsWith(prefix) ? k.slice(prefix.length) : k, v]),
    );
    setServer({ message: error.message, fields: translateServerFields(t, fields) });
  }

  /** Validates, saves, and keeps the server's errors when the save fails. Resolves true when saved. */
  async function submit(save: (value: Out) => Promise<Result<unknown>>): Promise<boolean> {
    setSubmitted(true);
    if (!parsed.success) return false;
    setBusy(true);
    try {
      const result = await save(parsed.data);
      if (result.ok) return true;
      serverError(result.error);
      return false;
    } finally {
      setBusy(false);
    }
  }

  // Errors on paths the form has no field for are listed at the top, so none goes unseen.
  const shown = options.fieldPaths ?? [];
  const unplaced = submitted
    ? Object.entries({ ...client, ...server.fields }).filter(([k]) => !shown.some((path) => covers(path, k))).map(([k, v]) => `${k}: ${v}`)
    : [];

  return {
    values,
    set,
    error,
    submit,
    serverError,
    busy,
    serverMessage: server.message,
    unplaced,
  };
}

export type Form<Out> = ReturnType<typeof useForm<object, Out>>;

/** A field at "tags" shows the error of "tags.3". */
function covers(path: string, key: string): boolean {
  return key === path || key.startsWith(path + '.');
}
function under(errors: Record<string, string>, path: string): string | undefined {
  return errors[path] ?? Object.entries(errors).find(([k]) => covers(path, k))?.[1];
}

export function newId(name: string): string {
  const slug = name
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40);
  const suffix = Math.random().toString(36).slice(2, 8);
  return `${slug || 'item'}-${suffix}`;
}

/** Digits as Japanese keyboards type them (full-width "４１７７３") count as digits. */
export function toNumber(s: string): number | undefined {
  const text = s.normalize('NFKC').trim();
  return text === '' ? undefined : Number(text);
}

export function optional(s: string): string | undefined {
  return s.trim() === '' ? undefined : s;
}
