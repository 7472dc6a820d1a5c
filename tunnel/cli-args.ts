/**
 * Flags of `dcv-tunnel` (and `dcv-tunnel doctor`, which takes the same ones): parsing is
 * pure (argv → TunnelCliArgs), resolving reads files, the environment and maybe a password
 * prompt (TunnelCliArgs → TunnelTarget). Bad input throws UsageError with a specific message.
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parseFingerprint } from './fingerprint';
import { envProxyFor } from './no-proxy';
import type { AddressOverride, ProxyCredentials, RouteEntry, TrustPolicy, UpstreamTarget } from './types';

export const USAGE = `Usage:
  dcv-tunnel --target URL [options]          open a localhost TLS tunnel to a DCV desktop
  dcv-tunnel doctor --target URL [options]   check the path to the desktop step by step

  --target URL              the desktop as the browser would open it, e.g.
                            https://vpce-….vpce.amazonaws.com:8443/10.150.248.180/?authToken=T#session-1
                            (the path is the router prefix; ?query and #fragment go to the entry page)
  --resolve HOST:PORT:ADDR  connect to ADDR when asked for HOST:PORT (repeatable), like curl
  --pin FINGERPRINT         accept only this server certificate: sha256/BASE64 or hex (repeatable)
  --ca FILE                 trust the CAs in this PEM file (default: the system's trust store)
  --proxy direct|env|URL    how to reach the endpoint (default env: HTTPS_PROXY / NO_PROXY);
                            URL like http://user@proxy.corp:8080, password from
                            DCV_TUNNEL_PROXY_PASSWORD or asked for on the terminal
  --host-header VALUE       the Host header sent to the server (default: the target's host:port)
  --origin VALUE            the Origin sent to the server (default: https:// + the Host header)
  --listen ADDR:PORT        local address and port (default 127.0.0.1 and a free port)
  --cert-dir DIR            where the localhost certificate is cached
                            (default $XDG_CACHE_HOME/dcv-launcher or ~/.cache/dcv-launcher)
  --json                    one JSON object per line on stdout
  -h, --help                this text

Exit status: 0 after a clean stop (SIGINT/SIGTERM), 1 when the tunnel cannot start, 2 on bad flags.
`;

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export interface TunnelCliArgs {
  command: 'tunnel' | 'doctor';
  help: boolean;
  json: boolean;
  target?: string;
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
} as const;

export function parseCliArgs(argv: readonly string[]): TunnelCliArgs {
  let parsed: ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true; strict: true }>>;
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError((e as Error).message.replace(/\. To specify a positional argument.*$/s, ''));
  }
  const { values, positionals } = parsed;
  let command: TunnelCliArgs['command'] = 'tunnel';
  const rest = [...positionals];
  if (rest[0] === 'doctor') {
    command = 'doctor';
    rest.shift();
  }
  if (rest.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(rest[0])} (flags start with --; the URL goes after --target)`);
  const args: TunnelCliArgs = {
    command,
    help: values.help ?? false,
    json: values.json ?? false,
    target: values.target,
    resolve: (values.resolve ?? []).map(parseResolve),
    pins: values.pin ?? [],
    caFile: values.ca,
    proxy: values.proxy ?? 'env',
    hostHeader: values['host-header'],
    origin: values.origin,
    listen: values.listen === undefined ? undefined : parseListen(values.listen),
    certDir: values['cert-dir'],
  };
  if (args.help) return args;
  if (!args.target) throw new UsageError('--target URL is required (the desktop URL, e.g. https://endpoint:8443/)');
  parseTarget(args.target);
  if (args.pins.length > 0 && args.caFile) throw new UsageError('use --pin or --ca, not both');
  for (const pin of args.pins) {
    try {
      parseFingerprint(pin);
    } catch (e) {
      throw new UsageError(`--pin ${JSON.stringify(pin)}: ${(e as Error).message}`);
    }
  }
  if (args.hostHeader !== undefined && !/^[\x21-\x7e]+$/.test(args.hostHeader)) throw new UsageError('--host-header must be a host or host:port without spaces');
  if (args.origin !== undefined) parseOrigin(args.origin);
  if (args.proxy !== 'direct' && args.proxy !== 'env') parseProxyUrl(args.proxy);
  return args;
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
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`--proxy ${JSON.stringify(value)}: expected direct, env or a URL like http://proxy.corp:8080`);
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

  let trust: TrustPolicy = { kind: 'system' };
  if (args.pins.length > 0) trust = { kind: 'pin', fingerprints: args.pins };
  else if (args.caFile) trust = { kind: 'ca', ca: readCa(args.caFile) };

  let route: string | RouteEntry[];
  let routeReason: string;
  let proxyCredentials: ProxyCredentials | undefined;
  if (args.proxy === 'direct') {
    route = [{ kind: 'direct' }];
    routeReason = '--proxy direct';
  } else if (args.proxy === 'env') {
    let decision: ReturnType<typeof envProxyFor>;
    try {
      decision = envProxyFor(url.href, deps.env);
    } catch (e) {
      throw new UsageError(`--proxy env: ${(e as Error).message}`);
    }
    route = decision.route;
    routeReason = decision.reason;
    proxyCredentials = decision.credentials;
  } else {
    const proxy = parseProxyUrl(args.proxy);
    route = [{ kind: 'proxy', host: proxy.host, port: proxy.port }];
    routeReason = `--proxy ${proxy.host}:${proxy.port}`;
    if (proxy.username !== undefined) {
      proxyCredentials = { username: proxy.username, password: await proxyPassword(proxy.username, deps) };
    }
  }
  return { upstream, entry, route, routeReason, proxyCredentials, trust, hostHeader: args.hostHeader, origin: args.origin };
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
