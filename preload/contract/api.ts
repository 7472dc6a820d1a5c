/**
 * The one contract between the renderer and main. Electron's preload bridge and the
 * browser-mode WebSocket bridge both implement `LauncherApi`, so the renderer cannot tell
 * them apart. Requests are zod schemas (main validates every payload at run time);
 * responses are types (main is trusted to produce them).
 */
import { z } from 'zod';
import type { Advice, AdviceCode, HintFacts } from '../../tunnel/doctor-hints';
import type { SummaryCode } from '../../tunnel/doctor-summary';
import type { CertificateSummary, TunnelErrorCode } from '../../tunnel/errors';
import type { Message, MessageParam } from '../../tunnel/messages';
import type { SessionSummary } from '../../tunnel/session-manager/types';
import type { Diagnosis, DiagnosisStep, DiagnosisStepId, TunnelStats } from '../../tunnel/types';
import { Desktop, Endpoint, Id, Profile, SessionSource, Settings, type Catalogue } from './model';
import { CHANNELS, EVENT_NAMES } from './names';

export { CHANNELS, EVENT_NAMES };
/** Every shape the renderer shows comes from here, once (the renderer imports nothing from tunnel/). */
export type { Advice, AdviceCode, CertificateSummary, Diagnosis, DiagnosisStep, DiagnosisStepId, HintFacts, Message, MessageParam, SummaryCode, TunnelErrorCode, TunnelStats };

// ---- results -------------------------------------------------------------------------------

export type ApiErrorCode = 'INVALID_INPUT' | 'NOT_FOUND' | 'CONFLICT' | 'FORBIDDEN' | 'STORE_ERROR' | 'INTERNAL';
export interface ApiError {
  code: ApiErrorCode;
  /** English, for logs and support; the app shows `reason` (or words the code) instead. */
  message: string;
  /** The same, as data for the user's language. */
  reason?: Message;
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
  /** The same, as data for the user's language. */
  why?: Message;
}

export type ConnectionState =
  | { kind: 'connecting'; step: string }
  | { kind: 'open' }
  | { kind: 'reconnecting'; attempt: number; lastError: { code: TunnelErrorCode; message: string; params?: Record<string, MessageParam> } }
  | { kind: 'failed'; code: string; message: string; params?: Record<string, MessageParam> }
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

/** Something failed; code and params are what the app words, message and hint the English originals. */
export interface Failure {
  code: string;
  /** The step of the path ('dns' … 'websocket', 'broker-token', 'open', 'export'). */
  step: string;
  message: string;
  params?: Record<string, MessageParam>;
  hint?: string;
  advice?: Advice[];
}

/** Answers that need the user before anything else can happen. */
export type NeedsUser =
  | { kind: 'needs-trust'; inspection: TrustInspection }
  | { kind: 'certificate-changed'; inspection: TrustInspection }
  | { kind: 'needs-proxy-credentials'; endpointId: string; proxy: string; username?: string; reason: 'missing' | 'rejected' }
  /** A Session Manager source whose Broker client password is not stored yet, or was refused. */
  | { kind: 'needs-client-password'; sourceId: string; clientId: string; reason: 'missing' | 'rejected' };

export type OpenResult =
  | {
      kind: 'opened';
      connection: ConnectionInfo;
      launchUrl: string;
      openIn: 'window' | 'browser' | 'dcv-file';
      /** For DCV Viewer: the file, when it could not be handed over and carries no Session Manager token. */
      dcvFile?: { fileName: string; text: string };
      /** For DCV Viewer: handed over (the file is deleted after a minute; a session's token expires), or not installed. */
      viewer?: { handedOver: true; name: string; tokenExpires: boolean } | { handedOver: false };
    }
  | NeedsUser
  | ({ kind: 'failed' } & Failure);

// ---- Session Manager -----------------------------------------------------------------------

/**
 * One Broker session as the desktop list shows it: the Broker's own fields as the Broker client
 * reads them (id, name, owner, type — Virtual or Console —, state, …), and the list's.
 */
