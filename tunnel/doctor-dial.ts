/**
 * The dns, tcp, proxy and tls steps of a diagnosis, judged from what dial() reported: the
 * desktop's (diagnose() dials itself) and the Broker's (its client dials, the doctor listens).
 * One place, so a code always names the same step with the same hint wherever it comes from.
 */
import { expiresWithinDays, isExpired, isNotYetValid, namesHost } from './certificate';
import type { HintFacts } from './doctor-hints';
import { flatMessage, setSummary, summaryOf } from './doctor-summary';
import { addWarnings, advise, SKIP, skipped } from './doctor-step';
import { isTunnelError, STEP_OF, type CertificateSummary, type Step, type TunnelErrorCode } from './errors';
import type { Message } from './messages';
import { parseProxyList } from './proxy-list';
import type { DiagnosisStep, DialStep, RouteEntry, TrustPolicy } from './types';

export const DIAL_STEPS = ['dns', 'tcp', 'proxy', 'tls'] as const;
export type DialStepId = (typeof DIAL_STEPS)[number];
const EXPIRY_WARNING_DAYS = 30;

/** What the dial was asked to do, as far as judging its steps needs. */
export interface DialContext {
  host: string;
  port: number;
  route: string | RouteEntry[];
  routeReason?: string;
  routeBecause?: Message;
  plainBrowserRoute?: { route: string; reason: string; because?: Message };
  trust: TrustPolicy;
}

export interface Attempts {
  onStep: (s: DialStep) => void;
  /** The steps of the last attempt of the dial judged, by step. */
  seen: Map<Step, DialStep>;
  /** Route entries tried before the last one, and how each failed. */
  earlier: NonNullable<HintFacts['earlierRoutes']>;
  /** When each dial reported so far began (performance.now() time), in order. */
  dialStarts: number[];
}

/**
 * dial tries the route's entries in order ("PROXY a:8080; DIRECT") and reports every attempt's
 * steps, each tagged with its route: the last attempt is the path, the failed ones are history.
 *
 * `dial`: a client that dials once per call (the Broker's) reports every dial; only that one
 * (1-based; a dial ends with its verified TLS) is the path to judge. Default: every step, for a
 * caller that dials once.
 */
export function collectAttempts(options: { dial?: number } = {}): Attempts {
  const seen = new Map<Step, DialStep>();
  const earlier: Attempts['earlier'] = [];
  const dialStarts: number[] = [];
  let current: unknown;
  let between = true;
  const onStep = (s: DialStep) => {
    if (between) dialStarts.push(performance.now() - s.durationMs);
    between = s.step === 'tls' && s.status !== 'fail';
    if (options.dial !== undefined && dialStarts.length !== options.dial) return;
    if (seen.size > 0 && s.detail.route !== current) {
      const failedStep = [...seen.values()].find((x) => x.status === 'fail');
      if (failedStep) earlier.push({ route: String(current), code: failedStep.code ?? 'UNEXPECTED', message: String(failedStep.detail.message ?? '') });
      seen.clear();
    }
    current = s.detail.route;
    seen.set(s.step, s);
  };
  return { seen, earlier, onStep, dialStarts };
}

/**
 * The four steps in path order, judged. `failure`: what the dial (or the call around it) threw,
 * placed at its step when dial did not report it. `facts` gets what the later steps' hints need.
 */
export function judgeDialSteps(attempts: Attempts, failure: unknown, ctx: DialContext, facts: HintFacts): DiagnosisStep[] {
  const { seen, earlier } = attempts;
  rehomeFailure(seen);
  placeUnreportedFailure(seen, failure);
  facts.earlierRoutes = earlier.length > 0 ? earlier : undefined;
  const steps: DiagnosisStep[] = [];
  let failed = false;
  for (const id of DIAL_STEPS) {
    const step = fromDial(id, seen.get(id), failed, ctx, facts);
    if (earlier.length > 0 && (step.status === 'fail' || (id === 'proxy' && !failed))) {
      step.detail.earlierRoutes = earlier;
      if (step.status !== 'fail') addWarnings(step, ['ROUTE_FALLBACK'], facts);
    }
    failed ||= step.status === 'fail';
    steps.push(step);
  }
  return steps;
}

