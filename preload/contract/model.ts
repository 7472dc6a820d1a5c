/**
 * The catalogue's data model: one zod schema per thing the user saves. Shared by main (store,
 * validation of every IPC payload) and the renderer (form validation, types). Pure: no Node, no DOM.
 */
import { z } from 'zod';

export const Id = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1–64 letters, digits, "-" or "_"');

const LABEL = /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

export function isIPv4(s: string): boolean {
  return IPV4.test(s);
}
export function isIPv6(s: string): boolean {
  // Enough to tell a literal from a name; Node's net.isIPv6 is the final judge in main.
  return /^[0-9A-Fa-f:.]+$/.test(s) && s.includes(':') && s.split('::').length <= 2;
}
export function isHostName(s: string): boolean {
  if (s.length === 0 || s.length > 253) return false;
  if (isIPv4(s) || isIPv6(s)) return true;
  const labels = s.replace(/\.$/, '').split('.');
  return labels.every((l) => LABEL.test(l)) && !/^\d+$/.test(labels[labels.length - 1]);
}

/**
 * Text as Japanese keyboards type it: full-width letters, digits, dots and colons
 * (１０．１５０．２４８．１８０, ｖｐｃｅ－…) are the ASCII ones (NFKC), so they validate and are saved as such.
 */
const Typed = () => z.string().overwrite((s) => s.normalize('NFKC'));

export const HostName = Typed()
  .trim()
  .toLowerCase()
  .min(1, 'required')
  .refine(isHostName, 'not a valid host name or IP address');
export const IpAddress = Typed()
  .trim()
  .min(1, 'required')
  .refine((s) => isIPv4(s) || isIPv6(s), 'not an IP address');
export const Port = z.number().int('must be a whole number').min(1, 'must be 1–65535').max(65535, 'must be 1–65535');

/** A value that ends up in an HTTP header: printable ASCII only, never CR/LF. */
export const HeaderValue = z
  .string()
  .trim()
  .min(1)
  .max(1024)
  .regex(/^[\x20-\x7e]+$/, 'must be printable ASCII without line breaks');

