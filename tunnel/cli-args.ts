/**
 * Flags of `dcv-tunnel`: the tunnel and the doctor (`--target`, or a Session Manager session
 * with `--broker … --session`) and `sessions` (a Broker's list). Parsing is pure (argv →
 * CliArgs), resolving reads files, the environment and maybe a password prompt (→ TunnelTarget,
 * or the Broker client's options in cli-session.ts). Bad input throws UsageError with a
 * specific message.
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parseFingerprint } from './fingerprint';
import { TunnelError } from './errors';
import { envProxyFor } from './no-proxy';
import { redactProxyUrl } from './proxy-list';
import type { AddressOverride, ProxyCredentials, RouteEntry, TrustPolicy, UpstreamTarget } from './types';

export const USAGE = `Usage:
  dcv-tunnel --target URL [options]          open a localhost TLS tunnel to a DCV desktop
  dcv-tunnel doctor --target URL [options]   check the path to the desktop step by step

Session Manager, where BROKER = --broker URL [--broker-pin FP] [--client-id ID] [--token-url URL]:
  dcv-tunnel sessions BROKER [--owner USER] [--tag KEY=VALUE]... [--resolve HOST:PORT:ADDR]... [--proxy direct|env|URL] [--json]
      list the Broker's sessions (every page)
  dcv-tunnel BROKER --session ID [--user USER] [--gateway URL] [--pin FP]... [options]
      open a session: a fresh connection token, then a tunnel to the Gateway or the session's server
  dcv-tunnel doctor BROKER --session ID [--user USER] [--gateway URL] [options]
      check the Broker (token, session, connection data), then the Gateway's or server's path

  --target URL              the desktop as the browser would open it, e.g.
                            https://vpce-….vpce.amazonaws.com:8443/10.150.248.180/?authToken=T#session-1
                            (the path is the router prefix; ?query and #fragment go to the entry page)
  --resolve HOST:PORT:ADDR  connect to ADDR when asked for HOST:PORT (repeatable), like curl;
                            applies to the Broker, the Gateway and the desktop alike
  --pin FINGERPRINT         accept only this server (or Gateway) certificate (repeatable):
                            sha256/BASE64, bare base64 (44 characters) or hex with or without colons
  --ca FILE                 trust the CAs in this PEM file (default: the system's trust store)
  --proxy direct|env|URL    how to reach the endpoint, the Broker and the Gateway
                            (default env: HTTPS_PROXY / NO_PROXY); URL like
                            http://user@proxy.corp:8080, password from DCV_TUNNEL_PROXY_PASSWORD
                            or asked for on the terminal
  --host-header VALUE       the Host header sent to the server (default: the target's host:port)
  --origin VALUE            the Origin sent to the server (default: https:// + the Host header)
  --listen ADDR:PORT        local address and port (default 127.0.0.1 and a free port)
  --cert-dir DIR            where the localhost certificate is cached
                            (default $XDG_CACHE_HOME/dcv-launcher or ~/.cache/dcv-launcher)
  --json                    one JSON object per line on stdout
  -h, --help                this text

Session Manager:
  --broker URL              the Broker's client API, https://broker:port (the Broker listens on
                            8443 unless configured otherwise; a URL without a port means 443)
  --broker-pin FINGERPRINT  accept only this Broker certificate (repeatable; default: the system's
                            trust store; the Broker's own CA is /var/lib/dcvsmbroker/security/)
  --client-id ID            the API client (register-api-client); its password is read from
                            DCV_BROKER_CLIENT_PASSWORD. Without --client-id no token is asked for
                            (enable-authorization = false)
  --token-url URL           an external authorization server's token endpoint
                            (default: the Broker's own /oauth2/token)
  --session ID              the session to open
  --user USER               whom the connection token is for (default --owner, then the OS user)
  --owner USER              sessions: only this owner's sessions
  --tag KEY=VALUE           sessions: only sessions whose server has this tag (repeatable)
  --gateway URL             open through this Connection Gateway, https://gateway:port; the page is
                            <gateway><WebUrlPath>?authToken=…#ID. Without it: the session's server,
                            https://<Server.Ip>:<Server.Port><WebUrlPath>

With --json the tunnel's first line is {"event":"ready","url","port","fingerprint","spki"} (spki:
the local certificate's SPKI SHA-256 in base64, for --ignore-certificate-errors-spki-list); a
failure is {"event":"error","code","message"}. sessions --json prints one line
{"event":"sessions","sessions":[…]}.

Exit status: 0 after a clean stop (SIGINT/SIGTERM) or a listing, 1 when the tunnel cannot start
or the Broker refuses, 2 on bad flags.
`;

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** The flags of a tunnel (or a diagnosis): the upstream's route, trust and headers, the local side. */
export interface TunnelFlags {
  help: boolean;
  json: boolean;
  resolve: AddressOverride[];
  pins: string[];
  caFile?: string;
  /** 'direct', 'env' or a proxy URL. */
  proxy: string;
  hostHeader?: string;
  origin?: string;
  listen?: { host: string; port: number };
  certDir?: string;
}

