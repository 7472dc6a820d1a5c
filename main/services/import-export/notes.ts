/**
 * What an import says, as data: one Message (a stable code and its facts) per kind of note,
 * problem or skipped line. The app words them in the user's language (renderer/i18n/parts/import.ts,
 * key `m.<code>`); the English here is for logs, main's own dialogs and the app's "original"
 * disclosure — never the app's main text.
 *
 * A problem found at a place is a container whose `problem` param is itself a code
 * (`import.problem.*`), worded with the same params:
 *   import.file.lineError  {line, problem, …}   a .dcv file's line
 *   import.file.error      {problem, …}         a .dcv file as a whole
 *   import.link.error      {problem, part?, …}  a dcv:// link (part: which part of it)
 *   import.ports.skipped   {line, problem, …}   a port table's line that was not used
 * A failure carries the first problem as its reason, with `more` = how many others there are.
 *
 * Params never hold a token or a password (a file's secret values are never echoed).
 */
import { message, type Message, type MessageParam } from '../../../tunnel/messages';

type Params = Record<string, MessageParam>;
/** Where in a .dcv file or a dcv:// link a value came from. */
export type Place = { line: number } | { part: LinkPart } | { whole: 'file' | 'link' };
export type LinkPart = 'host' | 'port' | 'path' | 'authToken' | 'session' | 'user' | 'password';

const LINK_PART: Record<LinkPart, string> = {
  host: "the link's host",
  port: "the link's port",
  path: "the link's path",
  authToken: "the link's authToken",
  session: "the link's #session",
  user: "the link's user",
  password: "the link's user:password",
};

const placeText = (p: Params): string =>
  typeof p.line === 'number' ? `line ${p.line}` : typeof p.part === 'string' ? (LINK_PART[p.part as LinkPart] ?? 'the link') : p.whole === 'link' ? 'the link' : '[connect]';
const list = (v: MessageParam | undefined) => (Array.isArray(v) ? v.join(', ') : String(v ?? ''));
const quoted = (v: MessageParam | undefined) => `"${String(v ?? '')}"`;

