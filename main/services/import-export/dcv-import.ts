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
import type { Message } from '../../../tunnel/messages';
import type { DcvConnect } from './dcv-connect';
import { note } from './notes';
import { buildPlan, failed, findEndpointByHost, findSameDesktop, idAllocator, sameData, type PlanResult } from './plan';

export interface DcvImportOptions {
  /** Desktop name, e.g. the .dcv file's name without extension (see desktopNameFromFile). */
  name?: string;
  /** Notes from reading the file or link, shown first. */
  notes?: Message[];
}

/**
 * The desktop name a .dcv file gives: its name without folders and without the extension, in
 * any case (`C:\Users\me\営業デスクトップ.DCV` → "営業デスクトップ"), NFC-normalized (macOS hands
 * out decomposed names: "デ" as "テ" + U+3099, which looks the same and never matches a search).
 */
export function desktopNameFromFile(fileName: string | undefined): string | undefined {
  if (!fileName) return undefined;
  const name = fileName
    .normalize('NFC')
    .replace(/^.*[\\/]/, '')
    .replace(/\.dcv$/i, '')
    .replace(/[\x00-\x1f\x7f]+/g, ' ')
    .trim();
  return name === '' ? undefined : name.slice(0, 120).trim();
}

function proxyOf(connect: DcvConnect, notes: Message[]): ProxyMode {
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
      notes.push(note('import.dcv.proxyTypeUnsupported', { type: proxy.type }));
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

/** A name without words in any language (no file name to go by): the host's first label, the port, the session. */
function defaultName(connect: DcvConnect, route: Route): string {
  const host = isIPv4(connect.host) || connect.host.includes(':') ? connect.host : connect.host.split('.')[0];
  if (route.kind === 'gateway') return `${host}:${route.port}#${route.sessionId}`;
  if (route.kind === 'prefix') return route.agent;
  return `${host}:${route.port}`;
}

const fieldOf = (issue: { path: PropertyKey[] }) => issue.path.map(String).join('.') || '(top level)';

export function planDcvImport(connect: DcvConnect, current: Catalogue, newId: () => string, options: DcvImportOptions = {}): PlanResult {
  const notes = [...(options.notes ?? [])];
  const takeId = idAllocator(current, newId);
  const endpoints: Endpoint[] = [];

  const proxy = proxyOf(connect, notes);
  let endpoint = findEndpointByHost(current, connect.host);
  if (endpoint) {
    notes.push(note(sameData(endpoint.proxy, proxy) ? 'import.dcv.endpointReused' : 'import.dcv.endpointReusedProxyKept', { name: endpoint.name }));
  } else {
    const host = connect.host;
    const parsed = Endpoint.safeParse({ id: takeId(), name: host.length <= 60 ? host : host.split('.')[0], host, proxy, tls: { mode: 'pin' } });
    if (!parsed.success) return failed([note('import.dcv.endpointInvalid', { field: fieldOf(parsed.error.issues[0]) })]);
    endpoint = parsed.data;
    endpoints.push(endpoint);
  }
  if (connect.certificateValidationPolicy === 'accept-untrusted') notes.push(note('import.dcv.acceptsAnyCertificate'));
  if (connect.user) notes.push(note('import.dcv.userNotKept', { user: connect.user.slice(0, 80) }));

  const { route, webUrlPath } = routeOf(connect);
  if (route.kind === 'prefix') notes.push(note('import.dcv.prefixRead', { agent: route.agent }));

  const tokens: Record<string, string> = {};
  const desktops: Desktop[] = [];
  const same = findSameDesktop(current.desktops, { endpointId: endpoint.id, route, webUrlPath });
  if (same) {
    notes.push(note('import.dcv.duplicate', { name: same.name }));
    if (connect.authToken && route.kind === 'gateway') {
      tokens[same.id] = connect.authToken;
      notes.push(note('import.dcv.tokenReplaced', { name: same.name }));
    }
  } else {
    const parsed = Desktop.safeParse({ id: takeId(), name: (options.name?.trim() || defaultName(connect, route)).slice(0, 120), endpointId: endpoint.id, route, webUrlPath });
    if (!parsed.success) return failed([note('import.dcv.desktopInvalid', { field: fieldOf(parsed.error.issues[0]) })]);
    desktops.push(parsed.data);
    if (connect.authToken && route.kind === 'gateway') {
      tokens[parsed.data.id] = connect.authToken;
      notes.push(note('import.dcv.tokenToSecretStore'));
    }
  }
  if (connect.authToken && route.kind !== 'gateway') notes.push(note('import.dcv.tokenDropped'));

  return { ok: true, plan: buildPlan('dcv', { endpoints, desktops, notes, tokens }) };
}
