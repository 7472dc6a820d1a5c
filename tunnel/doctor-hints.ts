/**
 * What to change, for every code a diagnosis can end in, in the user's terms: a setting of the
 * endpoint in the app, a line of the server's dcv.conf, the nginx router, the proxy, no_proxy.
 * Texts only; the engine decides which code applies and passes the facts it saw.
 */
import type { CertificateSummary } from './errors';

export interface HintFacts {
  /** The endpoint name and port the desktop is reached at. */
  host: string;
  port: number;
  pathPrefix: string;
  webUrlPath: string;
  /** Where the TCP connection was aimed (an address override, or the name). */
  address?: string;
  /** "proxy:8080" when the route went through a proxy. */
  proxy?: string;
  /** Why that route: "Endpoint → Proxy: system", "HTTPS_PROXY", … */
  routeReason?: string;
  proxyStatus?: number;
  proxyAuthenticate?: string;
  hasProxyCredentials?: boolean;
  certificate?: CertificateSummary;
  pins?: string[];
  /** HTTP or upgrade status and what came with it. */
  status?: number;
  location?: string;
  path?: string;
  hostHeader?: string;
  origin?: string;
  /** The page answered 2xx with this Host, so the Host regex accepts it. */
  hostAccepted?: boolean;
  hasAuthToken?: boolean;
  sessionId?: string;
  /** What a plain browser on this machine would do with the endpoint; reason: why, without repeating the route. */
  plainBrowserRoute?: { route: string; reason: string };
  daysLeft?: number;
  /** Route entries tried before the one that was used (or before the last that failed). */
  earlierRoutes?: { route: string; code: string; message: string }[];
  message?: string;
}

type HintText = (f: HintFacts) => string;

const where = (f: HintFacts) => `${f.host}:${f.port}`;
const viaProxy = (f: HintFacts) => f.proxy ?? 'the proxy';
const certNames = (c?: CertificateSummary) =>
  c ? [c.subject, ...c.subjectAltName].filter(Boolean).join(', ') || '(no names)' : '(unknown)';
/** A regex alternative that matches exactly this literal. */
const literal = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** How a subjectAltName entry for this host is written (openssl's form). */
const sanFor = (host: string) => (/^[\d.]+$/.test(host) || host.includes(':') ? `IP:${host}` : `DNS:${host}`);
const hostOnly = (hostHeader: string) => hostHeader.replace(/^\[([^\]]+)\](?::\d+)?$/, '$1').replace(/^([^:\]]+):\d+$/, '$1');

