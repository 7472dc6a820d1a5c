/**
 * What to change, for every code a diagnosis can end in, in the user's terms: a setting of the
 * endpoint in the app, a line of the server's dcv.conf, the nginx router, the proxy, no_proxy,
 * the Session Manager Broker's or the Connection Gateway's configuration.
 * Texts only; the engine decides which code applies and passes the facts it saw.
 *
 * These are the English texts (CLI, reports). The app words the same advice in the user's
 * language from `Advice` (a code of ADVICE_CODES and these facts): every fact a text here
 * reads must therefore be in HintFacts, as plain data.
 */
import type { CertificateSummary } from './errors';
import type { Message } from './messages';

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
  /** The same reason as data (route.env.*, or the app's proxy policy's codes). */
  routeBecause?: Message;
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
  /** What a plain browser on this machine would do with the endpoint; reason: why, without repeating the route (because: the same as data). */
  plainBrowserRoute?: { route: string; reason: string; because?: Message };
  daysLeft?: number;
  /** Route entries tried before the one that was used (or before the last that failed). */
  earlierRoutes?: { route: string; code: string; message: string }[];
  /** Technical detail of a failure (an errno line, a parser's complaint); English, not needed to word the advice. */
  message?: string;

  // Session Manager, the Connection Gateway, DCV's first messages.
  /** host and port are the Session Manager Broker's client API, not a desktop's (its dial steps and calls). */
  atBroker?: boolean;
  /** 'gateway': the desktop is reached through a DCV Connection Gateway; 'server': straight at a DCV server (or a router in front). */
  via?: 'gateway' | 'server';
  /** The Broker behind a Session Manager desktop: the Gateway's resolver and the server's token verifier are on its host. */
  brokerHost?: string;
  /** The Broker's client API port (Session Manager source → Broker port). */
  brokerPort?: number;
  /** The OAuth client id the Broker refused or knows. */
  clientId?: string;
  /** The Broker call: 'token', 'describeSessions', 'getSessionConnectionData'. */
  operation?: string;
  /** The Broker's HTTP status on a refused call. */
  brokerStatus?: number;
  /** The session's state (CREATING, DELETING, …) and the Broker's StateReason. */
  sessionState?: string;
  stateReason?: string;
  /** Where DescribeSessions says the session runs. */
  sessionServer?: { ip: string; hostname: string; port?: number };
  maxConcurrentClients?: number;
  numOfConnections?: number;
  /** A connectionAbort's reason (AbortReason name), or undefined when the server just closed. */
  abortReason?: string;
  /** The close frame that ended the socket, if one came. */
  closeCode?: number;
  closeReason?: string;
  /** authenticationInit: 'none', 'system', …, and the SASL mechanisms offered. */
  authMode?: string;
  mechanisms?: string[];
}

/**
 * Every code a diagnosis step can warn or fail with, each with a hint below. The renderer's
 * dictionaries are checked against this list at compile time.
 */
export const ADVICE_CODES = [
  // the path: dns, tcp, proxy, tls (the desktop's, and the Broker's with atBroker)
  'DNS_NOT_FOUND',
  'TCP_REFUSED',
  'TCP_TIMEOUT',
  'ROUTE_FALLBACK',
  'PROXY_UNREACHABLE',
  'PROXY_AUTH_REQUIRED',
  'PROXY_CREDENTIALS_REFUSED',
  'PROXY_URL_UNENCODED',
  'PROXY_CONNECT_FORBIDDEN',
  'PROXY_ERROR',
  'SYSTEM_PROXY_WOULD_INTERCEPT',
  'TLS_UNTRUSTED',
  'TLS_PIN_MISMATCH',
  'TLS_EXPIRED',
  'TLS_NAME_MISMATCH',
  'TLS_HANDSHAKE_FAILED',
  'TLS_WARNING',
  'CERT_EXPIRES_SOON',
  'CERT_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_NAME_MISMATCH',
  // http
  'UPSTREAM_RESET',
  'UPSTREAM_TIMEOUT',
  'HTTP_STATUS',
  'HSTS_SELF_SIGNED',
  'PATH_PREFIX_LEAK',
  // websocket: the upgrade, then DCV's first messages
  'WS_FORBIDDEN',
  'WS_NOT_FOUND',
  'WS_REDIRECT',
  'WS_STATUS',
  'WS_ABORTED',
  'WS_CLOSED',
  'WS_UNEXPECTED',
  'NO_SESSION',
  'TOKEN_REJECTED',
  'CONNECTION_LIMIT_REACHED',
  'GATEWAY_TOKEN_MISSING',
  'GATEWAY_SESSION_UNRESOLVED',
  'GATEWAY_SERVER_UNREACHABLE',
  // Session Manager's Broker
  'BROKER_AUTH_FAILED',
  'BROKER_FORBIDDEN',
  'BROKER_INVALID_REQUEST',
  'BROKER_ERROR',
  'BROKER_BAD_RESPONSE',
  'BROKER_TIMEOUT',
  'SESSION_NOT_FOUND',
  'SESSION_NOT_READY',
  'SESSION_NO_ROUTE',
  // the local side: the tunnel's own port
  'LISTEN_FAILED',
  // anything else (a route the tunnel cannot use, an abort): the message says what
  'UNEXPECTED',
] as const;
export type AdviceCode = (typeof ADVICE_CODES)[number];

