/**
 * The one contract between the renderer and main. Electron's preload bridge and the
 * browser-mode WebSocket bridge both implement `LauncherApi`, so the renderer cannot tell
 * them apart. Requests are zod schemas (main validates every payload at run time);
 * responses are types (main is trusted to produce them).
 */
import { z } from 'zod';
import type { CertificateSummary, TunnelErrorCode } from '../../tunnel/errors';
import type { Diagnosis, DiagnosisStep, TunnelStats } from '../../tunnel/types';
import { Desktop, Endpoint, Id, Profile, Settings, type Catalogue } from './model';
import { CHANNELS, EVENT_NAMES } from './names';

export { CHANNELS, EVENT_NAMES };

// ---- results -------------------------------------------------------------------------------

export type ApiErrorCode = 'INVALID_INPUT' | 'NOT_FOUND' | 'CONFLICT' | 'FORBIDDEN' | 'STORE_ERROR' | 'INTERNAL';
export interface ApiError {
  code: ApiErrorCode;
  message: string;
  /** Field-level messages, keyed by dotted path ("route.port"). */
  fields?: Record<string, string>;
}
export type Result<T> = { ok: true; value: T } | { ok: false; error: ApiError };

// ---- views ---------------------------------------------------------------------------------

export interface StoreProblem {
  /** The broken file, moved aside and kept. */
  file: string;
  movedTo: string;
  /** "line 12: Unexpected token" or "desktops.3.route.port: must be 1–65535". */
  message: string;
  /** 'memory': the file was broken by another program while the launcher ran; the launcher's copy was saved. */
  restoredFrom: 'backup' | 'empty' | 'memory';
}

export interface CatalogueView {
  catalogue: Catalogue;
  /** Set when the store file was broken at start-up: nothing was overwritten. */
  problem: StoreProblem | null;
  /** desktopId → state of the last diagnosis or connection attempt, for the status dot. */
  health: Record<string, { status: 'ok' | 'warn' | 'fail'; code: string; at: string }>;
  /** desktopIds that have a stored gateway token (tokens themselves never cross). */
  desktopsWithToken: string[];
}

export type TrustState = 'untrusted' | 'trusted' | 'changed';
export interface TrustEntry {
  /** "host:port" of the endpoint as the tunnel reaches it. */
  key: string;
  fingerprints: string[];
  certificate: CertificateSummary;
  trustedAt: string;
}
export interface TrustInspection {
  key: string;
  state: TrustState;
  presented: CertificateSummary;
  chain: CertificateSummary[];
  /** Present when state is 'trusted' or 'changed'. */
  trusted?: TrustEntry;
  /** Certificate ends within 30 days (or has ended). */
  expiresSoon: boolean;
  namesEndpoint: boolean;
}

export interface SecretsStatus {
  backend: 'keychain' | 'safeStorage' | 'memory';
  persistent: boolean;
  /** Why this backend: "keytar loaded; Secret Service answered", "no keychain: kept in memory until you quit". */
  detail: string;
}

export type ConnectionState =
  | { kind: 'connecting'; step: string }
  | { kind: 'open' }
  | { kind: 'reconnecting'; attempt: number; lastError: { code: TunnelErrorCode; message: string } }
  | { kind: 'failed'; code: string; message: string }
  | { kind: 'closed' };

export interface ConnectionInfo {
  desktopId: string;
  profileId?: string;
  port: number;
  origin: string;
  state: ConnectionState;
  stats: TunnelStats;
  openedAt: string;
}

export type OpenResult =
  | { kind: 'opened'; connection: ConnectionInfo; launchUrl: string; openIn: 'window' | 'browser' | 'dcv-file'; dcvFile?: { fileName: string; text: string } }
  | { kind: 'needs-trust'; inspection: TrustInspection }
  | { kind: 'certificate-changed'; inspection: TrustInspection }
  | { kind: 'needs-proxy-credentials'; endpointId: string; proxy: string; username?: string; reason: 'missing' | 'rejected' }
  | { kind: 'failed'; code: string; step: string; message: string; hint?: string };

