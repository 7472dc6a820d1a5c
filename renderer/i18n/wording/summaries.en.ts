/** One line of what each diagnosis step saw (SUMMARY_CODES): English. */
import type { SummaryCode } from '../../../preload/contract/api';
import { code, flag, hostPort, list, num, str, type P, type StepStatus, type Words } from './words';

export type SummaryTable = Record<SummaryCode, (p: P, w: Words, status?: StepStatus) => string>;

const join = (...sentences: string[]) => sentences.filter(Boolean).join(' ');
const c = (p: P, key: string) => code(str(p, key) ?? '?');
/** "403 Forbidden" as one token. */
const answer = (p: P, status = 'status', text = 'statusText') => code([str(p, status), str(p, text)].filter(Boolean).join(' ') || '?');
const ok = (p: P) => (num(p, 'status') ?? 0) >= 200 && (num(p, 'status') ?? 0) < 300;

export const summariesEn: SummaryTable = {
  'summary.skip.earlierFailed': () => 'Not checked: an earlier step failed.',
  'summary.skip.pageFailed': () => 'Not checked: the DCV web page did not load.',
  'summary.skip.notNeeded': () => 'Not needed on this route.',
  'summary.skip.partOfFailedStep': (p, w) => `Stopped here; the failure is shown at the step “${w.step(str(p, 'step') ?? '?')}”.`,
  'summary.skip.noAuthorization': () => 'Not needed: the Broker asks for no sign-in.',
  'summary.skip.notReached': () => 'Not reached: getting the sign-in token failed first.',
  'summary.failed': (p) => `Stopped here (${c(p, 'code')}).`,

  'summary.dns': (p) => `${c(p, 'host')} was found at ${list(p, 'addresses').map(code).join(', ') || '?'}.`,
  'summary.dns.override': (p, w) => `Not looked up: ${w.ui('endpoint.addressOverride')} sends ${c(p, 'host')} to ${c(p, 'address')}.`,
  'summary.dns.ipLiteral': (p) => `${c(p, 'host')} is an IP address: there is nothing to look up.`,
  'summary.dns.proxyResolves': (p, w) => `Not looked up here: the route goes ${w.route(str(p, 'route') ?? '?')}, and the proxy looks up the name itself.`,
  'summary.dns.failed': (p) => `${c(p, 'host')} could not be found from this computer.`,

  'summary.tcp': (p, _w, status) => {
    const proxy = str(p, 'proxy');
    const to = proxy ? `the proxy ${code(proxy)} (${c(p, 'address')})` : c(p, 'address');
    return status === 'fail' ? `Could not connect to ${to}.` : `Connected to ${to}.`;
  },

  'summary.proxy.direct': (p, w) => join('No proxy: the launcher connects directly.', w.nested(p, 'because')),
  'summary.proxy.plainBrowserDiffers': (p, w) =>
    join(
      'The launcher connects directly.',
      w.nested(p, 'because'),
      `A plain browser on this computer would go ${w.route(str(p, 'plainBrowserRoute') ?? '?')} instead.`,
      w.nested(p, 'plainBrowserBecause'),
    ),
  'summary.proxy.connect': (p, w) => {
    const to = str(p, 'connectTo') ? c(p, 'connectTo') : 'the endpoint';
    const first =
      num(p, 'status') === undefined ? `Asked the proxy ${c(p, 'proxy')} for ${to}; no answer came.`
      : ok(p) ? `The proxy ${c(p, 'proxy')} opened the way to ${to} (${answer(p)}).`
      : `The proxy ${c(p, 'proxy')} answered ${answer(p)} when asked for ${to}.`;
    const auth = str(p, 'proxyAuthenticate') ? `It asks for ${c(p, 'proxyAuthenticate')}.` : '';
    return join(first, auth, w.nested(p, 'because'));
  },
  'summary.proxy.unreachable': (p, w) => join(`The proxy ${c(p, 'proxy')} could not be reached${str(p, 'address') ? ` at ${c(p, 'address')}` : ''}.`, w.nested(p, 'because')),
  'summary.proxy.noRoute': (p) => `The launcher could not decide how to reach ${c(p, 'url')}: the proxy settings cannot be used.`,

  'summary.tls': (p, w) =>
    join(
      `Secure connection set up${str(p, 'protocol') ? ` (${c(p, 'protocol')})` : ''}.`,
      str(p, 'subject') ? `The certificate ${c(p, 'subject')}${flag(p, 'selfSigned') ? ' (self-signed)' : ''} is valid until ${w.date(str(p, 'validTo'))}.` : '',
      flag(p, 'pinMatched') ? 'It is the certificate you trusted.' : '',
    ),
  'summary.tls.refused': (p) =>
    join(
      `The certificate presented was refused: ${c(p, 'subject')}${flag(p, 'selfSigned') ? ' (self-signed)' : ''}, fingerprint ${c(p, 'fingerprint')}.`,
      list(p, 'pinned').length ? `The trusted one is ${list(p, 'pinned').map(code).join(', ')}.` : '',
    ),
  'summary.tls.handshakeFailed': (p) => `No secure connection (TLS) could be set up with ${code(hostPort(str(p, 'host') ?? '?', str(p, 'port') ?? '?'))}.`,

  'summary.http': (p) =>
    join(
      ok(p) ? `The DCV web page ${c(p, 'path')} loaded (${answer(p)}).` : `The web page ${c(p, 'path')} answered ${answer(p)}.`,
      str(p, 'server') ? `Server: ${c(p, 'server')}.` : '',
      flag(p, 'hsts') ? `It sends ${code('Strict-Transport-Security')} (HSTS).` : '',
    ),
  'summary.http.noAnswer': (p) => `No answer to the web page ${c(p, 'path')}.`,

  'summary.ws.upgrade': (p) =>
    join(
      `The desktop channel ${c(p, 'path')} was not opened: the server answered ${answer(p)}.`,
      `The launcher sent Host ${c(p, 'host')} and Origin ${c(p, 'origin')}.`,
      str(p, 'location') ? `It points to ${c(p, 'location')}.` : '',
    ),
  'summary.ws.badUpgrade': (p) =>
    `The desktop channel ${c(p, 'path')} opened, but not the way DCV does: ` +
    (p.acceptOk === false ? 'the handshake answer is wrong.' : `it speaks ${code(str(p, 'subprotocol') ?? 'none')} instead of ${code('dcv')}.`),
  'summary.ws.noAnswer': (p) => `No answer on the desktop channel ${c(p, 'path')}.`,
  'summary.ws.secondDial': (p) => `The second connection, for the desktop channel, failed (${c(p, 'code')}).`,
  'summary.ws.confirm': (p) =>
    join(
      `The server accepted the connection to the desktop (connection ${c(p, 'connectionId')}).`,
      str(p, 'serverName') ? `Server: ${code([str(p, 'serverName'), str(p, 'serverVersion')].filter(Boolean).join(' '))}.` : '',
    ),
  'summary.ws.abort': (p) => `The server refused the connection to the desktop (${c(p, 'reason')}).`,
  'summary.ws.closed': (p) =>
    `The server closed the desktop channel without answering${num(p, 'closeCode') !== undefined ? ` (${code([str(p, 'closeCode'), str(p, 'closeReason')].filter(Boolean).join(' '))})` : ''}.`,
  'summary.ws.authInit': (p) =>
    `The desktop channel works; the server asks for a sign-in (${c(p, 'mode')}${list(p, 'mechanisms').length ? `: ${list(p, 'mechanisms').map(code).join(', ')}` : ''}).`,
  'summary.ws.authResult': (p) => {
    const n = num(p, 'sessions') ?? 0;
    return `The desktop channel works; the server lets you in without a password (${c(p, 'mode')}) and offers ${n === 0 ? 'no session' : n === 1 ? 'one session' : `${n} sessions`}.`;
  },
  'summary.ws.unexpected': (p) => {
    const kind = str(p, 'kind');
    if (kind === 'not-dcv') return `The answer on ${c(p, 'path')} is not a DCV message.`;
    if (kind === 'protocol') return `The answer on ${c(p, 'path')} breaks the WebSocket rules.`;
    return `The server answered ${c(p, 'kind')} on ${c(p, 'path')}, which DCV’s web client does not expect.`;
  },

  'summary.broker.token': (p) => `Signed in to the Broker as the API client ${c(p, 'clientId')}.`,
  'summary.broker.session': (p, w) =>
    join(
      `Found ${str(p, 'name') ? `“${str(p, 'name')}”` : c(p, 'sessionId')} of ${c(p, 'owner')} (${c(p, 'type')}): ${w.state(str(p, 'state'))}${str(p, 'stateReason') ? ` (${c(p, 'stateReason')})` : ''}.`,
      `It runs on ${c(p, 'serverIp')}${str(p, 'serverHostname') ? ` (${c(p, 'serverHostname')})` : ''}.`,
    ),
  'summary.broker.sessionNotFound': (p) => `The Broker does not know the session ${c(p, 'sessionId')}.`,
  'summary.broker.connection': (p) => `Got a connection token for ${c(p, 'user')} (${str(p, 'tokenLength') ?? '?'} characters; the token itself is never shown).`,
  'summary.broker.error': (p, w) =>
    num(p, 'status') !== undefined ? `The Broker answered ${c(p, 'status')} to ${w.op(str(p, 'operation'))}.` : `No answer from the Broker to ${w.op(str(p, 'operation'))}.`,
  'summary.session.noRoute': (p) => `No rule of the Session Manager says how to reach the server ${c(p, 'serverIp')}${str(p, 'serverHostname') ? ` (${c(p, 'serverHostname')})` : ''}.`,
};