/** The first entry of a route; unparseable lists (SOCKS, HTTPS entries) count as "not direct". */
function firstEntry(route: string | RouteEntry[]): RouteEntry | undefined {
  if (typeof route !== 'string') return route[0];
  try {
    return parseProxyList(route)[0];
  } catch {
    return undefined;
  }
}

/**
 * dial reports a failure where it happened (the TCP connection to the proxy), the diagnosis
 * shows it where its code belongs (STEP_OF: PROXY_UNREACHABLE is the proxy's), so a code
 * always names the same step in the app, the CLI and a ticket.
 */
function rehomeFailure(seen: Map<Step, DialStep>): void {
  for (const [id, s] of seen) {
    const home = s.status === 'fail' && s.code ? STEP_OF[s.code] : id;
    if (home === id || home === 'listen' || seen.has(home) || !(DIAL_STEPS as readonly string[]).includes(home)) continue;
    seen.set(home, { ...s, step: home as DialStep['step'] });
    seen.set(id, { step: s.step, status: 'skip', durationMs: s.durationMs, detail: { reason: `part of the ${home} step, which failed`, partOf: home } });
  }
}

/**
 * A failure dial did not report as a step (an abort, a bad route or pin caught before the
 * first step) is shown at its step, or the first one that did not run: never lost.
 */
function placeUnreportedFailure(seen: Map<Step, DialStep>, failure: unknown): void {
  if (failure === undefined || [...seen.values()].some((s) => s.status === 'fail')) return;
  const error = isTunnelError(failure) ? failure : undefined;
  const home = error && (DIAL_STEPS as readonly string[]).includes(error.step) ? (error.step as DialStep['step']) : (DIAL_STEPS.find((id) => !seen.has(id)) ?? 'tls');
  const message = failure instanceof Error ? failure.message : String(failure);
  seen.set(home, { step: home, status: 'fail', durationMs: 0, code: error?.code, detail: { message, ...error?.details } });
}

function fromDial(id: DialStepId, reported: DialStep | undefined, afterFailure: boolean, ctx: DialContext, facts: HintFacts): DiagnosisStep {
  if (reported) absorbDetailFacts(reported.detail, facts);
  if (afterFailure) return skipped(id, SKIP.earlierFailed);
  if (id === 'proxy' && (!reported || reported.status === 'skip')) {
    const direct = directProxyStep(ctx, reported, facts);
    if (direct) return direct;
  }
  if (!reported) return skipped(id, SKIP.notNeeded);

  const step: DiagnosisStep = { id, status: reported.status, code: 'OK', durationMs: reported.durationMs, detail: { ...reported.detail } };
  if (id === 'proxy' && ctx.routeReason) step.detail.reason ??= ctx.routeReason;
  if (reported.status === 'fail') {
    step.code = reported.code ?? 'UNEXPECTED';
    facts.message = typeof step.detail.message === 'string' ? step.detail.message : undefined;
  } else if (reported.status === 'skip') {
    step.code = 'SKIPPED';
  } else if (id === 'tls') {
    // A passed tls step is judged here; dial's own warnings stay in the detail as it wrote them.
    step.status = 'ok';
    const cert = reported.detail.certificate as CertificateSummary | undefined;
    if (cert) certificateWarnings(step, cert, ctx, facts);
    if (reported.status === 'warn' && step.status === 'ok') {
      facts.message = JSON.stringify(step.detail.warnings ?? 'a warning');
      addWarnings(step, ['TLS_WARNING'], facts);
    }
  } else if (reported.status === 'warn') {
    step.code = reported.code ?? 'WARNING';
  }
  if ((step.status === 'warn' || step.status === 'info' || step.status === 'fail') && !step.hint) advise(step, facts);
  setSummary(step, summarize(step, facts), summaryMessage(step, ctx, facts));
  return step;
}

/** What the hints need from a step's detail (dial puts a failure's TunnelError details there). */
function absorbDetailFacts(detail: Record<string, unknown>, facts: HintFacts): void {
  const str = (k: string) => (typeof detail[k] === 'string' ? (detail[k] as string) : undefined);
  const num = (k: string) => (typeof detail[k] === 'number' ? (detail[k] as number) : undefined);
  facts.proxy = str('proxy') ?? facts.proxy;
  facts.proxyStatus = num('proxyStatus') ?? facts.proxyStatus;
  facts.proxyAuthenticate = str('proxyAuthenticate') ?? facts.proxyAuthenticate;
  // The endpoint's address, not the proxy's.
  if (!detail.proxy) facts.address ??= str('address')?.replace(/:\d+$/, '');
  for (const key of ['certificate', 'presented']) {
    const cert = detail[key] as CertificateSummary | undefined;
    if (cert && typeof cert === 'object' && typeof cert.fingerprint256Hex === 'string') facts.certificate = cert;
  }
}