/** `dcv-tunnel [doctor] --target URL …` */
export interface TunnelCliArgs extends TunnelFlags {
  mode: 'target';
  command: 'tunnel' | 'doctor';
  target?: string;
}

/** BROKER = --broker URL [--broker-pin FP]... [--client-id ID] [--token-url URL] */
export interface BrokerCliArgs {
  /** https://host:port, as given (normalised by URL). */
  url: string;
  host: string;
  port: number;
  /** Empty: the system's trust store. */
  pins: string[];
  /** Absent: no access token (enable-authorization = false). The password is DCV_BROKER_CLIENT_PASSWORD's. */
  clientId?: string;
  tokenUrl?: string;
}

/** An https://host[:port] origin given as a flag (the Gateway). */
export interface OriginArg {
  url: string;
  host: string;
  port: number;
}

/**
 * `dcv-tunnel [doctor] BROKER --session ID [--user USER] [--gateway URL] <tunnel flags>`: open
 * (or diagnose) one Session Manager session. `pins`/`caFile` are the Gateway's (or the server's).
 */
export interface SessionCliArgs extends TunnelFlags {
  mode: 'session';
  command: 'tunnel' | 'doctor';
  broker: BrokerCliArgs;
  sessionId: string;
  /** Whom the connection token is for; absent: `owner`, then the OS user. */
  user?: string;
  owner?: string;
  /** Absent: the session's own server (Server.Ip:Server.Port). */
  gateway?: OriginArg;
}

/** `dcv-tunnel sessions BROKER [--owner USER] [--tag KEY=VALUE]... [--resolve …]... [--proxy …] [--json]` */
export interface SessionsCliArgs {
  mode: 'sessions';
  command: 'sessions';
  help: boolean;
  json: boolean;
  broker: BrokerCliArgs;
  owner?: string;
  tags: Array<{ key: string; value: string }>;
  resolve: AddressOverride[];
  proxy: string;
}

export type CliArgs = TunnelCliArgs | SessionCliArgs | SessionsCliArgs;