/** Every code with its English, typed by the params it needs. */
const ENGLISH = {
  // ---- containers: a problem at a place -------------------------------------------------------
  'import.file.lineError': (p: { line: number; problem: string; more?: number }) => `line ${p.line}: ${english(sub(p))}`,
  'import.file.error': (p: { problem: string; more?: number }) => english(sub(p)),
  'import.link.error': (p: { problem: string; part?: LinkPart; more?: number }) => `${p.part ? LINK_PART[p.part] : 'the link'}: ${english(sub(p))}`,
  'import.ports.skipped': (p: { line: number; problem: string }) => `line ${p.line} skipped: ${english(sub(p))}`,

  // ---- problems (the `problem` of a container) ------------------------------------------------
  'import.problem.hostMissing': () => 'host is missing',
  'import.problem.hostInvalid': (p: { value: string }) => `host ${quoted(p.value)} is not a valid host name or IP address`,
  'import.problem.portInvalid': (p: { key: string; value: string }) => `${p.key} ${quoted(p.value)} must be a number from 1 to 65535`,
  'import.problem.webUrlPathInvalid': () => 'weburlpath must be a plain path like /dcv/ (no "..", encoded "/" or ".", "\\", "?" or "#")',
  'import.problem.sessionIdInvalid': () => 'sessionid may hold letters, digits and . _ ~ - only (at most 256)',
  'import.problem.authTokenInvalid': (p: { max: number }) => `authtoken must be printable characters without spaces (at most ${p.max})`,
  'import.problem.proxyTypeInvalid': (p: { value: string; allowed: string[] }) => `proxytype ${quoted(p.value)} must be one of ${list(p.allowed)}`,
  'import.problem.proxyHostMissing': (p: { type: string }) => `proxytype=${p.type} needs a valid proxyhost`,
  'import.problem.proxyPortMissing': (p: { type: string }) => `proxytype=${p.type} needs a proxyport`,
  'import.problem.emptySection': () => 'empty section name "[]"',
  'import.problem.notKeyValue': () => 'expected "name=value", a [section] or a comment',
  'import.problem.beforeSection': (p: { key: string }) => `${quoted(p.key)} comes before any [section]`,
  'import.problem.noConnect': () => 'no [connect] section: this is not a DCV connection file',
  'import.problem.linkNotDcv': () => 'a DCV link starts with dcv://',
  'import.problem.linkInvalid': () => 'not a valid dcv:// link',
  'import.problem.noPort': () => 'it does not start with a port number',
  'import.problem.portRange': (p: { port: string }) => `port ${p.port} is not 1–65535`,
  'import.problem.targetPortRange': (p: { port: string }) => `target port ${p.port} is not 1–65535`,
  'import.problem.ssh': (p: { port: number }) => `port ${p.port} is SSH, not a DCV desktop`,
  'import.problem.portRepeated': (p: { port: number; first: number }) => `port ${p.port} is already on line ${p.first}`,
  'import.problem.portExists': (p: { port: number; name: string }) => `port ${p.port} is already ${quoted(p.name)}`,
  'import.problem.notADesktop': (p: { field: string }) => `its ${p.field} is not valid for a desktop`,

  // ---- .dcv files and dcv:// links -----------------------------------------------------------
  'import.file.noVersion': () => 'no [version] format=1.0 at the top (DCV Viewer refuses such a file); read as format 1.0',
  'import.dcv.formatUnknown': (p: { line: number; value: string }) => `line ${p.line}: format ${p.value} is not 1.0; read as 1.0`,
  'import.dcv.keyRepeated': (p: { line: number; key: string; first: number }) => `line ${p.line}: ${p.key} is set again (first on line ${p.first}); the last value wins`,
  'import.dcv.policyUnknown': (p: { value: string; allowed: string[] } & Params) =>
    `${placeText(p)}: certificatevalidationpolicy ${quoted(p.value)} is not one of ${list(p.allowed)}; ignored`,
  'import.dcv.passwordNotImported': (p: { key: string } & Params) => `${placeText(p)}: ${p.key} is not imported (you are asked for it when needed)`,
  'import.dcv.settingsIgnored': (p: { keys: string[] }) => `ignored settings the launcher does not use: ${list(p.keys)}`,
  'import.dcv.proxyTypeUnsupported': (p: { type: string }) => `proxytype=${p.type} is not supported by the launcher: the endpoint uses the system proxy settings instead`,
  'import.dcv.endpointReused': (p: { name: string }) => `uses your endpoint ${quoted(p.name)} (same host)`,
  'import.dcv.endpointReusedProxyKept': (p: { name: string }) => `uses your endpoint ${quoted(p.name)} (same host); its proxy setting is kept, not the file's`,
  'import.dcv.acceptsAnyCertificate': () => "the file accepts any certificate; the launcher instead asks you to trust this server's certificate once and then pins it",
  'import.dcv.userNotKept': (p: { user: string }) => `user name ${quoted(p.user)} is not kept: DCV's sign-in asks for it`,
  'import.dcv.prefixRead': (p: { agent: string }) => `the path /${p.agent}/ is read as the router's prefix for agent ${p.agent}`,
  'import.dcv.duplicate': (p: { name: string }) => `this desktop is already here as ${quoted(p.name)}: not added again`,
  'import.dcv.tokenReplaced': (p: { name: string }) => `the token of ${quoted(p.name)} will be replaced by the file's (kept in the secret store)`,
  'import.dcv.tokenToSecretStore': () => 'the auth token is kept in the secret store, not in the catalogue (gateway tokens often expire: import a fresh file when it does)',
  'import.dcv.tokenDropped': () => 'the auth token is dropped: only Connection Gateway desktops (with a sessionid) keep one',
  'import.dcv.endpointInvalid': (p: { field: string }) => `cannot make an endpoint of it: ${p.field} is not valid`,
  'import.dcv.desktopInvalid': (p: { field: string }) => `cannot make a desktop of it: ${p.field} is not valid`,

  // ---- JSON catalogues -----------------------------------------------------------------------
  'import.json.syntax': (p: { line: number; column: number }) => `not a DCV Launcher catalogue: the JSON is broken at line ${p.line}, column ${p.column}`,
  'import.json.newerVersion': (p: { version: number; supported: number }) => `not a DCV Launcher catalogue this launcher can read: version ${p.version} was written by a newer DCV Launcher (this one reads up to ${p.supported})`,
  'import.json.invalid': (p: { field: string }) => `not a DCV Launcher catalogue: ${p.field} is not valid`,
  'import.json.notCatalogue': () => 'not a DCV Launcher catalogue',
  'import.json.endpointReused': (p: { name: string; as: string }) => `endpoint ${quoted(p.name)} is already here as ${quoted(p.as)}: reused`,
  'import.json.desktopExists': (p: { name: string; as: string }) => `desktop ${quoted(p.name)} is already here as ${quoted(p.as)}: skipped`,
  'import.json.profileExists': (p: { name: string }) => `profile ${quoted(p.name)} is already here: skipped`,
  'import.json.idsRenamed': (p: { count: number }) => `${p.count} id${p.count === 1 ? ' was' : 's were'} already in use and got new ones`,
  'import.json.personalNotImported': () => 'recent connections and settings are not imported',

  // ---- port tables ---------------------------------------------------------------------------
  'import.ports.noRows': () => 'no rows with a listener port were found',
  'import.ports.endpointMissing': () => 'choose the endpoint the ports belong to',
  'import.ports.endpointUnknown': (p: { id: string }) => `no endpoint ${quoted(p.id)}`,

  // ---- every format --------------------------------------------------------------------------
  'import.tooLarge': (p: { chars: number; limit: number }) => `the text is ${p.chars} characters long; an import takes at most ${p.limit}`,
  'import.nothingToImport': () => 'nothing new to import',
  'import.tokenNotKept': () => 'no secret store is available: the auth token is not kept',
  'import.more': (p: { count: number }) => `… and ${p.count} more like this`,
} satisfies Record<string, (p: never) => string>;