/** On a direct route the proxy step says so, and warns when a plain browser here would use a proxy. */
function directProxyStep(ctx: DialContext, reported: DialStep | undefined, facts: HintFacts): DiagnosisStep | undefined {
  const direct = reported ? reported.detail.route === 'DIRECT' : firstEntry(ctx.route)?.kind === 'direct';
  if (!direct) return undefined;
  const reason = ctx.routeReason ?? 'route is DIRECT';
  const detail: Record<string, unknown> = { ...(reported?.detail ?? {}), route: 'DIRECT', reason };
  const because = flatMessage('because', ctx.routeBecause);
  const browser = ctx.plainBrowserRoute;
  if (browser && firstEntry(browser.route)?.kind !== 'direct') {
    detail.plainBrowserRoute = browser.route;
    detail.plainBrowserReason = browser.reason;
    // The launcher goes DIRECT whatever a plain browser would do: worth knowing, nothing to fix here.
    const step: DiagnosisStep = { id: 'proxy', status: 'info', code: 'SYSTEM_PROXY_WOULD_INTERCEPT', durationMs: reported?.durationMs ?? 0, detail };
    advise(step, facts);
    setSummary(
      step,
      `DIRECT: ${reason}; a plain browser here would use ${browser.route} (${browser.reason})`,
      summaryOf('summary.proxy.plainBrowserDiffers', { ...because, plainBrowserRoute: browser.route, ...flatMessage('plainBrowserBecause', browser.because) }),
    );
    return step;
  }
  const step: DiagnosisStep = { id: 'proxy', status: 'ok', code: 'OK', durationMs: reported?.durationMs ?? 0, detail };
  setSummary(step, `DIRECT: ${reason}`, summaryOf('summary.proxy.direct', because));
  return step;
}

/**
 * Works now, bites later: expiry (a pin accepts an expired certificate, a browser will not),
 * expiry within 30 days, a pinned certificate that does not name the endpoint.
 */
function certificateWarnings(step: DiagnosisStep, cert: CertificateSummary, ctx: DialContext, facts: HintFacts): void {
  facts.certificate = cert;
  step.detail.certificate ??= cert;
  const warnings: string[] = [];
  if (isExpired(cert)) warnings.push('CERT_EXPIRED');
  else if (expiresWithinDays(cert, EXPIRY_WARNING_DAYS)) {
    facts.daysLeft = Math.floor((Date.parse(cert.validTo) - Date.now()) / 86_400_000);
    warnings.push('CERT_EXPIRES_SOON');
  }
  if (isNotYetValid(cert)) warnings.push('CERT_NOT_YET_VALID');
  if (ctx.trust.kind === 'pin' && !namesHost(cert, ctx.host)) warnings.push('CERT_NAME_MISMATCH');
  addWarnings(step, warnings, facts);
}

/** One line for the table: what the step saw, from dial's detail. */
function summarize(step: DiagnosisStep, facts: HintFacts): string {
  const d = step.detail;
  const parts: string[] = [];
  const str = (k: string) => (typeof d[k] === 'string' ? (d[k] as string) : undefined);
  if (step.status === 'skip') return str('reason') ?? 'skipped';
  if (Array.isArray(d.addresses)) parts.push(`${facts.host} → ${(d.addresses as unknown[]).join(', ')}`);
  else if (str('address')) parts.push(str('address')!);
  if (str('proxy')) parts.push(`via ${str('proxy')}${facts.routeReason ? ` (${facts.routeReason})` : ''}`);
  if (typeof d.proxyStatus === 'number') parts.push(`CONNECT ${str('connectTo') ?? ''} → ${d.proxyStatus} ${str('proxyStatusText') ?? ''}`.replace(/\s+/g, ' ').trim());
  if (str('proxyAuthenticate')) parts.push(`Proxy-Authenticate: ${str('proxyAuthenticate')}`);
  if (str('protocol')) parts.push(`${str('protocol')}${str('cipher') ? ` ${str('cipher')}` : ''}`);
  const cert = certificateOf(d);
  if (cert) parts.push(`${cert.subject}${cert.selfSigned ? ' (self-signed)' : ''}, until ${cert.validTo}, ${cert.fingerprint256Hex}`);
  if (Array.isArray(d.expected)) parts.push(`pinned ${(d.expected as unknown[]).join(', ')}`);
  else if (d.pin === 'matched') parts.push('pin matched');
  if (str('message') && step.status === 'fail') parts.push(str('message')!);
  return parts.join('; ') || step.code;
}