const OPTIONS = {
  target: { type: 'string' },
  resolve: { type: 'string', multiple: true },
  pin: { type: 'string', multiple: true },
  ca: { type: 'string' },
  proxy: { type: 'string' },
  'host-header': { type: 'string' },
  origin: { type: 'string' },
  listen: { type: 'string' },
  'cert-dir': { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  broker: { type: 'string' },
  'broker-pin': { type: 'string', multiple: true },
  'client-id': { type: 'string' },
  'token-url': { type: 'string' },
  session: { type: 'string' },
  user: { type: 'string' },
  owner: { type: 'string' },
  tag: { type: 'string', multiple: true },
  gateway: { type: 'string' },
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true; strict: true }>>['values'];
type Flag = keyof typeof OPTIONS;

/** Flags that only a Broker command takes, and those only the tunnel (not `sessions`) takes. */
const BROKER_ONLY: Flag[] = ['broker-pin', 'client-id', 'token-url', 'session', 'user', 'owner', 'tag', 'gateway'];
const NOT_FOR_SESSIONS: Flag[] = ['target', 'pin', 'ca', 'host-header', 'origin', 'listen', 'cert-dir', 'session', 'user', 'gateway'];

export function parseCliArgs(argv: readonly string[]): CliArgs {
  let parsed: { values: Values; positionals: string[] };
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError((e as Error).message.replace(/\. To specify a positional argument.*$/s, ''));
  }
  const { values, positionals } = parsed;
  const rest = [...positionals];
  const command = rest[0] === 'doctor' || rest[0] === 'sessions' ? rest.shift()! : 'tunnel';
  if (rest.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(rest[0])} (flags start with --; the URL goes after --target or --broker)`);
  const flags = tunnelFlags(values);
  if (flags.help) return { mode: 'target', command: command === 'doctor' ? 'doctor' : 'tunnel', ...flags };
  if (command === 'sessions') return sessionsArgs(values, flags);
  if (values.broker !== undefined) return sessionArgs(values, flags, command === 'doctor' ? 'doctor' : 'tunnel');
  const given = BROKER_ONLY.find((f) => values[f] !== undefined);
  if (given) throw new UsageError(`--${given} goes with --broker URL (a Session Manager Broker)`);
  const args: TunnelCliArgs = { mode: 'target', command: command === 'doctor' ? 'doctor' : 'tunnel', ...flags, target: values.target };
  if (!args.target) throw new UsageError('--target URL is required (the desktop URL, e.g. https://endpoint:8443/), or --broker URL --session ID');
  parseTarget(args.target);
  checkTunnelFlags(flags);
  return args;
}

function tunnelFlags(values: Values): TunnelFlags {
  return {
    help: values.help ?? false,
    json: values.json ?? false,
    resolve: (values.resolve ?? []).map(parseResolve),
    pins: values.pin ?? [],
    caFile: values.ca,
    proxy: values.proxy ?? 'env',
    hostHeader: values['host-header'],
    origin: values.origin,
    listen: values.listen === undefined ? undefined : parseListen(values.listen),
    certDir: values['cert-dir'],
  };
}

function checkTunnelFlags(flags: TunnelFlags): void {
  if (flags.pins.length > 0 && flags.caFile) throw new UsageError('use --pin or --ca, not both');
  checkPins('--pin', flags.pins);
  if (flags.hostHeader !== undefined && !/^[\x21-\x7e]+$/.test(flags.hostHeader)) throw new UsageError('--host-header must be a host or host:port without spaces');
  if (flags.origin !== undefined) parseOrigin(flags.origin);
  checkProxy(flags.proxy);
}

function checkPins(flag: string, pins: string[]): void {
  for (const pin of pins) {
    try {
      parseFingerprint(pin);
    } catch (e) {
      throw new UsageError(`${flag} ${JSON.stringify(pin)}: ${(e as Error).message}`);
    }
  }
}

function checkProxy(proxy: string): void {
  if (proxy !== 'direct' && proxy !== 'env') parseProxyUrl(proxy);
}

function sessionsArgs(values: Values, flags: TunnelFlags): SessionsCliArgs {
  const wrong = NOT_FOR_SESSIONS.find((f) => values[f] !== undefined);
  if (wrong) throw new UsageError(`--${wrong} is not a flag of \`dcv-tunnel sessions\` (it lists sessions; open one with --broker URL --session ID)`);
  if (values.broker === undefined) throw new UsageError('dcv-tunnel sessions needs --broker URL (the Broker\'s client API, e.g. https://broker.corp:8443)');
  checkProxy(flags.proxy);
  return {
    mode: 'sessions',
    command: 'sessions',
    help: false,
    json: flags.json,
    broker: brokerArgs(values),
    ...optionalName('--owner', values.owner, 'owner'),
    tags: (values.tag ?? []).map(parseTag),
    resolve: flags.resolve,
    proxy: flags.proxy,
  };
}