/** Path segments we accept: no "..", no encoded separators or dots, no backslashes. */
function isSafePath(s: string): boolean {
  if (!s.startsWith('/') || !s.endsWith('/')) return false;
  if (/[\\?#\s]|%2f|%5c|%2e/i.test(s)) return false;
  return s.split('/').every((seg) => seg !== '.' && seg !== '..');
}
export const WebUrlPath = z
  .string()
  .trim()
  .default('/')
  .transform((s) => (s.startsWith('/') ? s : '/' + s))
  .transform((s) => (s.endsWith('/') ? s : s + '/'))
  .refine(isSafePath, 'must be a plain path like /dcv/ (no "..", encoded "/" or ".", "\\", "?" or "#")');

export const TlsPolicy = z.discriminatedUnion('mode', [
  /** Pins live in the TrustStore, per endpoint host:port (each NLB port can be another agent). */
  z.object({ mode: z.literal('pin') }).strict(),
  z.object({ mode: z.literal('ca'), caPem: z.string().includes('-----BEGIN CERTIFICATE-----', { message: 'must be a PEM certificate bundle' }) }).strict(),
  z.object({ mode: z.literal('system') }).strict(),
]);

export const ProxyMode = z.discriminatedUnion('mode', [
  z.object({ mode: z.literal('system') }).strict(),
  z.object({ mode: z.literal('env') }).strict(),
  z.object({ mode: z.literal('direct') }).strict(),
  z
    .object({
      mode: z.literal('manual'),
      /** http://host:port — the password is never here: it lives in the secret store. */
      url: z
        .string()
        .trim()
        .regex(/^http:\/\/[^/@\s]+:\d{1,5}\/?$/i, 'must look like http://proxy.example.com:8080 (no user or password)'),
      username: z.string().max(256).regex(/^[^\r\n]*$/).optional(),
    })
    .strict(),
]);

export const Endpoint = z
  .object({
    id: Id,
    name: z.string().trim().min(1, 'required').max(120),
    host: HostName,
    /** Like curl --resolve: the address to connect to when the name only resolves inside the VPC. */
    addressOverride: IpAddress.optional(),
    tls: TlsPolicy.default({ mode: 'pin' }),
    proxy: ProxyMode.default({ mode: 'system' }),
    hostHeader: HeaderValue.optional(),
    origin: HeaderValue.regex(/^https:\/\/[^/\s]+$/, 'must look like https://name[:port]').optional(),
  })
  .strict();

export const Route = z.discriminatedUnion('kind', [
  /** An NLB listener port maps to one agent. */
  z.object({ kind: z.literal('port'), port: Port }).strict(),
  /** An nginx-style router: https://endpoint:port/<agent>/… */
  z.object({ kind: z.literal('prefix'), port: Port.default(8443), agent: z.string().trim().refine((s) => isHostName(s), 'must be an agent address or name') }).strict(),
  /** DCV Connection Gateway: ?authToken=…#sessionId. The token itself lives in the secret store. */
  z.object({ kind: z.literal('gateway'), port: Port.default(8443), sessionId: z.string().trim().min(1).max(256).regex(/^[A-Za-z0-9._~-]+$/, 'letters, digits and . _ ~ - only') }).strict(),
]);

export const Desktop = z
  .object({
    id: Id,
    name: z.string().trim().min(1, 'required').max(120),
    endpointId: Id,
    route: Route,
    webUrlPath: WebUrlPath,
    tags: z.array(z.string().trim().min(1).max(40)).max(32).default([]),
    notes: z.string().max(4000).default(''),
    favourite: z.boolean().default(false),
  })
  .strict();

export const Profile = z
  .object({
    id: Id,
    name: z.string().trim().min(1, 'required').max(120),
    desktopId: Id,
    openIn: z.enum(['window', 'browser', 'dcv-file']).default('window'),
    window: z
      .object({ width: z.number().int().min(640).max(7680), height: z.number().int().min(480).max(4320), fullScreen: z.boolean() })
      .strict()
      .default({ width: 1280, height: 800, fullScreen: false }),
    localPort: z.number().int().min(1024).max(65535).optional(),
  })
  .strict();

/** One mapping from a Session Manager server to where the endpoint reaches it (NLB port or router prefix). */
export const ServerRule = z
  .object({
    /** The server's Ip or Hostname as the Broker reports it; "*" for every server. */
    server: z.string().trim().min(1).max(253).refine((s) => s === '*' || isHostName(s), 'must be a server address, a host name or *'),
    route: z.discriminatedUnion('kind', [
      z.object({ kind: z.literal('port'), port: Port }).strict(),
      /** The path router: https://endpoint:port/<the server's Ip>/ */
      z.object({ kind: z.literal('prefix'), port: Port.default(8443) }).strict(),
    ]),
  })
  .strict();

export const TagFilter = z.object({ key: z.string().trim().min(1).max(128), value: z.string().trim().max(256) }).strict();

/**
 * A DCV Session Manager behind an endpoint: its Broker lists the sessions, each open gets a
 * fresh connection token, and the session is reached through the Connection Gateway or
 * directly at its server. Every call goes through the endpoint's proxy rule, address override
 * and certificate pins (the Broker's and the Gateway's per host:port, like a desktop's).
 * The client password lives in the secret store, never here.
 */
export const SessionSource = z
  .object({
    id: Id,
    name: z.string().trim().min(1, 'required').max(120),
    endpointId: Id,
    /** The Broker's client API port on the endpoint (client-to-broker-connector-https-port; 8448 in the field). */
    brokerPort: Port.default(8443),
    auth: z.discriminatedUnion('kind', [
      /** OAuth2 client credentials with the Broker as the authorization server. */
      z.object({ kind: z.literal('broker'), clientId: z.string().trim().min(1, 'required').max(256).regex(/^[^\s:]+$/, 'no spaces or ":"') }).strict(),
      /** An external authorization server's token URL (client credentials too). */
      z
        .object({
          kind: z.literal('token-url'),
          tokenUrl: z.string().trim().max(2048).regex(/^https:\/\/[^\s/?#]+(\/[^\s#]*)?$/, 'must be an https:// URL'),
          clientId: z.string().trim().min(1, 'required').max(256).regex(/^[^\s:]+$/, 'no spaces or ":"'),
        })
        .strict(),
      /** enable-authorization = false on the Broker. */
      z.object({ kind: z.literal('none') }).strict(),
    ]),
    /** Whose sessions to list and open; empty: the user signed in to this computer. */
    user: z.string().trim().max(256).regex(/^[^\s/]*$/, 'no spaces or "/"').default(''),
    tagFilters: z.array(TagFilter).max(16).default([]),
    open: z.discriminatedUnion('via', [
      /** The Connection Gateway: https://endpoint:port<WebUrlPath>?authToken=…#<session>. */
      z.object({ via: z.literal('gateway'), port: Port.default(8443) }).strict(),
      /** Straight to the session's server, by rule (first match wins). */
      z.object({ via: z.literal('server'), rules: z.array(ServerRule).min(1, 'required').max(256) }).strict(),
    ]),
    /** New desktop: what createSessions gets. {user} and {n} in the name pattern. */
    template: z
      .object({
        namePattern: z.string().trim().min(1, 'required').max(120).default('{user}-{n}'),
        requirements: z.string().trim().max(1024).default(''),
        maxConcurrentClients: z.number().int().min(1).max(100).optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

/**
 * A Broker session the user starred or opened: kept so favourites and recents survive a
 * refresh, and a session that disappeared is shown as gone instead of dropped. `key` is the
 * id the session has in the desktop list, recents and connections.
 */
export const SessionMark = z
  .object({
    key: Id,
    sourceId: Id,
    sessionId: z.string().min(1).max(256),
    name: z.string().max(256).default(''),
    owner: z.string().max(256).default(''),
    favourite: z.boolean().default(false),
  })
  .strict();

export const Recent = z
  .object({
    desktopId: Id,
    at: z.string().datetime(),
    outcome: z.enum(['ok', 'failed']),
    code: z.string().max(64).optional(),
  })
  .strict();

export const Settings = z
  .object({
    language: z.enum(['en', 'ja']).default('ja'),
    view: z.enum(['list', 'grid']).default('list'),
    /** A tunnel nobody has used for this long (its window or tab closed) closes itself; 0: never. */
    idleCloseMinutes: z.number().int('must be a whole number').min(0).max(1440).default(30),
  })
  .strict();

export const CATALOGUE_VERSION = 2;

export const Catalogue = z
  .object({
    version: z.literal(CATALOGUE_VERSION),
    endpoints: z.array(Endpoint).default([]),
    desktops: z.array(Desktop).default([]),
    profiles: z.array(Profile).default([]),
    sources: z.array(SessionSource).default([]),
    sessionMarks: z.array(SessionMark).max(500).default([]),
    recents: z.array(Recent).max(200).default([]),
    settings: Settings.default({ language: 'ja', view: 'list', idleCloseMinutes: 30 }),
  })
  .strict();

export type Endpoint = z.infer<typeof Endpoint>;
export type Desktop = z.infer<typeof Desktop>;
export type Profile = z.infer<typeof Profile>;
export type Recent = z.infer<typeof Recent>;
export type Settings = z.infer<typeof Settings>;
export type Catalogue = z.infer<typeof Catalogue>;
export type Route = z.infer<typeof Route>;
export type SessionSource = z.infer<typeof SessionSource>;
export type SessionMark = z.infer<typeof SessionMark>;
export type ServerRule = z.infer<typeof ServerRule>;
export type TagFilter = z.infer<typeof TagFilter>;
export type TlsPolicy = z.infer<typeof TlsPolicy>;
export type ProxyMode = z.infer<typeof ProxyMode>;