/**
 * Worth knowing, nothing to fix for the launcher: it strips HSTS itself, it checks the pin and
 * not the name, it goes its own way whatever a plain browser would do. A step with only these
 * is 'info', and they never colour a desktop's status.
 */
export const INFO_CODES: readonly AdviceCode[] = ['HSTS_SELF_SIGNED', 'CERT_NAME_MISMATCH', 'SYSTEM_PROXY_WOULD_INTERCEPT'];
export const isInfoCode = (code: string): boolean => (INFO_CODES as readonly string[]).includes(code);

/**
 * What to change, as data: the code and the facts it was judged on (a snapshot, plain JSON
 * data). The app words it in the user's language; hintFor(code, facts) is the English (CLI).
 */
export interface Advice {
  code: string;
  facts: HintFacts;
}

type HintText = (f: HintFacts) => string;

const where = (f: HintFacts) => `${f.host}:${f.port}`;
/** "the Broker at host:8448" or "host:50001": what was dialled, in the hint's words. */
const peer = (f: HintFacts) => (f.atBroker ? `the Broker at ${where(f)}` : where(f));
/** The control that sets the port dialled. */
const portControl = (f: HintFacts) => (f.atBroker ? 'Session Manager source → Broker port' : 'Endpoint → Port');
const brokerName = (f: HintFacts) => f.brokerHost ?? '<broker>';
const session = (f: HintFacts) => `"${f.sessionId ?? '(none)'}"`;
const serverText = (f: HintFacts) =>
  f.sessionServer ? `${f.sessionServer.ip}${f.sessionServer.hostname ? ` (${f.sessionServer.hostname})` : ''}${f.sessionServer.port ? ` port ${f.sessionServer.port}` : ''}` : 'the server DescribeSessions names';
const viaProxy = (f: HintFacts) => f.proxy ?? 'the proxy';
const certNames = (c?: CertificateSummary) =>
  c ? [c.subject, ...c.subjectAltName].filter(Boolean).join(', ') || '(no names)' : '(unknown)';
/** A regex alternative that matches exactly this literal. */
const literal = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** How a subjectAltName entry for this host is written (openssl's form). */
const sanFor = (host: string) => (/^[\d.]+$/.test(host) || host.includes(':') ? `IP:${host}` : `DNS:${host}`);
const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
/** The Broker's own CA, which a Gateway's [resolver] ca-file must name (SESSION-MANAGER.md). */
const BROKER_CA = '/var/lib/dcvsmbroker/security/dcvsmbroker_ca.pem';
const hostOnly = (hostHeader: string) => hostHeader.replace(/^\[([^\]]+)\](?::\d+)?$/, '$1').replace(/^([^:\]]+):\d+$/, '$1');