function sessionArgs(values: Values, flags: TunnelFlags, command: 'tunnel' | 'doctor'): SessionCliArgs {
  if (values.target !== undefined) throw new UsageError('use --target URL or --broker URL --session ID, not both');
  if (values.tag !== undefined) throw new UsageError('--tag filters `dcv-tunnel sessions`; to open a session give its --session ID');
  const broker = brokerArgs(values);
  if (values.session === undefined) throw new UsageError('--broker needs --session ID (list the sessions with `dcv-tunnel sessions --broker URL`)');
  // The id rides in the entry page's #fragment: printable ASCII without spaces or '#'.
  if (!/^[\x21-\x22\x24-\x7e]+$/.test(values.session)) throw new UsageError(`--session ${JSON.stringify(values.session)}: expected a session id (printable characters, no spaces or '#')`);
  checkTunnelFlags(flags);
  return {
    mode: 'session',
    command,
    ...flags,
    broker,
    sessionId: values.session,
    ...optionalName('--user', values.user, 'user'),
    ...optionalName('--owner', values.owner, 'owner'),
    ...(values.gateway !== undefined ? { gateway: parseOriginUrl('--gateway', values.gateway) } : {}),
  };
}

function brokerArgs(values: Values): BrokerCliArgs {
  const origin = parseOriginUrl('--broker', values.broker ?? '');
  const pins = values['broker-pin'] ?? [];
  checkPins('--broker-pin', pins);
  const clientId = values['client-id'];
  if (clientId !== undefined && !/^[\x21-\x7e]+$/.test(clientId)) throw new UsageError('--client-id must be the API client id (printable characters, no spaces)');
  const tokenUrl = values['token-url'];
  if (tokenUrl !== undefined) {
    if (clientId === undefined) throw new UsageError('--token-url needs --client-id (the token URL issues tokens to an API client)');
    parseTokenUrl(tokenUrl);
  }
  return { ...origin, pins, ...(clientId !== undefined ? { clientId } : {}), ...(tokenUrl !== undefined ? { tokenUrl } : {}) };
}

function optionalName<K extends string>(flag: string, value: string | undefined, key: K): Partial<Record<K, string>> {
  if (value === undefined) return {};
  if (value.trim() === '' || /[\u0000-\u001f\u007f]/.test(value)) throw new UsageError(`${flag} needs a user name`);
  return { [key]: value } as Partial<Record<K, string>>;
}

function parseTag(value: string): { key: string; value: string } {
  const eq = value.indexOf('=');
  if (eq <= 0) throw new UsageError(`--tag ${JSON.stringify(value)}: expected KEY=VALUE, e.g. os=windows`);
  return { key: value.slice(0, eq), value: value.slice(eq + 1) };
}

/** https://host[:port] with no path, query or credentials (a Broker's or a Gateway's base). */
function parseOriginUrl(flag: string, value: string): OriginArg {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`${flag} ${JSON.stringify(value)} is not a URL (expected https://host:port)`);
  }
  if (url.protocol !== 'https:') throw new UsageError(`${flag} must be an https:// URL, got ${url.protocol}//`);
  if (url.username || url.password) throw new UsageError(`${flag} must not carry a user name or password`);
  if ((url.pathname !== '/' && url.pathname !== '') || url.search || url.hash) throw new UsageError(`${flag} takes https://host:port only, no path, query or #fragment`);
  return { url: url.origin, host: url.hostname.replace(/^\[(.*)\]$/, '$1'), port: url.port ? Number(url.port) : 443 };
}

function parseTokenUrl(value: string): void {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`--token-url ${JSON.stringify(value)} is not a URL`);
  }
  if (url.protocol !== 'https:') throw new UsageError(`--token-url must be an https:// URL, got ${url.protocol}//`);
  if (url.username || url.password || url.hash) throw new UsageError('--token-url takes no user name, password or #fragment (the client id and password go in --client-id and DCV_BROKER_CLIENT_PASSWORD)');
}