export interface SessionView
  extends Pick<SessionSummary, 'id' | 'name' | 'owner' | 'type' | 'state' | 'substate' | 'stateReason' | 'creationTime' | 'lastDisconnectionTime'> {
  /** Its id in the desktop list, recents, favourites and connections: stable per source and session. */
  key: string;
  sourceId: string;
  server: { ip: string; hostname: string; port: string };
  /** The server's tags. */
  tags: Record<string, string>;
  connections?: number;
  favourite: boolean;
  /** Starred or opened before, but no longer listed by the Broker. */
  gone: boolean;
}

export interface SourceStatus {
  sourceId: string;
  /** Whose sessions it lists and opens (the source's user, or the one signed in to this computer). */
  user: string;
  refreshing: boolean;
  /** While listing: pages read and sessions so far. */
  progress?: { pages: number; sessions: number };
  refreshedAt?: string;
  sessions: SessionView[];
  /** Why the last refresh failed; the list stays the last good one. */
  problem?: NeedsUser | ({ kind: 'failed' } & Failure);
}

export interface ProxyExplanation {
  url: string;
  /** The route the launcher will use, and why (English; `because` is the same as data). */
  effective: { route: string; reason: string; because: Message };
  sources: Array<{ source: 'profile' | 'env' | 'system'; says: string; saysMessage: Message; matched?: string }>;
  /**
   * What a plain browser on this machine would do: "curl works but the browser doesn't".
   * why: the reason in a few words that do not repeat the route ("the system proxy settings say so");
   * because: the same as data; explanation: the whole paragraph (`reason`) as data.
   */
  plainBrowser: { route: string; reason: string; wouldIntercept: boolean; why?: string; because?: Message; explanation: Message };
}

export interface ImportPreview {
  format: 'json' | 'dcv' | 'ports';
  endpoints: Endpoint[];
  desktops: Desktop[];
  profiles: Profile[];
  /**
   * Things to know before applying, as data for the user's language (`import.dcv.endpointReused`
   * {name}, `import.dcv.tokenToSecretStore`, …), in order; at most a few of each kind, then
   * `import.more` {count}. A param named `problem` is itself a code, worded with the same params.
   */
  notes: Message[];
  /**
   * Lines of the text that were not used (a port table's junk, bad ports, SSH): how many, and
   * the first few as examples (`import.ports.skipped` {line, problem, …}) — never thousands.
   */
  skipped: { count: number; examples: Message[] };
  /** How many gateway tokens applying would store in the secret store (for new desktops or refreshed ones). */
  tokens: number;
  /** The notes, the skipped count and the examples in English: for logs and main's own dialogs; the app shows `notes`. */
  warnings: string[];
}

// ---- requests --------------------------------------------------------------------------------

const IdOnly = z.object({ id: Id }).strict();
/**
 * The most an import's text may hold, in characters (string length): about 1 MB, a catalogue of
 * thousands of desktops or a port table of every port, and small enough for the dialog and the
 * parsers to stay responsive. The renderer says so before sending; main's import refuses more
 * (`import.tooLarge` {chars, limit}). The request schema's own bound is only the transport's ceiling.
 */