const HINTS: Record<AdviceCode, HintText> = {
  DNS_NOT_FOUND: (f) =>
    `"${f.host}" does not resolve from this machine. A VPC endpoint name resolves only inside the VPC's private DNS zone. ` +
    `Set Endpoint → Address override to the endpoint's private IP (the VPC console lists it under the endpoint's subnets; CLI: --resolve ${f.host}:${f.port}:<IP>), ` +
    `or have this network's DNS forward the endpoint's private hosted zone.`,

  TCP_REFUSED: (f) =>
    `Nothing accepts connections at ${f.address ?? f.host}:${f.port}${f.atBroker ? ' (the Broker)' : ''}. ` +
    (f.atBroker
      ? `Check Session Manager source → Broker port (the NLB listener for the Broker's client-to-broker-connector-https-port, 8443 by default; the field uses 8448), ` +
        `that the load balancer has a listener on ${f.port}, that the Broker runs (systemctl status dcv-session-manager-broker), `
      : `Check Endpoint → Port (the NLB listener port of this desktop), that the load balancer has a listener on ${f.port}, that dcv-server runs on the agent (systemctl status dcvserver), `) +
    `and, if you set an Endpoint → Address override, that the IP is the endpoint's.`,

  TCP_TIMEOUT: (f) =>
    `No answer from ${f.address ?? f.host}:${f.port}${f.atBroker ? ' (the Broker)' : ''}: packets are dropped on the way. Check that the VPC endpoint's security group allows inbound TCP ${f.port} from your network, ` +
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

  PROXY_CREDENTIALS_REFUSED: (f) =>
    `The proxy ${viaProxy(f)} refused this user name and password before, so they were not sent again: corporate accounts lock after a few failures. ` +
    `Re-enter the password when the launcher asks (Endpoint → Proxy → Credentials; CLI: start dcv-tunnel again with the right DCV_TUNNEL_PROXY_PASSWORD).`,

  PROXY_URL_UNENCODED: () =>
    `The user name or password in the proxy URL (HTTPS_PROXY, or the proxy setting) holds "/", "?" or "#" as it is, where a URL ends its host part: ` +
    `write them percent-encoded (/ as %2F, ? as %3F, # as %23; % itself as %25), e.g. http://user:pa%23ss@proxy:8080.`,

  PROXY_CONNECT_FORBIDDEN: (f) =>
    `The proxy ${viaProxy(f)} refuses CONNECT to port ${f.port}${f.proxyStatus ? ` (HTTP ${f.proxyStatus})` : ''}: proxies usually tunnel only to port 443 ` +
    `(squid: "http_access deny CONNECT !SSL_ports"). The endpoint is inside your VPC: choose Endpoint → Proxy: 'Direct', and add ${f.host} to no_proxy ` +
    `so browsers go direct too; or ask the proxy's admins to add ${f.port} to its allowed CONNECT ports (squid: "acl SSL_ports port ${f.port}").`,

  PROXY_ERROR: (f) =>
    `The proxy ${viaProxy(f)} answered ${f.proxyStatus ?? 'an error'} to CONNECT ${where(f)}: it could not resolve or reach the endpoint ` +
    `(a private endpoint name resolves only inside the VPC, and the proxy resolves it itself). Set Endpoint → Address override to the endpoint's IP ` +
    `so the CONNECT goes to the IP, or choose Endpoint → Proxy: 'Direct'.`,

  TLS_UNTRUSTED: (f) =>
    `The certificate of ${peer(f)} (${certNames(f.certificate)}${f.certificate?.selfSigned ? ', self-signed' : `, issued by ${f.certificate?.issuer ?? '?'}`}) is not trusted by this machine. ` +
    (f.atBroker
      ? `The Broker makes its own self-signed certificate: compare its fingerprint ${f.certificate?.fingerprint256Hex ?? ''} with the Broker's ` +
        `(on the Broker host, openssl x509 -noout -fingerprint -sha256 on the certificate it serves; its CA is ${BROKER_CA}), then trust it when the launcher shows it, or trust that CA.`
      : `DCV servers make their own self-signed certificate: compare its fingerprint ${f.certificate?.fingerprint256Hex ?? ''} with the one on the server ` +
        `(dcv list-endpoints, or openssl x509 -noout -fingerprint -sha256 -in /etc/dcv/dcv.pem), then pin it: Endpoint → Certificate → Trust this certificate (CLI: --pin).`),

  TLS_PIN_MISMATCH: (f) =>
    `${f.atBroker ? 'The Broker' : 'The server'} at ${where(f)} presented a different certificate (${f.certificate?.fingerprint256Hex ?? '?'}) than the one pinned (${(f.pins ?? []).join(', ') || 'none'}). ` +
    (f.atBroker
      ? `If the Broker's certificate was renewed, compare the new fingerprint with the Broker's own (openssl x509 -noout -fingerprint -sha256 on the Broker host) and trust it again (Settings → Trusted certificates keeps the pin for ${where(f)}). `
      : `If the server's certificate was renewed, compare the new fingerprint with "dcv list-endpoints" on the server and re-pin it in Endpoint → Certificate. `) +
    `If it does not match, something in between (a TLS-inspecting proxy?) is answering: do not trust it.`,

  TLS_EXPIRED: (f) =>
    `The certificate expired on ${f.certificate?.validTo ?? '?'}. Renew it on the server (remove /etc/dcv/dcv.pem and /etc/dcv/dcv.key and restart dcvserver for a new self-signed one, ` +
    `or install a new certificate there), then pin the new one in Endpoint → Certificate.`,

  TLS_NAME_MISMATCH: (f) =>
    `The certificate names ${certNames(f.certificate)}, not "${f.host}". Reissue it with subjectAltName ${sanFor(f.host)}, ` +
    `connect with a name it carries, or pin this certificate in Endpoint → Certificate (a pin identifies the server by its certificate, not its name).`,

  TLS_HANDSHAKE_FAILED: (f) =>
    `The TLS handshake with ${peer(f)} failed${f.message ? ` (${f.message})` : ''}. The port may not be ${f.atBroker ? "the Broker's" : "DCV's"} (an SSH listener answers on 22/50002/60001), ` +
    `or something in between breaks TLS. ` +
    (f.atBroker
      ? `Check ${portControl(f)} and that NLB listener ${f.port} forwards to the Broker's client-to-broker-connector-https-port.`
      : `Check that NLB listener ${f.port} forwards to the agent's 8443.`),

  UPSTREAM_RESET: (f) =>
    f.atBroker
      ? `${cap(peer(f))} closed the connection before answering ${f.operation ?? 'the request'}. Check ${portControl(f)} and the Broker's service (systemctl status dcv-session-manager-broker).`
      : `The server closed the connection before answering ${f.path ?? 'the request'}. Check dcv-server's log (/var/log/dcv/server.log) and, for a router, nginx's error.log.`,

  UPSTREAM_TIMEOUT: (f) =>
    `The server did not answer ${f.path ?? 'the request'} in time. Check that the agent is healthy (dcv list-sessions) and, for a router, that nginx reaches the agent` +
    (f.via === 'gateway' ? `; through a Connection Gateway, that the Gateway reaches the session's server.` : '.'),

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
    `The pinned certificate${f.atBroker ? ' of the Broker' : ''} names ${certNames(f.certificate)}, not "${f.host}". The launcher checks the pin, so this works here; ` +
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

  // ---- DCV's first messages on the WebSocket -------------------------------------------------

  WS_ABORTED: (f) =>
    `The server aborted the connection to session ${session(f)} (connectionAbort ${f.abortReason ?? '?'}). ` +
    `Check dcv-server's log on the server (/var/log/dcv/server.log)${f.via === 'gateway' ? " and the Connection Gateway's log" : ''} for why.`,

  WS_CLOSED: (f) =>
    `The server closed ${f.path ?? 'the WebSocket'} right after the first message, without an answer` +
    `${f.closeCode !== undefined ? ` (close ${f.closeCode}${f.closeReason ? ` "${f.closeReason}"` : ''})` : ''}. ` +
    `Check dcv-server's log on the server (/var/log/dcv/server.log); a router in front must pass WebSockets through unchanged ` +
    `(nginx: proxy_http_version 1.1; proxy_set_header Upgrade $http_upgrade; proxy_set_header Connection "upgrade").`,

  WS_UNEXPECTED: (f) =>
    `The answer on ${f.path ?? 'the WebSocket'} is not what DCV's web client expects${f.message ? ` (${f.message})` : ''}: ` +
    `whatever answers at ${where(f)} is not a DCV server (or a Connection Gateway), or something in between rewrites WebSockets. ` +
    `Check ${portControl(f)} and Endpoint → Web URL path.`,

  NO_SESSION: () =>
    `The server let the client in but has no session for it ("No session is available": the blank desktop). ` +
    `Create one on the server: sudo dcv create-session --type virtual --owner USER NAME, or a console session for the user logged in at the console ` +
    `(sudo dcv create-session --type console --owner USER console); or let the server make it at start-up: dcv.conf [session-management] create-session = true ` +
    `with [session-management/automatic-console-session] owner = "USER".`,

  TOKEN_REJECTED: (f) =>
    `The server refused the authentication token for session ${session(f)} (connectionAbort AUTHENTICATION_FAILED). ` +
    `A Session Manager token is short-lived (the Broker's connect-session-token-duration-minutes): ` +
    (f.brokerHost ? `run the diagnosis again, which fetches a fresh one` : `a token set in Endpoint → Auth token has probably expired: get a fresh one from the Broker's GetSessionConnectionData`) +
    `. If a fresh token is refused too, the server does not ask this Broker: its dcv.conf [security] auth-token-verifier must be ` +
    `"https://${brokerName(f)}:8445/agent/validate-authentication-token" (the Broker's agent port).`,

  CONNECTION_LIMIT_REACHED: (f) =>
    `Session ${session(f)} already has as many clients as it allows` +
    `${f.maxConcurrentClients !== undefined ? ` (MaxConcurrentClients ${f.maxConcurrentClients}${f.numOfConnections !== undefined ? `, ${f.numOfConnections} connected` : ''})` : ''}. ` +
    `Close another connection to it, or create the session with a higher limit (dcv create-session --max-concurrent-clients N; through the Broker, CreateSessions' MaxConcurrentClients).`,

  // ---- the Connection Gateway -----------------------------------------------------------------

  GATEWAY_TOKEN_MISSING: (f) =>
    `${f.path ?? 'auth'} answered ${f.status ?? 404}: this desktop goes through a DCV Connection Gateway but has no auth token. ` +
    `A Gateway learns where to route only from the session id and token in the first /ws message; without a token there is nothing to route ` +
    `(it falls back to its [web-resources]). Open it through a Session Manager source, so the launcher fetches a fresh token for each open, ` +
    `or set Endpoint → Auth token (from the Broker's GetSessionConnectionData). The session id goes in the fragment ` +
    `(https://${where(f)}/?authToken=…#${f.sessionId ?? 'SESSION'}), not in ?sessionId=.`,

  GATEWAY_SESSION_UNRESOLVED: (f) =>
    `The Connection Gateway at ${where(f)} could not find where session ${session(f)} runs ` +
    `(${f.abortReason ? `connectionAbort ${f.abortReason}` : 'it closed the socket without an answer'}): its session resolver had no destination for it. ` +
    `Check that the Broker's dcv-session-manager-broker.properties has enable-gateway = true; that the Gateway's dcv-connection-gateway.conf has ` +
    `[resolver] url = "https://${brokerName(f)}:8447" with ca-file = "${BROKER_CA}" (the Broker's CA, copied to the Gateway host); ` +
    `and that the session is READY on ${serverText(f)}.`,

  GATEWAY_SERVER_UNREACHABLE: (f) =>
    `The Connection Gateway knows where session ${session(f)} runs (${serverText(f)}) but cannot reach it (connectionAbort SERVER_UNREACHABLE). ` +
    `Check that the Gateway host reaches that server's DCV port (security groups from the Gateway to the server), that dcvserver runs there, ` +
    `and that the address the Broker reports for it is one the Gateway can route to.`,

  // ---- Session Manager's Broker ---------------------------------------------------------------

  BROKER_AUTH_FAILED: (f) =>
    (f.clientId
      ? `${cap(peer(f))} refused the client id "${f.clientId}" and its password. Re-enter them in the Session Manager source (Client ID, Client password). `
      : `${cap(peer(f))} wants an access token (enable-authorization is on): set the Session Manager source's authentication to an API client (Client ID, Client password). `) +
    `An administrator can make a new client on the Broker host with "sudo dcv-session-manager-broker register-api-client --client-name NAME", ` +
    `which shows its id and password once.`,

  BROKER_FORBIDDEN: (f) =>
    `${cap(peer(f))} accepted the client "${f.clientId ?? '?'}" but refused ${f.operation ?? 'the call'} (403). ` +
    `This client may not read these sessions: ask the Broker's administrator which API client the launcher should use, and enter it in the Session Manager source.`,

  BROKER_INVALID_REQUEST: (f) =>
    `${cap(peer(f))} refused ${f.operation ?? 'the call'} as invalid (400)${f.message ? `: ${f.message}` : ''}. ` +
    `Check the session id${f.sessionId ? ` ("${f.sessionId}")` : ''} and Session Manager source → User; if they are right, the Broker may be older than the API the launcher speaks.`,

  BROKER_ERROR: (f) =>
    `${cap(peer(f))} answered ${f.brokerStatus ?? 'an error'} to ${f.operation ?? 'the call'}${f.message ? ` (${f.message})` : ''}. ` +
    `Check the Broker's service and its log (systemctl status dcv-session-manager-broker) and that ${portControl(f)} is the Broker's client API port.`,

  BROKER_BAD_RESPONSE: (f) =>
    `The answer from ${where(f)} to ${f.operation ?? 'the call'} is not the Broker API's${f.message ? ` (${f.message})` : ''}. ` +
    `Check that ${portControl(f)} is the Broker's client-to-broker-connector-https-port (8443 by default; the field uses 8448), not the Gateway's or a DCV server's.`,

  BROKER_TIMEOUT: (f) =>
    `${cap(peer(f))} did not answer ${f.operation ?? 'the call'} in time. Check that the Broker runs (systemctl status dcv-session-manager-broker) and is not overloaded.`,

  SESSION_NOT_FOUND: (f) =>
    f.atBroker
      ? `The Broker at ${where(f)} knows no session ${session(f)} (DescribeSessions). It may have been closed or deleted: refresh the session list and open one that is listed, or create a new one.`
      : `The server has no session ${session(f)} (connectionAbort INVALID_SESSION_ID). List its sessions with "dcv list-sessions" on the server and set the session id ` +
        `(Endpoint → Session ID; in a URL the fragment, #SESSION), or create it: sudo dcv create-session --owner USER ${f.sessionId ?? 'NAME'}.`,

  SESSION_NOT_READY: (f) =>
    `Session ${session(f)} is ${f.sessionState ?? 'not ready'}${f.stateReason ? ` (${f.stateReason})` : ''}, not READY. ` +
    (f.sessionState === 'CREATING'
      ? `The Broker is still placing and starting it: wait a moment and try again; if it stays CREATING, check the Session Manager agent on its server (systemctl status dcv-session-manager-agent).`
      : f.sessionState === 'DELETING' || f.sessionState === 'DELETED'
        ? `It is going away: create a new session.`
        : `The Broker has lost track of it: check the Session Manager agent on its server (systemctl status dcv-session-manager-agent) and dcvserver there.`),

  SESSION_NO_ROUTE: (f) =>
    `The session runs on ${serverText(f)}, and nothing says how to reach that server from here${f.message ? ` (${f.message})` : ''}. ` +
    `Add a rule for it in Session Manager source → Open (the server's IP or host name → its NLB port, or the path router), or open sessions through the Connection Gateway.`,

  LISTEN_FAILED: () => "Another program uses that local port. Change the profile's local port, or leave it empty so the launcher picks a free one.",

  UNEXPECTED: (f) => `Step failed unexpectedly${f.message ? `: ${f.message}` : ''}. Copy the report and send it to support.`,
};

export function isAdviceCode(code: string): code is AdviceCode {
  return Object.prototype.hasOwnProperty.call(HINTS, code);
}

/** The hint for a code, or a generic one for a code this table does not know. */
export function hintFor(code: string, facts: HintFacts): string {
  return isAdviceCode(code) ? HINTS[code](facts) : `Step failed with ${code}${facts.message ? `: ${facts.message}` : ''}.`;
}

/** Codes with a specific hint; the tests check that every TunnelErrorCode of the path has one. */
export const HINTED_CODES: readonly string[] = ADVICE_CODES;

/**
 * Advice as data: the code and a snapshot of the facts as plain JSON data (no undefined, no
 * shared objects), so later steps changing their facts cannot change an advice already sent.
 */
export function adviceFor(code: string, facts: HintFacts): Advice {
  return { code, facts: JSON.parse(JSON.stringify(facts)) as HintFacts };
}