/** `https://host:port/prefix/?query#hash` (or `dcv://…`) → where to connect and what the entry page carries. */
export function parseTarget(target: string): { upstream: UpstreamTarget; entry: { query?: string; hash?: string }; url: URL } {
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    throw new UsageError(`--target ${JSON.stringify(target)} is not a URL (expected https://host[:port]/[prefix/])`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'dcv:') throw new UsageError(`--target must be an https:// (or dcv://) URL, got ${url.protocol}//`);
  if (url.username || url.password) throw new UsageError('--target must not carry a user name or password');
  if (!url.hostname) throw new UsageError('--target has no host');
  // dcv:// links leave the port out when it is DCV's default.
  const port = url.port ? Number(url.port) : url.protocol === 'dcv:' ? 8443 : 443;
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const path = url.pathname || '/';
  const pathPrefix = path.endsWith('/') ? path : path + '/';
  const query = url.search.replace(/^\?/, '');
  const hash = url.hash.replace(/^#/, '');
  return {
    upstream: { host, port, pathPrefix },
    entry: { ...(query ? { query } : {}), ...(hash ? { hash } : {}) },
    url: new URL(`https://${url.host}${pathPrefix}`),
  };
}

function parseResolve(value: string): AddressOverride {
  const m = /^(\[[^\]]+\]|[^:]+):(\d{1,5}):(.+)$/.exec(value);
  const port = m ? Number(m[2]) : 0;
  if (!m || port < 1 || port > 65535) throw new UsageError(`--resolve ${JSON.stringify(value)}: expected HOST:PORT:ADDRESS, e.g. vpce-….amazonaws.com:8443:10.213.66.188`);
  return { host: m[1].replace(/^\[(.*)\]$/, '$1'), port, address: m[3].replace(/^\[(.*)\]$/, '$1') };
}

function parseListen(value: string): { host: string; port: number } {
  const m = /^(?:([^:]+):)?(\d{1,5})$/.exec(value);
  const port = m ? Number(m[2]) : -1;
  if (!m || port > 65535) throw new UsageError(`--listen ${JSON.stringify(value)}: expected ADDRESS:PORT, e.g. 127.0.0.1:8443`);
  const host = m[1] ?? '127.0.0.1';
  if (host !== 'localhost' && !/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host)) throw new UsageError(`--listen: ${host} is not a loopback address (127.0.0.0/8)`);
  return { host, port };
}

function parseOrigin(value: string): void {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    /* below */
  }
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:') || url.origin !== value.replace(/\/$/, '')) {
    throw new UsageError(`--origin ${JSON.stringify(value)}: expected an origin like https://host[:port], no path`);
  }
}

function parseProxyUrl(value: string): { host: string; port: number; username?: string } {
  // Never quoted as given: a password may be in it, written in any way.
  const shown = JSON.stringify(redactProxyUrl(value));
  const at = value.lastIndexOf('@');
  if (at >= 0 && value.slice(0, at).replace(/^[a-z][a-z0-9+.-]*:\/\//i, '').includes(':')) {
    throw new UsageError('--proxy: put the password in DCV_TUNNEL_PROXY_PASSWORD, not in the URL (it would show in the process list)');
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`--proxy ${shown}: expected direct, env or a URL like http://proxy.corp:8080`);
  }
  if (url.protocol !== 'http:') throw new UsageError(`--proxy: only http:// proxies are supported (CONNECT over plain HTTP), got ${url.protocol}//`);
  if (!url.port) throw new UsageError('--proxy: the proxy URL needs a port, e.g. http://proxy.corp:8080');
  if (url.password) throw new UsageError('--proxy: put the password in DCV_TUNNEL_PROXY_PASSWORD, not in the URL (it would show in the process list)');
  if ((url.pathname !== '/' && url.pathname !== '') || url.search || url.hash) throw new UsageError('--proxy: the proxy URL takes no path or query');
  return { host: url.hostname.replace(/^\[(.*)\]$/, '$1'), port: Number(url.port), username: url.username ? decodeURIComponent(url.username) : undefined };
}