export const IMPORT_TEXT_LIMIT = 1_000_000;

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
  'trust.inspect': z.object({ desktopId: Id }).strict(),
  'trust.accept': z.object({ key: z.string().min(3).max(300), fingerprint: z.string().min(10).max(200), persist: z.boolean() }).strict(),
  'trust.forget': z.object({ key: z.string().min(3).max(300) }).strict(),
  'trust.undoForget': z.object({ undoId: z.string().min(1).max(64) }).strict(),
  'trust.list': z.object({}).strict(),
  'secrets.status': z.object({}).strict(),
  /** proxy: the proxy that asked (needs-proxy-credentials' proxy); the password is kept for it alone. */
  'secrets.setProxyPassword': z
    .object({ endpointId: Id, username: z.string().max(256).regex(/^[^\r\n]*$/), password: z.string().max(1024), proxy: z.string().max(300).regex(/^[^\s@]+$/).optional() })
    .strict(),
  /** viewer: open it in DCV Viewer (a tunnel that admits the native client, and the .dcv file handed over). */
  'connection.open': z.object({ desktopId: Id, profileId: Id.optional(), viewer: z.boolean().optional() }).strict(),
  'connection.close': z.object({ desktopId: Id }).strict(),
  'connection.list': z.object({}).strict(),
  'doctor.run': z.object({ desktopId: Id }).strict(),
  'doctor.explainProxy': z.object({ endpointId: Id }).strict(),
  'doctor.report': z.object({ desktopId: Id, format: z.enum(['markdown', 'json']) }).strict(),
  'settings.set': Settings.partial().strict(),
  'source.save': z.object({ source: SessionSource, clientPassword: z.string().max(1024).optional() }).strict(),
  'source.delete': IdOnly,
  'source.setClientPassword': z.object({ sourceId: Id, password: z.string().min(1).max(1024) }).strict(),
  'sessions.get': z.object({}).strict(),
  'sessions.refresh': z.object({ sourceId: Id }).strict(),
  'sessions.create': z.object({ sourceId: Id, name: z.string().trim().min(1).max(120).optional() }).strict(),
  'sessions.delete': z.object({ key: Id }).strict(),
  'sessions.setFavourite': z.object({ key: Id, favourite: z.boolean() }).strict(),
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
  'trust.inspect': TrustInspection;
  'trust.accept': TrustEntry;
  'trust.forget': { removed: boolean; undoId?: string };
  'trust.undoForget': TrustEntry[];
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
  'source.save': SessionSource;
  'source.delete': { undoId: string };
  'source.setClientPassword': SecretsStatus;
  'sessions.get': SourceStatus[];
  'sessions.refresh': SourceStatus;
  /** The Broker accepted it (CREATING); its progress comes as 'sessions.changed'. */
  'sessions.create': { kind: 'creating'; session: SessionView } | NeedsUser | ({ kind: 'failed' } & Failure);
  'sessions.delete': { kind: 'deleting'; session: SessionView } | NeedsUser | ({ kind: 'failed' } & Failure);
  'sessions.setFavourite': SessionView;
}

// ---- events (main → renderer) ------------------------------------------------------------------

export interface Events {
  /** A connection changed state (opened, reconnecting, failed, closed). */
  'connection.changed': ConnectionInfo;
  /** Live stats, throttled to a few per second per connection. rttMs: upstream round trip sample. */
  'connection.stats': { desktopId: string; stats: TunnelStats; rttMs: number | null; at: number };
  /**
   * The desktop's server refused its Session Manager token (expired): the tunnel now lands on a
   * fresh one. Browser mode sends the desktop's tab to this one-time launch URL (a window of the
   * app is sent there by main itself).
   */
  'connection.relaunch': { desktopId: string; launchUrl: string };
  /** A diagnosis step finished (Connect progress and the troubleshooting timeline). */
  'doctor.step': { desktopId: string; step: DiagnosisStep };
  /** The catalogue changed (another window, an import, a deep link). */
  'catalogue.changed': CatalogueView;
  /** A Session Manager source's list changed (refresh, progress, a session created or deleted). */
  'sessions.changed': SourceStatus;
  // The Electron shell's own events (its menu and deep links; browser mode has neither). The shell
  // holds them until the page has called 'catalogue.get' once: the renderer subscribes before that.
  /**
   * File ▸ Import… picked a file: the Import dialog opens with it. A file over IMPORT_TEXT_LIMIT
   * comes without its text; `refused` says why (bytes: too big to read; chars: too long a text).
   */
  'import.file': { fileName: string; text: string } | { fileName: string; refused: { bytes: number } | { chars: number } };
  /** A deep link (dcv-launcher://connect/<profile>) asks to open this desktop: the renderer shows what it would open and runs its own Connect only when the user confirms. */
  'connect.request': { desktopId: string; profileId?: string };
  /** A menu item (Help ▸ Troubleshooting) shows one of the launcher's views. */
  'view.show': { view: 'desktops' | 'connections' | 'troubleshoot' | 'settings' };
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