export interface ProxyExplanation {
  url: string;
  /** The route the launcher will use, and why. */
  effective: { route: string; reason: string };
  sources: Array<{ source: 'profile' | 'env' | 'system'; says: string; matched?: string }>;
  /**
   * What a plain browser on this machine would do: "curl works but the browser doesn't".
   * why: the reason in a few words that do not repeat the route ("the system proxy settings say so").
   */
  plainBrowser: { route: string; reason: string; wouldIntercept: boolean; why?: string };
}

export interface ImportPreview {
  format: 'json' | 'dcv' | 'ports';
  endpoints: Endpoint[];
  desktops: Desktop[];
  profiles: Profile[];
  /** Things to know before applying: "token dropped from export", "row 4 skipped: port 70000". */
  warnings: string[];
}

// ---- requests --------------------------------------------------------------------------------

const IdOnly = z.object({ id: Id }).strict();
const ImportRequest = z
  .object({
    format: z.enum(['json', 'dcv', 'ports']),
    text: z.string().max(5_000_000),
    /** For `ports`: which endpoint the rows belong to. */
    endpointId: Id.optional(),
    /** For `dcv`: the file's name ("agent1.dcv"), which names the new desktop. */
    fileName: z.string().max(255).optional(),
  })
  .strict();

/** Saving a desktop may carry a new gateway token; main moves it to the secret store. */
const DesktopSave = z.object({ desktop: Desktop, authToken: z.string().max(4096).regex(/^[^\r\n]*$/).optional() }).strict();

export const requests = {
  'catalogue.get': z.object({}).strict(),
  'endpoint.save': Endpoint,
  'endpoint.delete': IdOnly,
  'desktop.save': DesktopSave,
  'desktop.delete': IdOnly,
  'desktop.setFavourite': z.object({ id: Id, favourite: z.boolean() }).strict(),
  'profile.save': Profile,
  'profile.delete': IdOnly,
  'catalogue.undo': z.object({ undoId: z.string().min(1).max(64) }).strict(),
  'import.preview': ImportRequest,
  'import.apply': ImportRequest,
  'export.json': z.object({}).strict(),
  'export.dcv': z.object({ desktopId: Id }).strict(),
  'trust.inspect': z.object({ desktopId: Id }).strict(),
  'trust.accept': z.object({ key: z.string().min(3).max(300), fingerprint: z.string().min(10).max(200), persist: z.boolean() }).strict(),
  'trust.forget': z.object({ key: z.string().min(3).max(300) }).strict(),
  'trust.list': z.object({}).strict(),
  'secrets.status': z.object({}).strict(),
  'secrets.setProxyPassword': z.object({ endpointId: Id, username: z.string().max(256).regex(/^[^\r\n]*$/), password: z.string().max(1024) }).strict(),
  'connection.open': z.object({ desktopId: Id, profileId: Id.optional() }).strict(),
  'connection.close': z.object({ desktopId: Id }).strict(),
  'connection.list': z.object({}).strict(),
  'doctor.run': z.object({ desktopId: Id }).strict(),
  'doctor.explainProxy': z.object({ endpointId: Id }).strict(),
  'doctor.report': z.object({ desktopId: Id, format: z.enum(['markdown', 'json']) }).strict(),
  'settings.set': Settings.partial().strict(),
} as const;

export type Channel = keyof typeof requests;
export type Request<C extends Channel> = z.input<(typeof requests)[C]>;

