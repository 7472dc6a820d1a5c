/**
 * Where one desktop is, in the tunnel's terms: the endpoint name and NLB port, the router's
 * path prefix, the address override, and what the entry page needs (a gateway's token and
 * session). The connection manager and the doctor both start from this, so they agree.
 */
import type { Desktop, Endpoint } from '../../preload/contract/model';
import { formatHostPort } from '../../tunnel/proxy-list';
import type { UpstreamTarget } from '../../tunnel/types';
import { trustKey } from './trust-store';

export interface DesktopTarget {
  upstream: UpstreamTarget;
  /** The desktop's web-url-path in the local path space ("/" or "/dcv/"). */
  webUrlPath: string;
  /** Carried to the entry page: `authToken=…` and the session id (gateway only). */
  entry: { query?: string; hash?: string };
  /** https://host:port/ as a browser would ask for it: what proxy decisions are made for. */
  url: string;
  /** "host:port" in the TrustStore. */
  trustKey: string;
  hostHeader?: string;
  origin?: string;
  authToken?: string;
  sessionId?: string;
}

export function desktopTarget(endpoint: Endpoint, desktop: Desktop, authToken?: string): DesktopTarget {
  const { route } = desktop;
  const port = route.port;
  const upstream: UpstreamTarget = {
    host: endpoint.host,
    port,
    pathPrefix: route.kind === 'prefix' ? `/${route.agent}/` : '/',
    ...(endpoint.addressOverride ? { resolve: [{ host: endpoint.host, port, address: endpoint.addressOverride }] } : {}),
  };
  const gateway = route.kind === 'gateway';
  const token = gateway && authToken ? authToken : undefined;
  return {
    upstream,
    webUrlPath: desktop.webUrlPath,
    entry: {
      ...(token ? { query: `authToken=${encodeURIComponent(token)}` } : {}),
      ...(gateway ? { hash: route.sessionId } : {}),
    },
    url: `https://${formatHostPort(endpoint.host, port)}/`,
    trustKey: trustKey(endpoint.host, port),
    ...(endpoint.hostHeader ? { hostHeader: endpoint.hostHeader } : {}),
    ...(endpoint.origin ? { origin: endpoint.origin } : {}),
    ...(token ? { authToken: token } : {}),
    ...(gateway ? { sessionId: route.sessionId } : {}),
  };
}