export type ImportCode = keyof typeof ENGLISH;
type ParamsOf<C extends ImportCode> = Parameters<(typeof ENGLISH)[C]>;

/** `note('import.dcv.userNotKept', { user: 'alice' })`: a Message of a known code with the params it needs. */
export function note<C extends ImportCode>(code: C, ...params: ParamsOf<C>): Message {
  return message(code, params[0] as Record<string, MessageParam | undefined> | undefined);
}

export const IMPORT_CODES = Object.keys(ENGLISH) as ImportCode[];

/** The problem inside a container, with the same params. */
function sub(p: { problem: string } & object): Message {
  return { code: p.problem, params: p as Params };
}

/** A problem at a place: the container for a line, a part of a link, or the whole file/link. */
export function located(place: Place, problem: Message): Message {
  const params = { ...problem.params, problem: problem.code };
  if ('line' in place) return message('import.file.lineError', { ...params, line: place.line });
  if ('part' in place) return message('import.link.error', { ...params, part: place.part });
  return message(place.whole === 'link' ? 'import.link.error' : 'import.file.error', params);
}

/** The first problem as a failure's reason, with how many more there are. */
export function firstOf(problems: readonly Message[]): Message {
  const [first] = problems;
  return problems.length > 1 ? { code: first.code, params: { ...first.params, more: problems.length - 1 } } : first;
}

/** The English of a message, for logs, main's dialogs and the "original" (an unknown code says which). */
export function english(m: Message): string {
  const say = (ENGLISH as unknown as Record<string, ((p: Params) => string) | undefined>)[m.code];
  return say ? say(m.params ?? {}) : `(${m.code})`;
}

/** The English summary of skipped lines, before their examples. */
export function englishSkipped(count: number, shown: number): string {
  const lines = `${count} line${count === 1 ? '' : 's'} skipped`;
  return count > shown ? `${lines}; the first ${shown}:` : lines;
}
