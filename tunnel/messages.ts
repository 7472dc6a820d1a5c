/**
 * A user-facing message as data: a stable code and the facts it is about. The app words it in
 * the user's language (renderer/i18n); the CLI and the logs keep their English sentences.
 * Plain data only, so it crosses IPC and the browser-mode socket unchanged.
 */
export type MessageParam = string | number | boolean | null | string[];

export interface Message {
  /** Dotted, stable: "route.env.noProxyMatched", "import.dcv.notIni". The renderer's dictionaries are keyed by it. */
  code: string;
  params?: Record<string, MessageParam>;
}

/** `message('route.direct')`, `message('import.skipped', { count: 3 })`: params without undefined values. */
export function message(code: string, params?: Record<string, MessageParam | undefined>): Message {
  if (!params) return { code };
  const kept: Record<string, MessageParam> = {};
  for (const [k, v] of Object.entries(params)) if (v !== undefined) kept[k] = v;
  return Object.keys(kept).length > 0 ? { code, params: kept } : { code };
}

/** The plain values of an error's details, as message parameters (objects such as certificates are left out). */
export function plainParams(details: Record<string, unknown>): Record<string, MessageParam> {
  const out: Record<string, MessageParam> = {};
  for (const [k, v] of Object.entries(details)) {
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out[k] = v;
    else if (Array.isArray(v) && v.every((x) => typeof x === 'string')) out[k] = v as string[];
  }
  return out;
}
