/**
 * A DcvConnect (from a `.dcv` file or a `dcv://` link) as catalogue items.
 *
 * - Endpoint: reused when one with the same host exists (its settings are kept); otherwise new,
 *   with the file's proxy (HTTP → manual http://proxyhost:proxyport, SYSTEM → system, NONE →
 *   direct; HTTPS/SOCKS are not supported by the tunnel → system, with a warning) and TLS
 *   policy `pin`: the user trusts the certificate at first use, whatever the file said.
 * - Route: a `sessionid` means a Connection Gateway route; its `authtoken` goes to the secret
 *   store, never into the desktop. Otherwise a `weburlpath` whose first segment is an IPv4
 *   address means the nginx path router (`/<agentIP>/…`): a prefix route on the file's port,
 *   with the rest of the path as the web URL path. A DCV server's own web-url-path is never an
 *   IP address, so this reading is safe whatever the port. Everything else is port-mapped.
 * - A desktop that reaches the same place as an existing one is not duplicated; a new token
 *   then refreshes the existing desktop's token.
 */
import { type Catalogue, Desktop, Endpoint, isIPv4, type ProxyMode, type Route } from '../../../preload/contract/model';
import type { DcvConnect } from './dcv-connect';
import { findEndpointByHost, findSameDesktop, idAllocator, sameData, type PlanResult } from './plan';

export interface DcvImportOptions {
  /** Desktop name, e.g. the .dcv file's name without extension. */
  name?: string;
  /** Warnings from reading the file or link, shown first. */
  warnings?: string[];
}

function proxyOf(connect: DcvConnect, warnings: string[]): ProxyMode {
  const proxy = connect.proxy;
  if (!proxy) return { mode: 'system' };
  switch (proxy.type) {
    case 'SYSTEM':
      return { mode: 'system' };
    case 'NONE':
      return { mode: 'direct' };
    case 'HTTP': {
      const host = proxy.host!.includes(':') && !proxy.host!.startsWith('[') ? `[${proxy.host}]` : proxy.host;
      return { mode: 'manual', url: `http://${host}:${proxy.port}`, ...(proxy.user ? { username: proxy.user } : {}) };
    }
    default:
      warnings.push(`proxytype=${proxy.type} is not supported by the launcher: the endpoint uses the system proxy settings instead`);
      return { mode: 'system' };
  }
}

function routeOf(connect: DcvConnect): { route: Route; webUrlPath: string } {
  if (connect.sessionId) return { route: { kind: 'gateway', port: connect.port, sessionId: connect.sessionId }, webUrlPath: connect.webUrlPath };
  const [first, ...rest] = connect.webUrlPath.split('/').filter(Boolean);
  if (first && isIPv4(first)) {
    return { route: { kind: 'prefix', port: connect.port, agent: first }, webUrlPath: rest.length > 0 ? `/${rest.join('/')}/` : '/' };
  }
  return { route: { kind: 'port', port: connect.port }, webUrlPath: connect.webUrlPath };
}

function defaultName(connect: DcvConnect, route: Route): string {
  if (route.kind === 'gateway') return `session ${route.sessionId}`;
  if (route.kind === 'prefix') return route.agent;
  return `${connect.host.split('.')[0]}:${route.port}`;
}

export function planDcvImport(connect: DcvConnect, current: Catalogue, newId: () => string, options: DcvImportOptions = {}): PlanResult {
  const warnings = [...(options.warnings ?? [])];
  const takeId = idAllocator(current, newId);
  const endpoints: Endpoint[] = [];

  const proxy = proxyOf(connect, warnings);
  let endpoint = findEndpointByHost(current, connect.host);
  if (endpoint) {
    warnings.push(`uses your endpoint "${endpoint.name}" (same host)${sameData(endpoint.proxy, proxy) ? '' : '; its proxy setting is kept, not the file\'s'}`);
  } else {
    const host = connect.host;
    const parsed = Endpoint.safeParse({ id: takeId(), name: host.length <= 60 ? host : host.split('.')[0], host, proxy, tls: { mode: 'pin' } });
    if (!parsed.success) return { ok: false, message: `cannot make an endpoint of it: ${parsed.error.issues[0].path.join('.')}: ${parsed.error.issues[0].message}` };
    endpoint = parsed.data;
    endpoints.push(endpoint);
  }
  if (connect.certificateValidationPolicy === 'accept-untrusted') {
    warnings.push('the file accepts any certificate; the launcher instead asks you to trust this server\'s certificate once and then pins it');
  }
  if (connect.user) warnings.push(`user name "${connect.user}" is not kept: DCV's sign-in asks for it`);

  const { route, webUrlPath } = routeOf(connect);
  if (route.kind === 'prefix') warnings.push(`the path /${route.agent}/ is read as the router's prefix for agent ${route.agent}`);

  const tokens: Record<string, string> = {};
  const desktops: Desktop[] = [];
  const same = findSameDesktop(current.desktops, { endpointId: endpoint.id, route, webUrlPath });
  if (same) {
    warnings.push(`this desktop is already here as "${same.name}": not added again`);
    if (connect.authToken && route.kind === 'gateway') {
      tokens[same.id] = connect.authToken;
      warnings.push(`the token of "${same.name}" will be replaced by the file's (kept in the secret store)`);
    }
  } else {
    const parsed = Desktop.safeParse({ id: takeId(), name: (options.name?.trim() || defaultName(connect, route)).slice(0, 120), endpointId: endpoint.id, route, webUrlPath });
    if (!parsed.success) return { ok: false, message: `cannot make a desktop of it: ${parsed.error.issues[0].path.join('.')}: ${parsed.error.issues[0].message}` };
    desktops.push(parsed.data);
    if (connect.authToken && route.kind === 'gateway') {
      tokens[parsed.data.id] = connect.authToken;
      warnings.push('the auth token is kept in the secret store, not in the catalogue (gateway tokens often expire: import a fresh file when it does)');
    }
  }
  if (connect.authToken && route.kind !== 'gateway') warnings.push('the auth token is dropped: only Connection Gateway desktops (with a sessionid) keep one');

  return { ok: true, plan: { preview: { format: 'dcv', endpoints, desktops, profiles: [], warnings }, tokens } };
}