/** Everything a LocalTunnel (or the doctor) needs, resolved from the flags. */
export interface TunnelTarget {
  upstream: UpstreamTarget;
  /** The entry page's path in the local path space (a session's WebUrlPath); default "/". */
  webUrlPath?: string;
  entry: { query?: string; hash?: string };
  route: string | RouteEntry[];
  /** Why this route, in words: "--proxy direct", "NO_PROXY matches …", … */
  routeReason: string;
  proxyCredentials?: ProxyCredentials;
  trust: TrustPolicy;
  hostHeader?: string;
  origin?: string;
}

export interface ResolveDeps {
  env: NodeJS.ProcessEnv;
  /** Asks for the proxy password without echo; absent when there is no terminal. */
  promptPassword?: (question: string) => Promise<string>;
}

export async function resolveTunnelTarget(args: TunnelCliArgs, deps: ResolveDeps): Promise<TunnelTarget> {
  const { upstream, entry, url } = parseTarget(args.target ?? '');
  upstream.resolve = args.resolve.length > 0 ? args.resolve : undefined;
  const routeFor = await resolveProxyRule(args.proxy, deps);
  return { upstream, entry, ...routeFor(url), trust: resolveTrust(args), hostHeader: args.hostHeader, origin: args.origin };
}

/** --pin, else --ca, else the system's trust store. */
export function resolveTrust(args: Pick<TunnelFlags, 'pins' | 'caFile'>): TrustPolicy {
  if (args.pins.length > 0) return { kind: 'pin', fingerprints: args.pins };
  if (args.caFile) return { kind: 'ca', ca: readCa(args.caFile) };
  return { kind: 'system' };
}

export interface RouteDecision {
  route: string | RouteEntry[];
  routeReason: string;
  proxyCredentials?: ProxyCredentials;
}

/**
 * The --proxy rule as a function of the URL to reach, so the Broker, the Gateway and the
 * desktop each get their own decision (NO_PROXY may name one and not another) while a proxy
 * password is asked for once.
 */
export async function resolveProxyRule(proxy: string, deps: ResolveDeps): Promise<(url: URL) => RouteDecision> {
  if (proxy === 'direct') return () => ({ route: [{ kind: 'direct' }], routeReason: '--proxy direct' });
  if (proxy === 'env') {
    return (url) => {
      let decision: ReturnType<typeof envProxyFor>;
      try {
        decision = envProxyFor(url.href, deps.env);
      } catch (e) {
        if (e instanceof TunnelError) throw e;
        throw new UsageError(`--proxy env: ${(e as Error).message}`);
      }
      return { route: decision.route, routeReason: decision.reason, ...(decision.credentials ? { proxyCredentials: decision.credentials } : {}) };
    };
  }
  const parsed = parseProxyUrl(proxy);
  const decision: RouteDecision = { route: [{ kind: 'proxy', host: parsed.host, port: parsed.port }], routeReason: `--proxy ${parsed.host}:${parsed.port}` };
  if (parsed.username !== undefined) decision.proxyCredentials = { username: parsed.username, password: await proxyPassword(parsed.username, deps) };
  return () => decision;
}

async function proxyPassword(username: string, deps: ResolveDeps): Promise<string> {
  const fromEnv = deps.env.DCV_TUNNEL_PROXY_PASSWORD;
  if (fromEnv !== undefined) return fromEnv;
  if (deps.promptPassword) return deps.promptPassword(`Proxy password for ${username}: `);
  throw new UsageError(`--proxy names user ${JSON.stringify(username)} but no password: set DCV_TUNNEL_PROXY_PASSWORD (no terminal to ask on)`);
}

function readCa(file: string): string {
  let pem: string;
  try {
    pem = readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(`--ca ${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) throw new UsageError(`--ca ${file}: no PEM certificate in it`);
  return pem;
}

/** $XDG_CACHE_HOME/dcv-launcher, ~/.cache/dcv-launcher (or %LOCALAPPDATA%\dcv-launcher on Windows). */
export function defaultCertDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.XDG_CACHE_HOME) return join(env.XDG_CACHE_HOME, 'dcv-launcher');
  if (platform === 'win32' && env.LOCALAPPDATA) return join(env.LOCALAPPDATA, 'dcv-launcher');
  return join(homedir(), '.cache', 'dcv-launcher');
}