function certificateOf(d: Record<string, unknown>): CertificateSummary | undefined {
  const cert = (d.certificate ?? d.presented) as CertificateSummary | undefined;
  return cert && typeof cert === 'object' && typeof cert.fingerprint256Hex === 'string' ? cert : undefined;
}

/** The same line as data: a code per kind of line (SUMMARY_CODES), with what the step saw. */
function summaryMessage(step: DiagnosisStep, ctx: DialContext, facts: HintFacts): Message {
  const d = step.detail;
  const str = (k: string) => (typeof d[k] === 'string' ? (d[k] as string) : null);
  const num = (k: string) => (typeof d[k] === 'number' ? (d[k] as number) : null);
  const id = step.id as DialStepId;
  if (step.status === 'skip') {
    if (typeof d.partOf === 'string') return summaryOf('summary.skip.partOfFailedStep', { step: d.partOf });
    if (id === 'dns' && Array.isArray(d.addresses)) return summaryOf('summary.dns.ipLiteral', { host: ctx.host });
    if (id === 'dns' && str('route')?.startsWith('PROXY')) return summaryOf('summary.dns.proxyResolves', { route: str('route') });
    return summaryOf('summary.skip.notNeeded');
  }
  // A failure that is not this step's own kind (a route dial refused, an abort): its code says it all.
  if (step.status === 'fail' && (!isTunnelErrorCode(step.code) || STEP_OF[step.code] !== id)) return summaryOf('summary.failed', { code: step.code });
  const because = flatMessage('because', ctx.routeBecause);
  switch (id) {
    case 'dns':
      if (step.status === 'fail') return summaryOf('summary.dns.failed', { host: ctx.host });
      if (str('override')) return summaryOf('summary.dns.override', { host: ctx.host, address: str('override') });
      return summaryOf('summary.dns', { host: ctx.host, addresses: stringList(d.addresses) });
    case 'tcp':
      return summaryOf('summary.tcp', { address: str('address') ?? `${ctx.host}:${ctx.port}`, proxy: str('proxy') });
    case 'proxy':
      if (step.code === 'PROXY_UNREACHABLE') return summaryOf('summary.proxy.unreachable', { proxy: str('proxy') ?? facts.proxy ?? null, address: str('address'), ...because });
      return summaryOf('summary.proxy.connect', {
        proxy: str('proxy') ?? facts.proxy ?? null,
        connectTo: str('connectTo'),
        status: num('proxyStatus'),
        statusText: str('proxyStatusText'),
        proxyAuthenticate: str('proxyAuthenticate'),
        ...because,
      });
    case 'tls': {
      const cert = certificateOf(d);
      if (step.status === 'fail') {
        if (!cert) return summaryOf('summary.tls.handshakeFailed', { host: ctx.host, port: ctx.port });
        return summaryOf('summary.tls.refused', { ...certificateParams(cert), pinned: Array.isArray(d.expected) ? stringList(d.expected) : null });
      }
      return summaryOf('summary.tls', { protocol: str('protocol'), cipher: str('cipher'), ...(cert ? certificateParams(cert) : {}), pinMatched: d.pin === 'matched' });
    }
  }
}

function certificateParams(cert: CertificateSummary) {
  return { subject: cert.subject, selfSigned: cert.selfSigned, validTo: cert.validTo, fingerprint: cert.fingerprint256Hex };
}

function stringList(v: unknown): string[] {
  return Array.isArray(v) ? v.map(String) : [];
}

function isTunnelErrorCode(code: string): code is TunnelErrorCode {
  return Object.prototype.hasOwnProperty.call(STEP_OF, code);
}
