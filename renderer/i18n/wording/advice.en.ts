/**
 * What to change, for every code a diagnosis or a connection can end in (ADVICE_CODES): English,
 * for people who are not network experts. Same substance as tunnel/doctor-hints.ts (which
 * control, which dcv.conf or Broker line, no_proxy), in the app's terms: controls by their
 * place, server-side changes as something to ask the administrator for.
 */
import type { AdviceCode, HintFacts } from '../../../preload/contract/api';
import { BROKER_CA, certNames, hostOnly, literal, manualProxy, portPlace, proxyAuth, proxyPlace, sanFor, serverOf } from './facts';
import { code, hostPort, type Words } from './words';

export type AdviceTable = Record<AdviceCode, (f: HintFacts, w: Words) => string>;

const join = (...sentences: string[]) => sentences.filter(Boolean).join(' ');
const where = (f: HintFacts) => code(hostPort(f.host, f.port));
const dialled = (f: HintFacts) => code(hostPort(f.address ?? f.host, f.port));
/** "the Broker at `h:8448`" or "`h:50001`": what was dialled, as the hint says it. */
const peer = (f: HintFacts) => (f.atBroker ? `the Broker at ${where(f)}` : where(f));
const Peer = (f: HintFacts) => (f.atBroker ? `The Broker at ${where(f)}` : where(f));
const Proxy = (f: HintFacts) => (f.proxy ? `The proxy ${code(f.proxy)}` : 'The proxy');
const session = (f: HintFacts) => (f.sessionId ? code(f.sessionId) : 'the session');
const server = (f: HintFacts) => (serverOf(f) ? code(serverOf(f)!) : 'the server the Session Manager names');
const fingerprint = (f: HintFacts) => (f.certificate ? code(f.certificate.fingerprint256Hex) : 'the fingerprint shown');
const names = (f: HintFacts) => (certNames(f.certificate) ? code(certNames(f.certificate)!) : 'other names');
const path = (f: HintFacts, fallback: string) => code(f.path ?? fallback);
const BROKER_STATUS = code('systemctl status dcv-session-manager-broker');
const AGENT_STATUS = code('systemctl status dcv-session-manager-agent');
const SERVER_LOG = code('/var/log/dcv/server.log');
const NGINX_WS = code('proxy_http_version 1.1; proxy_set_header Upgrade $http_upgrade; proxy_set_header Connection "upgrade";');
const NEW_SELF_SIGNED = `remove ${code('/etc/dcv/dcv.pem')} and ${code('/etc/dcv/dcv.key')} and restart ${code('dcvserver')}`;
/** Going without the proxy, in the app's words. */
const goDirect = (f: HintFacts, w: Words) => `choose ${w.label('endpoint.proxy.direct')} in ${w.ui('endpoint.proxyMode')} and add ${code(f.host)} to ${code('no_proxy')}`;
const why = (f: HintFacts, w: Words) => (f.routeBecause ? `Why this proxy: ${w.reason(f.routeBecause)}` : '');