const HINTS: Record<string, HintText> = {
  DNS_NOT_FOUND: (f) =>
    `"${f.host}" does not resolve from this machine. A VPC endpoint name resolves only inside the VPC's private DNS zone. ` +
    `Set Endpoint → Address override to the endpoint's private IP (the VPC console lists it under the endpoint's subnets; CLI: --resolve ${f.host}:${f.port}:<IP>), ` +
    `or have this network's DNS forward the endpoint's private hosted zone.`,

  TCP_REFUSED: (f) =>
    `Nothing accepts connections at ${f.address ?? f.host}:${f.port}. Check Endpoint → Port (the NLB listener port of this desktop), ` +
    `that the load balancer has a listener on ${f.port}, that dcv-server runs on the agent (systemctl status dcvserver), ` +
    `and, if you set an Endpoint → Address override, that the IP is the endpoint's.`,

  TCP_TIMEOUT: (f) =>
    `No answer from ${f.address ?? f.host}:${f.port}: packets are dropped on the way. Check that the VPC endpoint's security group allows inbound TCP ${f.port} from your network, ` +
    `the subnet NACLs (both directions, including ephemeral ports 1024-65535), and the NLB target group health for listener ${f.port} (an unhealthy target gets no traffic). ` +
    `If this network only reaches the VPC through a proxy, set Endpoint → Proxy to it.`,

  ROUTE_FALLBACK: (f) =>
    `The route's first choice failed: ${(f.earlierRoutes ?? []).map((r) => `${r.route} (${r.code}: ${r.message})`).join('; ')}. ` +
    `The connection went on with the next entry, but every new connection (a desktop opens 4-6) tries the failing one first and waits for it. ` +
    `Fix it or remove it: Endpoint → Proxy (or the PAC file / proxy settings that produced the list).`,

  PROXY_UNREACHABLE: (f) =>
    `The proxy ${viaProxy(f)} cannot be reached${f.message ? ` (${f.message})` : ''}${f.routeReason ? `; it was chosen by ${f.routeReason}` : ''}. ` +
    `Check the proxy address in Endpoint → Proxy (or HTTPS_PROXY), or choose 'Direct' if the endpoint is reachable without it.`,

  PROXY_AUTH_REQUIRED: (f) => {
    const scheme = f.proxyAuthenticate?.split(/[\s,]/, 1)[0] || 'unknown';
    const basic = /\bbasic\b/i.test(f.proxyAuthenticate ?? '');
    return (
      `The proxy ${viaProxy(f)} answered 407 Proxy Authentication Required (Proxy-Authenticate: ${f.proxyAuthenticate ?? 'none'}). ` +
      (f.hasProxyCredentials
        ? `The credentials in Endpoint → Proxy → Credentials were refused: re-enter the user name and password. `
        : `Enter the proxy user name and password in Endpoint → Proxy → Credentials (kept in the OS keychain; CLI: --proxy http://USER:PASS@${viaProxy(f)}). `) +
      (basic ? '' : `The proxy offers ${scheme}, not Basic; the launcher sends Basic credentials only, so ask for Basic to be enabled or go Direct. `) +
      `If the endpoint is reachable without the proxy, choose Endpoint → Proxy: 'Direct' and add ${f.host} to no_proxy.`
    );
  },

  PROXY_CONNECT_FORBIDDEN: (f) =>
    `The proxy ${viaProxy(f)} refuses CONNECT to port ${f.port}${f.proxyStatus ? ` (HTTP ${f.proxyStatus})` : ''}: proxies usually tunnel only to port 443 ` +
    `(squid: "http_access deny CONNECT !SSL_ports"). The endpoint is inside your VPC: choose Endpoint → Proxy: 'Direct', and add ${f.host} to no_proxy ` +
    `so browsers go direct too; or ask the proxy's admins to add ${f.port} to its allowed CONNECT ports (squid: "acl SSL_ports port ${f.port}").`,

  PROXY_ERROR: (f) =>
    `The proxy ${viaProxy(f)} answered ${f.proxyStatus ?? 'an error'} to CONNECT ${where(f)}: it could not resolve or reach the endpoint ` +
    `(a private endpoint name resolves only inside the VPC, and the proxy resolves it itself). Set Endpoint → Address override to the endpoint's IP ` +
    `so the CONNECT goes to the IP, or choose Endpoint → Proxy: 'Direct'.`,

  TLS_UNTRUSTED: (f) =>
    `The certificate (${certNames(f.certificate)}${f.certificate?.selfSigned ? ', self-signed' : `, issued by ${f.certificate?.issuer ?? '?'}`}) is not trusted by this machine. ` +
    `DCV servers make their own self-signed certificate: compare its fingerprint ${f.certificate?.fingerprint256Hex ?? ''} with the one on the server ` +
    `(dcv list-endpoints, or openssl x509 -noout -fingerprint -sha256 -in /etc/dcv/dcv.pem), then pin it: Endpoint → Certificate → Trust this certificate (CLI: --pin).`,

  TLS_PIN_MISMATCH: (f) =>
    `The server presented a different certificate (${f.certificate?.fingerprint256Hex ?? '?'}) than the one pinned (${(f.pins ?? []).join(', ') || 'none'}). ` +
    `If the server's certificate was renewed, compare the new fingerprint with "dcv list-endpoints" on the server and re-pin it in Endpoint → Certificate. ` +
    `If it does not match the server's, something in between (a TLS-inspecting proxy?) is answering: do not trust it.`,

  TLS_EXPIRED: (f) =>
    `The certificate expired on ${f.certificate?.validTo ?? '?'}. Renew it on the server (remove /etc/dcv/dcv.pem and /etc/dcv/dcv.key and restart dcvserver for a new self-signed one, ` +
    `or install a new certificate there), then pin the new one in Endpoint → Certificate.`,

  TLS_NAME_MISMATCH: (f) =>
    `The certificate names ${certNames(f.certificate)}, not "${f.host}". Reissue it with subjectAltName ${sanFor(f.host)}, ` +
    `connect with a name it carries, or pin this certificate in Endpoint → Certificate (a pin identifies the server by its certificate, not its name).`,

  TLS_HANDSHAKE_FAILED: (f) =>
    `The TLS handshake with ${where(f)} failed${f.message ? ` (${f.message})` : ''}. The port may not be DCV's (an SSH listener answers on 22/50002/60001), ` +
    `or something in between breaks TLS. Check that NLB listener ${f.port} forwards to the agent's 8443.`,

  UPSTREAM_RESET: (f) =>
    `The server closed the connection before answering ${f.path ?? 'the request'}. Check dcv-server's log (/var/log/dcv/server.log) and, for a router, nginx's error.log.`,

  UPSTREAM_TIMEOUT: (f) =>
    `The server did not answer ${f.path ?? 'the request'} in time. Check that the agent is healthy (dcv list-sessions) and, for a router, that nginx reaches the agent.`,

  HTTP_STATUS: (f) => {
    const path = f.path ?? f.webUrlPath;
    if (f.status === 404) {
      return (
        `${path} answered 404. Endpoint → Web URL path ("${f.webUrlPath}") must equal dcv.conf [connectivity] web-url-path on the server (default "/"). ` +
        (f.pathPrefix !== '/'
          ? `With a path router, also check the prefix "${f.pathPrefix}" (the agent's IP) and that the nginx router's location matches it ` +
            `(location ~ "^/(\\d{1,3}(\\.\\d{1,3}){3})(/.*)?$" with proxy_pass https://$1:8443$3).`
          : '')
      );
    }
    if (f.status === 403) {
      const h = hostOnly(f.hostHeader ?? f.host);
      return (
        `${path} answered 403 to Host: ${f.hostHeader ?? '?'}. dcv.conf [security] allowed-http-host-regex must accept "${h}", ` +
        `e.g. allowed-http-host-regex = "^(${literal(h)}|<the names it already allows>)$"; or set Endpoint → Host header override to a name the regex accepts.`
      );
    }
    if (f.status !== undefined && f.status >= 500) {
      return (
        `${path} answered ${f.status}: whatever is in front of the agent could not reach it. A path router: check that nginx's proxy_pass reaches the agent ` +
        `(error.log); a Connection Gateway: check its [resolver] url and the session; a single agent: check dcv-server's log.`
      );
    }
    if (f.status !== undefined && f.status >= 300 && f.status < 400) {
      return (
        `${path} redirects to ${f.location ?? '(no Location)'}. The page usually lives at web-url-path directly: check Endpoint → Web URL path ` +
        `against dcv.conf [connectivity] web-url-path, or whether a sign-in page is in front of the server.`
      );
    }
    return `${path} answered ${f.status ?? '?'}, not 2xx. Check Endpoint → Web URL path against dcv.conf [connectivity] web-url-path and the server's log.`;
  },

  WS_FORBIDDEN: (f) => {
    const h = hostOnly(f.hostHeader ?? f.host);
    const culprit = f.hostAccepted
      ? `The page loaded with the same Host, so it is the Origin the server refuses. `
      : `The server refuses the Host or the Origin. `;
    return (
      `${f.path ?? 'auth'} answered 403. We sent Host: ${f.hostHeader ?? '?'} and Origin: ${f.origin ?? '?'}. ${culprit}` +
      `On the server, dcv.conf [security] allowed-ws-origin-regex must match "${f.origin ?? ''}" ` +
      `(e.g. allowed-ws-origin-regex = "^https://(${literal(h)}|<names it already allows>)(:[0-9]+)?$") and allowed-http-host-regex must match "${h}". ` +
      `Or set Endpoint → Origin override (and Host header override) to values those regexes already accept.`
    );
  },

  WS_NOT_FOUND: (f) =>
    `${f.path ?? 'auth'} answered 404 to the WebSocket upgrade although the page loaded. Through a DCV Connection Gateway this means it could not route the session: ` +
    (f.hasAuthToken ? '' : `the URL carries no authToken (set Endpoint → Auth token, from the broker's GetSessionConnectionData); `) +
    `the session resolver could not resolve session "${f.sessionId ?? '(none)'}" (check the gateway's [resolver] url and the session id); ` +
    `or dcv-connection-gateway.conf lacks its [web-resources] section. Directly on an agent, check Endpoint → Web URL path against web-url-path.`,

  WS_REDIRECT: (f) =>
    `${f.path ?? 'auth'} answered ${f.status ?? 302} → ${f.location ?? '(no Location)'}: the server's dcv.conf [security] auth-token-verifier points at a broker, ` +
    `so it accepts only connections with a token from that broker. Open the desktop from the broker's link (Endpoint → Auth token) ` +
    `or, if the broker is not meant to be used, remove auth-token-verifier and use authentication = "system".`,

  WS_STATUS: (f) =>
    `${f.path ?? 'auth'} answered ${f.status ?? '?'} instead of 101 Switching Protocols. The server (or a router in front of it) does not accept DCV's WebSocket there: ` +
    `check Endpoint → Web URL path against web-url-path, and that a router passes Upgrade and Connection headers (nginx: proxy_http_version 1.1; proxy_set_header Upgrade $http_upgrade; proxy_set_header Connection "upgrade").`,

  CERT_EXPIRES_SOON: (f) =>
    `The certificate expires on ${f.certificate?.validTo ?? '?'} (in ${f.daysLeft ?? '?'} days); after that every connection fails. ` +
    `Renew it on the server before then, and pin the new one in Endpoint → Certificate.`,

  CERT_EXPIRED: (f) =>
    `The pinned certificate expired on ${f.certificate?.validTo ?? '?'}. The launcher trusts the pin, so this still works here; ` +
    `browsers and the native client refuse it. Renew it on the server (remove /etc/dcv/dcv.pem and /etc/dcv/dcv.key and restart dcvserver), then pin the new one in Endpoint → Certificate.`,

  CERT_NOT_YET_VALID: (f) =>
    `The certificate is valid only from ${f.certificate?.validFrom ?? '?'}: this machine's clock or the server's is wrong. Fix the clock (NTP); browsers refuse such a certificate.`,

  TLS_WARNING: (f) => `The TLS step passed with a warning: ${f.message ?? '(none given)'}.`,

  CERT_NAME_MISMATCH: (f) =>
    `The pinned certificate names ${certNames(f.certificate)}, not "${f.host}". The launcher checks the pin, so this works here; ` +
    `a plain browser or the native client with certificate validation will warn. Reissue it with subjectAltName ${sanFor(f.host)} if they must connect directly.`,

  SYSTEM_PROXY_WOULD_INTERCEPT: (f) =>
    `The launcher goes DIRECT, but a plain browser on this machine would send ${f.host} to ${f.plainBrowserRoute?.route ?? 'a proxy'}` +
    `${f.plainBrowserRoute?.reason ? ` (${f.plainBrowserRoute.reason})` : ''}: that is why curl works and a plain browser does not. ` +
    `Add ${f.host}${f.address && f.address !== f.host ? ` and ${f.address}` : ''} ` +
    `to no_proxy (and the browser's proxy exceptions), or open the desktop from the launcher.`,

  HSTS_SELF_SIGNED: (f) =>
    `The server sends Strict-Transport-Security with a self-signed certificate: once a browser has seen it, it refuses the click-through on the next certificate warning ` +
    `for ${f.host}. The launcher strips the header; for plain browsers, give the server a certificate they trust.`,

  PATH_PREFIX_LEAK: (f) =>
    `An unprefixed path reaches a different server than ${f.pathPrefix}: the router sends "/", "/auth" and "/ws" to its default agent. ` +
    `A client whose sockets forget the prefix lands silently on the wrong desktop. The launcher adds the prefix to every request; ` +
    `for other clients, make the nginx router's default location return 404 instead of proxying to an agent.`,
};

/** The hint for a code, or a generic one for a code this table does not know. */
export function hintFor(code: string, facts: HintFacts): string {
  const text = HINTS[code];
  return text ? text(facts) : `Step failed with ${code}${facts.message ? `: ${facts.message}` : ''}.`;
}

/** Codes with a specific hint; the tests check that every TunnelErrorCode of the path has one. */
export const HINTED_CODES: readonly string[] = Object.keys(HINTS);