export interface Responses {
  'catalogue.get': CatalogueView;
  'endpoint.save': Endpoint;
  'endpoint.delete': { undoId: string };
  'desktop.save': Desktop;
  'desktop.delete': { undoId: string };
  'desktop.setFavourite': Desktop;
  'profile.save': Profile;
  'profile.delete': { undoId: string };
  'catalogue.undo': CatalogueView;
  'import.preview': ImportPreview;
  'import.apply': { endpoints: number; desktops: number; profiles: number };
  'export.json': { fileName: string; text: string };
  'export.dcv': { fileName: string; text: string };
  'trust.inspect': TrustInspection;
  'trust.accept': TrustEntry;
  'trust.forget': { removed: boolean };
  'trust.list': TrustEntry[];
  'secrets.status': SecretsStatus;
  'secrets.setProxyPassword': SecretsStatus;
  'connection.open': OpenResult;
  'connection.close': { closed: boolean };
  'connection.list': ConnectionInfo[];
  'doctor.run': Diagnosis;
  'doctor.explainProxy': ProxyExplanation;
  'doctor.report': { fileName: string; text: string };
  'settings.set': Settings;
}

// ---- events (main → renderer) ------------------------------------------------------------------

export interface Events {
  /** A connection changed state (opened, reconnecting, failed, closed). */
  'connection.changed': ConnectionInfo;
  /** Live stats, throttled to a few per second per connection. rttMs: upstream round trip sample. */
  'connection.stats': { desktopId: string; stats: TunnelStats; rttMs: number | null; at: number };
  /** A diagnosis step finished (Connect progress and the troubleshooting timeline). */
  'doctor.step': { desktopId: string; step: DiagnosisStep };
  /** The catalogue changed (another window, an import, a deep link). */
  'catalogue.changed': CatalogueView;
}
export type EventName = keyof Events;

/** What the renderer sees as `window.launcher`: the same in Electron and in browser mode. */
export interface LauncherApi {
  invoke<C extends Channel>(channel: C, request: Request<C>): Promise<Result<Responses[C]>>;
  on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void;
  /** 'electron' or 'browser': only for wording ("opens in a new tab"). */
  readonly mode: 'electron' | 'browser';
}

/** Compile-time: names.ts lists exactly the channels of `requests` and the keys of `Events`. */
type Exactly<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Assert<T extends true> = T;
export type NamesMatchContract = [Assert<Exactly<(typeof CHANNELS)[number], Channel>>, Assert<Exactly<(typeof EVENT_NAMES)[number], EventName>>];

/** Validates a request; the error lists each field. Used by main's IPC and by browser mode's host. */
export function parseRequest<C extends Channel>(channel: string, payload: unknown): Result<z.output<(typeof requests)[C]>> {
  if (!(CHANNELS as readonly string[]).includes(channel)) {
    return { ok: false, error: { code: 'INVALID_INPUT', message: `unknown channel "${channel}"` } };
  }
  const parsed = requests[channel as C].safeParse(payload);
  if (parsed.success) return { ok: true, value: parsed.data as z.output<(typeof requests)[C]> };
  return { ok: false, error: zodToApiError(parsed.error) };
}

export function zodToApiError(error: z.ZodError): ApiError {
  const fields: Record<string, string> = {};
  for (const issue of error.issues) {
    const key = issue.path.join('.') || '(root)';
    fields[key] ??= issue.message;
  }
  const first = Object.entries(fields)[0];
  return { code: 'INVALID_INPUT', message: first ? `${first[0]}: ${first[1]}` : 'invalid input', fields };
}

// ---- main-side wiring ------------------------------------------------------------------------

/** A validated request for channel C (defaults applied). */
export type ParsedRequest<C extends Channel> = z.output<(typeof requests)[C]>;

/** What the Electron IPC and the browser-mode host both serve: one handler per channel. */
export type Handlers = { [C in Channel]: (request: ParsedRequest<C>) => Promise<Result<Responses[C]>> };

/** The services as the shells see them: handlers, events, and shutdown. */
export interface LauncherServices {
  handlers: Handlers;
  /** Subscribe to every event; returns an unsubscribe function. */
  subscribe(listener: <E extends EventName>(event: E, payload: Events[E]) => void): () => void;
  /** Close every tunnel and flush the store. */
  close(): Promise<void>;
}