export const adviceEn: AdviceTable = {
  DNS_NOT_FOUND: (f, w) =>
    join(
      `This computer cannot find the address of ${code(f.host)}. The name of a VPC endpoint is often known only inside the VPC.`,
      `Enter the endpoint’s private IP address in ${w.ui('endpoint.addressOverride')} (the VPC console shows it with the endpoint’s subnets),`,
      'or ask the network team to make this network’s DNS answer for the endpoint’s private zone.',
    ),

  TCP_REFUSED: (f, w) =>
    join(
      `Nothing accepts connections at ${dialled(f)}${f.atBroker ? ' (the Broker)' : ''}.`,
      f.atBroker
        ? `Check ${w.ui('source.brokerPort')}: it must be the load balancer’s port for the Broker (8443 by default; often 8448). Ask the administrator whether the load balancer has a listener on port ${f.port} and whether the Broker runs (${BROKER_STATUS}).`
        : `Check ${w.ui(portPlace(f))}: it must be this desktop’s port on the load balancer. Ask the administrator whether the load balancer has a listener on port ${f.port} and whether DCV runs on the server (${code('systemctl status dcvserver')}).`,
      `If you set ${w.ui('endpoint.addressOverride')}, check that it is the endpoint’s IP address.`,
    ),

  TCP_TIMEOUT: (f, w) =>
    join(
      `No answer from ${dialled(f)}${f.atBroker ? ' (the Broker)' : ''}: the connection is dropped on the way.`,
      `Ask the network administrator to check that the VPC endpoint’s security group lets in TCP port ${f.port} from your network,`,
      'that the subnets’ network ACLs allow the traffic both ways (including ports 1024–65535),',
      `and that the load balancer’s target for port ${f.port} is healthy (an unhealthy target gets no traffic).`,
      `If this network reaches the VPC only through a proxy, choose it in ${w.ui('endpoint.proxyMode')}.`,
    ),

  ROUTE_FALLBACK: (f, w) =>
    join(
      `The first way to the endpoint failed: ${(f.earlierRoutes ?? []).map((r) => `${w.route(r.route)} (${code(r.code)})`).join('; ') || '?'}.`,
      'The launcher went on with the next one, but every new connection (a desktop opens 4–6) tries the failing one first and waits for it.',
      `Fix it or remove it in ${w.ui('endpoint.proxyMode')} (or in the proxy settings that list it).`,
    ),

  PROXY_UNREACHABLE: (f, w) =>
    join(
      `${Proxy(f)} cannot be reached.`,
      why(f, w),
      `Check the proxy’s address in ${w.ui(proxyPlace(f))}${manualProxy(f) ? '' : ` (or in ${code('HTTPS_PROXY')})`}, or choose ${w.label('endpoint.proxy.direct')} there if the endpoint can be reached without a proxy.`,
    ),

  PROXY_AUTH_REQUIRED: (f, w) => {
    const auth = proxyAuth(f);
    return join(
      `${Proxy(f)} asks for a user name and password (${code('407')}${f.proxyAuthenticate ? `, ${code(`Proxy-Authenticate: ${f.proxyAuthenticate}`)}` : ''}).`,
      f.hasProxyCredentials
        ? `It refused the ones the launcher sent: enter them again when the launcher asks${manualProxy(f) ? ` (or in ${w.ui('endpoint.proxyUsername')} and ${w.ui('endpoint.proxyPassword')})` : ''}.`
        : `Enter them when the launcher asks${manualProxy(f) ? `, or in ${w.ui('endpoint.proxyUsername')} and ${w.ui('endpoint.proxyPassword')}` : ''}; they are kept in the secret store, never in the catalogue.`,
      auth.basic ? '' : `The proxy offers ${code(auth.scheme ?? '?')}, not ${code('Basic')}, and the launcher can send only Basic: ask the proxy’s administrators to allow Basic, or go without the proxy.`,
      `If the endpoint can be reached without the proxy, ${goDirect(f, w)}.`,
    );
  },

  PROXY_CREDENTIALS_REFUSED: (f, w) =>
    join(
      `${Proxy(f)} refused this user name and password once. So that your account is not locked, the launcher does not send them again until you enter them again.`,
      `Enter the password again when the launcher asks${manualProxy(f) ? ` (or in ${w.ui('endpoint.proxyUsername')} and ${w.ui('endpoint.proxyPassword')})` : ''}.`,
    ),

  PROXY_URL_UNENCODED: () =>
    join(
      `The user name or password in the proxy URL (${code('HTTPS_PROXY')}) contains ${code('/')}, ${code('?')} or ${code('#')} as it is.`,
      `Write them percent-encoded: ${code('/')} as ${code('%2F')}, ${code('?')} as ${code('%3F')}, ${code('#')} as ${code('%23')} (for example ${code('http://user:pa%23ss@proxy:8080')}).`,
    ),

  PROXY_CONNECT_FORBIDDEN: (f, w) =>
    join(
      `${Proxy(f)} does not allow connections to port ${f.port}${f.proxyStatus ? ` (${code(f.proxyStatus)})` : ''}: proxies usually allow only port 443.`,
      `The endpoint is inside your VPC: ${goDirect(f, w)} so that browsers go direct too;`,
      `or ask the proxy’s administrators to allow port ${f.port} (squid: ${code(`acl SSL_ports port ${f.port}`)}).`,
    ),

  PROXY_ERROR: (f, w) =>
    f.proxy
      ? join(
          `${Proxy(f)} could not connect to ${where(f)}${f.proxyStatus ? ` (it answered ${code(f.proxyStatus)})` : ''}.`,
          'A proxy looks up names itself, and the name of a private endpoint is known only inside the VPC.',
          `Enter the endpoint’s IP address in ${w.ui('endpoint.addressOverride')} so that the proxy is asked for the address, or choose ${w.label('endpoint.proxy.direct')} in ${w.ui('endpoint.proxyMode')}.`,
        )
      : join(
          `The launcher cannot decide how to reach ${where(f)}: the proxy settings it follows cannot be used.`,
          `Check ${w.ui('endpoint.proxyMode')}, and the proxy environment variables (${code('HTTPS_PROXY')}) or the system proxy settings it follows.`,
        ),

  SYSTEM_PROXY_WOULD_INTERCEPT: (f, w) =>
    join(
      `The launcher connects directly, but a plain browser on this computer would go ${f.plainBrowserRoute ? w.route(f.plainBrowserRoute.route) : 'through a proxy'} for ${code(f.host)}.`,
      w.reason(f.plainBrowserRoute?.because),
      'That is why it can work with curl (and in the launcher) but not in a plain browser.',
      `To open it without the launcher, add ${code(f.host)}${f.address && f.address !== f.host ? ` and ${code(f.address)}` : ''} to ${code('no_proxy')} and to the browser’s proxy exceptions; from the launcher, it works as it is.`,
    ),

  TLS_UNTRUSTED: (f, w) =>
    join(
      `This computer does not trust the certificate of ${peer(f)} (${names(f)}${f.certificate?.selfSigned ? ', self-signed' : f.certificate ? `, issued by ${code(f.certificate.issuer)}` : ''}).`,
      f.atBroker
        ? join(
            'The Broker makes its own self-signed certificate, so this is normal the first time.',
            `Ask the administrator for the fingerprint of the certificate the Broker serves (on the Broker’s host, ${code('openssl x509 -noout -fingerprint -sha256')}; its CA is ${code(BROKER_CA)}) and compare it with ${fingerprint(f)}.`,
            `If they match, trust it when the launcher shows it (${w.label('sessions.resolve')} in the desktop list).`,
          )
        : join(
            'DCV servers make their own self-signed certificate, so this is normal the first time.',
            `Ask the administrator for the server’s fingerprint (${code('sudo dcv list-endpoints -j')}, or ${code('openssl x509 -noout -fingerprint -sha256 -in /etc/dcv/dcv.pem')}) and compare it with ${fingerprint(f)}.`,
            `If they match, set ${w.ui('endpoint.tlsMode')} to ${w.label('endpoint.tls.pin')}, connect, and choose ${w.label('trust.always')} when the launcher shows the certificate.`,
          ),
    ),

  TLS_PIN_MISMATCH: (f, w) =>
    join(
      `${f.atBroker ? 'The Broker' : 'The server'} at ${where(f)} presented a different certificate (${fingerprint(f)}) from the one you trusted (${(f.pins ?? []).map(code).join(', ') || 'none'}).`,
      `If the certificate was renewed, ask the administrator for the new fingerprint (${f.atBroker ? `on the Broker’s host, ${code('openssl x509 -noout -fingerprint -sha256')}` : code('sudo dcv list-endpoints -j')}) and compare.`,
      `Only if it matches: connect again and trust the new certificate when the launcher shows both side by side (the trusted one is listed in ${w.ui('settings.trusted')}).`,
      'If it does not match, something in between (a proxy that inspects TLS?) is answering in the server’s place: do not trust it.',
    ),

  TLS_EXPIRED: (f, w) =>
    join(
      `The certificate expired on ${w.date(f.certificate?.validTo)}.`,
      `Ask the administrator to renew it on the server (for a new self-signed one: ${NEW_SELF_SIGNED}), then connect and trust the new certificate.`,
    ),

  TLS_NAME_MISMATCH: (f, w) =>
    join(
      `The certificate is for ${names(f)}, not for ${code(f.host)}.`,
      `Ask the administrator for a certificate that includes ${code(sanFor(f.host))} (subjectAltName), connect with a name the certificate carries,`,
      `or trust this very certificate: set ${w.ui('endpoint.tlsMode')} to ${w.label('endpoint.tls.pin')} (a trusted certificate is recognised by its fingerprint, not its name).`,
    ),

  TLS_HANDSHAKE_FAILED: (f, w) =>
    join(
      `No secure connection (TLS) could be set up with ${peer(f)}.`,
      `The port may not be ${f.atBroker ? 'the Broker’s' : 'DCV’s'} (an SSH port such as 22, 50002 or 60001 answers differently), or something in between breaks TLS.`,
      f.atBroker
        ? `Check ${w.ui('source.brokerPort')}, and ask the administrator whether the load balancer’s port ${f.port} leads to the Broker.`
        : `Check ${w.ui(portPlace(f))}, and ask the administrator whether the load balancer’s port ${f.port} leads to DCV’s port 8443 on the server.`,
    ),

  TLS_WARNING: () => 'The secure connection works, with a warning; the report has the details.',

  CERT_EXPIRES_SOON: (f, w) =>
    join(
      `The certificate expires on ${w.date(f.certificate?.validTo)}${f.daysLeft !== undefined ? ` (in ${f.daysLeft} days)` : ''}; after that, every connection fails.`,
      'Ask the administrator to renew it before then; trust the new one when the launcher shows it.',
    ),

  CERT_EXPIRED: (f, w) =>
    join(
      `The trusted certificate expired on ${w.date(f.certificate?.validTo)}.`,
      'It still works in the launcher, which recognises it by its fingerprint, but browsers and DCV Viewer refuse it.',
      `Ask the administrator to renew it (${NEW_SELF_SIGNED}), then trust the new one.`,
    ),

  CERT_NOT_YET_VALID: (f, w) =>
    join(`The certificate is valid only from ${w.date(f.certificate?.validFrom)}: the clock of this computer or of the server is wrong.`, 'Correct the clock (NTP); browsers refuse such a certificate.'),

  CERT_NAME_MISMATCH: (f) =>
    join(
      `The trusted certificate${f.atBroker ? ' of the Broker' : ''} is for ${names(f)}, not for ${code(f.host)}.`,
      'The launcher recognises it by its fingerprint, so it works here; a plain browser or DCV Viewer will warn.',
      `If they must connect directly, ask the administrator for a certificate that includes ${code(sanFor(f.host))}.`,
    ),

  UPSTREAM_RESET: (f, w) =>
    f.atBroker
      ? join(`${Peer(f)} closed the connection before answering ${w.op(f.operation)}.`, `Check ${w.ui('source.brokerPort')}, and ask the administrator to check the Broker’s service (${BROKER_STATUS}).`)
      : join(
          `The server closed the connection before answering ${path(f, f.webUrlPath)}.`,
          `Ask the administrator to look at DCV’s log on the server (${SERVER_LOG}) and, if a router is in front, at nginx’s ${code('error.log')}.`,
        ),

  UPSTREAM_TIMEOUT: (f) =>
    join(
      `The server did not answer ${path(f, f.webUrlPath)} in time.`,
      `Ask the administrator to check that DCV is healthy on the server (${code('dcv list-sessions')})` +
        (f.via === 'gateway' ? ', that a router in front reaches the server, and that the Connection Gateway reaches the session’s server.' : ' and that a router in front reaches the server.'),
    ),

  HTTP_STATUS: (f, w) => {
    const page = path(f, f.webUrlPath);
    const status = f.status;
    if (status === 404) {
      return join(
        `The page ${page} was not found (${code('404')}).`,
        `${w.ui('desktop.webUrlPath')} (${code(f.webUrlPath)}) must be the same as ${code('web-url-path')} in the server’s ${code('dcv.conf')} (section ${code('[connectivity]')}; ${code('/')} unless changed).`,
        f.pathPrefix !== '/' ? `With a path router, also check ${w.ui('desktop.agent')} (${code(f.pathPrefix)}) and ask the administrator whether the router’s nginx ${code('location')} matches it.` : '',
      );
    }
    if (status === 403) {
      const h = hostOnly(f.hostHeader ?? f.host);
      return join(
        `The server refused the page for the Host ${code(f.hostHeader ?? f.host)} (${code('403')}).`,
        `In the server’s ${code('dcv.conf')}, ${code('[security] allowed-http-host-regex')} must accept ${code(h)}, for example ${code(`allowed-http-host-regex = "^(${literal(h)}|<names it already allows>)$"`)};`,
        `or set ${w.ui('endpoint.hostHeader')} to a name that setting accepts.`,
      );
    }
    if (status !== undefined && status >= 500) {
      return join(
        `The page answered ${code(status)}: whatever is in front of the server could not reach it.`,
        `Ask the administrator to check, with a path router, that nginx’s ${code('proxy_pass')} reaches the server (${code('error.log')}); with a Connection Gateway, its ${code('[resolver] url')} and the session; with a single server, DCV’s log.`,
      );
    }
    if (status !== undefined && status >= 300 && status < 400) {
      return join(
        `The page ${page} sends the browser on to ${code(f.location ?? '?')}.`,
        `DCV’s page is usually right at its web URL path: compare ${w.ui('desktop.webUrlPath')} with ${code('web-url-path')} in the server’s ${code('dcv.conf')}, and ask whether a sign-in page is in front of the server.`,
      );
    }
    return join(
      `The page ${page} answered ${code(status ?? '?')} instead of showing DCV.`,
      `Compare ${w.ui('desktop.webUrlPath')} with ${code('web-url-path')} in the server’s ${code('dcv.conf')}, and ask the administrator to look at the server’s log.`,
    );
  },

  HSTS_SELF_SIGNED: (f) =>
    join(
      `The server sends ${code('Strict-Transport-Security')} (HSTS) with a self-signed certificate: once a browser has seen it, it no longer lets you click through a certificate warning for ${code(f.host)}.`,
      'The launcher removes the header, so nothing needs to change for the launcher; for plain browsers, the server needs a certificate they trust.',
    ),

  PATH_PREFIX_LEAK: (f) =>
    join(
      `Paths without the prefix ${code(f.pathPrefix)} reach a different server: the router sends ${code('/')}, ${code('/auth')} and ${code('/ws')} to its default server.`,
      'A program that forgets the prefix lands on the wrong desktop without noticing. The launcher adds the prefix to everything it sends;',
      `for other programs, ask the administrator to make the router’s default ${code('location')} answer 404 instead of passing on to a server.`,
    ),

  WS_FORBIDDEN: (f, w) => {
    const h = hostOnly(f.hostHeader ?? f.host);
    return join(
      `The server refused the desktop channel (${code('403')}). The launcher sent Host ${code(f.hostHeader ?? '?')} and Origin ${code(f.origin ?? '?')}.`,
      f.hostAccepted ? 'The page loaded with the same Host, so it is the Origin the server refuses.' : 'The server refuses the Host or the Origin.',
      `In the server’s ${code('dcv.conf')}, ${code('[security] allowed-ws-origin-regex')} must match ${code(f.origin ?? '')} (for example ${code(`allowed-ws-origin-regex = "^https://(${literal(h)}|<names it already allows>)(:[0-9]+)?$"`)}) and ${code('allowed-http-host-regex')} must match ${code(h)}.`,
      `Or set ${w.ui('endpoint.origin')} (and ${w.ui('endpoint.hostHeader')}) to values those settings already accept.`,
    );
  },

  WS_NOT_FOUND: (f, w) =>
    join(
      `The desktop channel ${path(f, 'auth')} was not found (${code('404')}), although the page loaded.`,
      'Through a Connection Gateway this means it could not find the session:',
      f.hasAuthToken ? '' : `the desktop has no auth token (enter one in ${w.ui('desktop.token')}; it comes from the Broker’s ${code('GetSessionConnectionData')});`,
      `the Gateway does not know the session ${session(f)} (check ${w.ui('desktop.sessionId')}, and ask the administrator to check the Gateway’s ${code('[resolver] url')});`,
      `or ${code('dcv-connection-gateway.conf')} lacks its ${code('[web-resources]')} section.`,
      `Straight to a server: compare ${w.ui('desktop.webUrlPath')} with ${code('web-url-path')}.`,
    ),

  WS_REDIRECT: (f, w) =>
    join(
      `The desktop channel was sent on to ${code(f.location ?? '?')} (${code(f.status ?? 302)}): the server’s ${code('dcv.conf')} ${code('[security] auth-token-verifier')} points at a broker, so the server accepts only connections with a token from that broker.`,
      `Open the desktop through the broker (a Session Manager in the launcher, or a token in ${w.ui('desktop.token')});`,
      `or, if no broker is meant to be used, ask the administrator to remove ${code('auth-token-verifier')} and use ${code('authentication = "system"')}.`,
    ),

  WS_STATUS: (f, w) =>
    f.status === 101
      ? join(
          `The desktop channel ${path(f, 'auth')} opened, but its answer is not what DCV’s client expects: something in between changes WebSockets.`,
          `Ask the administrator to make the router pass WebSockets through unchanged (nginx: ${NGINX_WS}).`,
        )
      : join(
          `The desktop channel ${path(f, 'auth')} answered ${code(f.status ?? '?')} instead of opening (${code('101')}): the server, or a router in front of it, does not accept DCV’s WebSocket there.`,
          `Compare ${w.ui('desktop.webUrlPath')} with ${code('web-url-path')}, and ask the administrator to make the router pass WebSockets through (nginx: ${NGINX_WS}).`,
        ),

  WS_ABORTED: (f) =>
    join(
      `The server refused the connection to the session ${session(f)} (${code(f.abortReason ?? '?')}).`,
      `Ask the administrator to look in DCV’s log on the server (${SERVER_LOG})${f.via === 'gateway' ? ' and in the Connection Gateway’s log' : ''} for why.`,
    ),

  WS_CLOSED: (f) =>
    join(
      `The server closed the desktop channel right after the first message, without answering${f.closeCode !== undefined ? ` (${code([f.closeCode, f.closeReason].filter((x) => x !== undefined && x !== '').join(' '))})` : ''}.`,
      `Ask the administrator to look at DCV’s log on the server (${SERVER_LOG}); a router in front must pass WebSockets through unchanged (nginx: ${NGINX_WS}).`,
    ),

  WS_UNEXPECTED: (f, w) =>
    join(
      'The answer on the desktop channel is not what DCV’s web client expects:',
      `whatever answers at ${where(f)} is not a DCV server (or Connection Gateway), or something in between changes WebSockets.`,
      `Check ${w.ui(portPlace(f))} and ${w.ui('desktop.webUrlPath')}.`,
    ),

  NO_SESSION: () =>
    join(
      'The server let the launcher in but has no desktop session for it (the blank screen).',
      `Ask the administrator to create one on the server (${code('sudo dcv create-session --type virtual --owner USER NAME')}, or for the user at the console ${code('sudo dcv create-session --type console --owner USER console')}),`,
      `or to let the server create it when it starts (${code('dcv.conf')}: ${code('[session-management] create-session = true')} with ${code('[session-management/automatic-console-session] owner = "USER"')}).`,
    ),

  TOKEN_REJECTED: (f, w) =>
    join(
      `The server refused the sign-in token for the session ${session(f)}. Session Manager tokens last only a short time.`,
      f.brokerHost
        ? `Run the diagnosis again (${w.ui('doctor.run')}): it gets a fresh one, as every connection does.`
        : `The token in ${w.ui('desktop.token')} has probably expired: get a fresh one from the Broker (${code('GetSessionConnectionData')}) and enter it there.`,
      `If a fresh token is refused too, the server does not ask this Broker: its ${code('dcv.conf')} ${code('[security] auth-token-verifier')} must be ${code(`https://${f.brokerHost ?? '<broker>'}:8445/agent/validate-authentication-token`)} (the Broker’s port for agents).`,
    ),

  CONNECTION_LIMIT_REACHED: (f) =>
    join(
      `The session ${session(f)} already has as many connections as it allows${f.maxConcurrentClients !== undefined ? ` (at most ${f.maxConcurrentClients}${f.numOfConnections !== undefined ? `, ${f.numOfConnections} connected` : ''})` : ''}.`,
      `Close another connection to it, or ask for the session to be created with a higher limit (${code('dcv create-session --max-concurrent-clients N')}; through the Broker, ${code('MaxConcurrentClients')}).`,
    ),

  GATEWAY_TOKEN_MISSING: (f, w) =>
    join(
      `This desktop goes through a DCV Connection Gateway but has no auth token (${code(f.status ?? 404)} on ${path(f, 'auth')}).`,
      'A Gateway finds the session only from the session ID and token the client sends; without a token there is nothing to find.',
      `Open it through a Session Manager in the launcher (it gets a fresh token for every connection), or enter a token in ${w.ui('desktop.token')} (from the Broker’s ${code('GetSessionConnectionData')}).`,
      `The session ID belongs in ${w.ui('desktop.sessionId')} (in a link, after ${code('#')}), not in ${code('?sessionId=')}.`,
    ),

  GATEWAY_SESSION_UNRESOLVED: (f) =>
    join(
      `The Connection Gateway at ${where(f)} could not find where the session ${session(f)} runs (${f.abortReason ? code(f.abortReason) : 'it closed the connection without answering'}).`,
      `Ask the administrator to check: ${code('enable-gateway = true')} in the Broker’s ${code('dcv-session-manager-broker.properties')};`,
      `${code(`[resolver] url = "https://${f.brokerHost ?? '<broker>'}:8447"`)} with ${code(`ca-file = "${BROKER_CA}"`)} in the Gateway’s ${code('dcv-connection-gateway.conf')};`,
      `and that the session is ready on ${server(f)}.`,
    ),

  GATEWAY_SERVER_UNREACHABLE: (f) =>
    join(
      `The Connection Gateway knows where the session ${session(f)} runs (${server(f)}) but cannot reach it.`,
      `Ask the administrator to check that the Gateway’s host can reach that server’s DCV port (security groups from the Gateway to the server), that ${code('dcvserver')} runs there,`,
      'and that the address the Broker gives for it is one the Gateway can reach.',
    ),

  BROKER_AUTH_FAILED: (f, w) =>
    join(
      f.clientId
        ? `${Peer(f)} refused the API client ${code(f.clientId)} and its password. Enter them again in ${w.ui('source.clientId')} and ${w.ui('source.clientPassword')}.`
        : `${Peer(f)} wants a sign-in (its authorization is on): set ${w.ui('source.authKind')} to ${w.label('source.auth.broker')} and enter the client ID and password.`,
      `An administrator can create a client on the Broker’s host with ${code('sudo dcv-session-manager-broker register-api-client --client-name NAME')}, which shows its ID and password once.`,
    ),

  BROKER_FORBIDDEN: (f, w) =>
    join(
      `${Peer(f)} accepted the API client ${code(f.clientId ?? '?')} but refused ${w.op(f.operation)} (${code('403')}): this client is not allowed to do that.`,
      `Ask the Broker’s administrator which API client the launcher should use, and enter it in ${w.ui('source.clientId')}.`,
    ),

  BROKER_INVALID_REQUEST: (f, w) =>
    join(
      `${Peer(f)} refused ${w.op(f.operation)} as invalid (${code('400')}).`,
      `Check the session ID${f.sessionId ? ` (${code(f.sessionId)})` : ''} and ${w.ui('source.user')}; if they are right, the Broker may be older than the version the launcher speaks.`,
    ),

  BROKER_ERROR: (f, w) =>
    join(
      `${Peer(f)} answered ${f.brokerStatus !== undefined ? code(f.brokerStatus) : 'with an error'} to ${w.op(f.operation)}.`,
      `Ask the administrator to check the Broker’s service and its log (${BROKER_STATUS}), and check that ${w.ui('source.brokerPort')} is the Broker’s port for clients.`,
    ),

  BROKER_BAD_RESPONSE: (f, w) =>
    join(
      `The answer from ${where(f)} to ${w.op(f.operation)} is not a Session Manager Broker’s.`,
      `Check that ${w.ui('source.brokerPort')} is the Broker’s port for clients (8443 by default; often 8448), not the Gateway’s or a DCV server’s.`,
    ),

  BROKER_TIMEOUT: (f, w) =>
    join(`${Peer(f)} did not answer ${w.op(f.operation)} in time.`, `Ask the administrator to check that the Broker runs (${BROKER_STATUS}) and is not overloaded.`),

  SESSION_NOT_FOUND: (f, w) =>
    f.atBroker
      ? join(
          `The Broker at ${where(f)} knows no session ${session(f)}. It may have been closed or deleted:`,
          `refresh the list (${w.label('sessions.refresh')}) and open a desktop that is listed, or create a new one (${w.label('sessions.new')}).`,
        )
      : join(
          `The server has no session ${session(f)}.`,
          `Ask the administrator for the sessions it has (${code('dcv list-sessions')} on the server) and enter one in ${w.ui('desktop.sessionId')} (in a link, after ${code('#')});`,
          `or to create it: ${code(`sudo dcv create-session --owner USER ${f.sessionId ?? 'NAME'}`)}.`,
        ),

  SESSION_NOT_READY: (f, w) => {
    const state = f.sessionState?.toUpperCase();
    return join(
      `The session ${session(f)} is not ready to use (state: ${w.state(f.sessionState)}${f.stateReason ? `, ${code(f.stateReason)}` : ''}).`,
      state === 'CREATING'
        ? `The Session Manager is still starting it: wait a moment and try again. If it stays like this, ask the administrator to check the Session Manager agent on its server (${AGENT_STATUS}).`
        : state === 'DELETING' || state === 'DELETED'
          ? `It is going away: create a new desktop (${w.label('sessions.new')}).`
          : `The Session Manager has lost track of it: ask the administrator to check the Session Manager agent on its server (${AGENT_STATUS}) and ${code('dcvserver')} there.`,
    );
  },

  SESSION_NO_ROUTE: (f, w) =>
    join(
      `The session runs on ${server(f)}, and no rule says how to reach that server from here.`,
      `Add a rule for it in ${w.ui('source.rules')} (the server’s address or name, then its load balancer port, or ${code('prefix 8443')} for a path router),`,
      `or set ${w.ui('source.via')} to ${w.label('source.via.gateway')}.`,
    ),

  LISTEN_FAILED: (_f, w) => `Another program uses the launcher’s local port. Change ${w.ui('profile.localPort')}, or leave it empty so that the launcher picks a free port.`,

  UNEXPECTED: (_f, w) => `The step failed unexpectedly. Copy the report with ${w.label('doctor.copyReport')} and send it to support.`,
};
