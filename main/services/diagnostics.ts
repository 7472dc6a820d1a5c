/**
 * The doctor behind the troubleshooting view: runs tunnel/doctor's diagnose() on the same
 * target, route, credentials and pins a connection would use, streams each step as a
 * 'doctor.step' event, keeps the last diagnosis per desktop (status dots, ticket reports),
 * and explains the proxy decision.
 */
import type { ProxyExplanation, Result } from '../../preload/contract/api';
import type { Catalogue, Endpoint } from '../../preload/contract/model';
import { diagnose, type DiagnoseInput } from '../../tunnel/doctor';
import { isTunnelError } from '../../tunnel/errors';
import { formatHostPort } from '../../tunnel/proxy-list';
import { decidingStep, formatReport } from '../../tunnel/report';
import { diagnoseSession } from '../../tunnel/session-manager/doctor-session';
import type { BrokerClient, BrokerClientOptions } from '../../tunnel/session-manager/types';
import type { Diagnosis, DiagnosisStep, ProxyCredentials, TrustPolicy } from '../../tunnel/types';
import type { Emit } from './connection-manager';
import { desktopTarget, type DesktopTarget } from './desktop-target';
import { safeFileName } from './import-export/dcv-file';
import type { ProxyDecision, ProxyPolicy } from './proxy-policy';
import { tokenSecretKey, type SecretStore } from './secrets/secret-store';
import type { SessionDirectory } from './session-directory';
import { sessionTarget } from './session-target';
import type { TrustStore } from './trust-store';
import { ok, fail } from './result';

export interface DiagnosticsDeps {
  catalogue(): Catalogue;
  secrets: Pick<SecretStore, 'get'>;
  trust: Pick<TrustStore, 'policyFor'>;
  proxy: ProxyPolicy;
  proxyCredentials(endpoint: Endpoint, decision: ProxyDecision): Promise<ProxyCredentials | undefined>;
  emit: Emit;
  /** Facts for the top of a report (app version, OS). */
  reportContext?: Record<string, unknown>;
  timeouts?: { connectMs?: number; handshakeMs?: number; httpMs?: number };
  /** Session Manager sessions: where their Broker is and how the doctor signs in to it. */
  sessions?: Pick<SessionDirectory, 'locate' | 'brokerSetup' | 'userOf'>;
  /** Tests count the doctor's Broker calls; default the real client. */
  createBrokerClient?: (options: BrokerClientOptions) => BrokerClient;
}

type Health = { status: 'ok' | 'warn' | 'fail'; code: string; at: string };

/** The URL a browser would ask for, on the port of the endpoint's first desktop (else DCV's 8443). */
export function endpointUrl(catalogue: Catalogue, endpoint: Endpoint): string {
  const port = catalogue.desktops.find((d) => d.endpointId === endpoint.id)?.route.port ?? 8443;
  return `https://${formatHostPort(endpoint.host, port)}/`;
}

export type Diagnostics = ReturnType<typeof createDiagnostics>;

export function createDiagnostics(deps: DiagnosticsDeps) {
  const last = new Map<string, Diagnosis>();

  const find = (desktopId: string) => {
    const c = deps.catalogue();
    const desktop = c.desktops.find((d) => d.id === desktopId);
    const endpoint = desktop && c.endpoints.find((e) => e.id === desktop.endpointId);
    return desktop && endpoint ? { desktop, endpoint } : undefined;
  };

  /** Everything secret a report about this desktop could contain. */
  async function secretsOf(desktopId: string): Promise<string[]> {
    const found = find(desktopId);
    if (!found) return [];
    const { desktop, endpoint } = found;
    const out: Array<string | undefined> = [];
    if (desktop.route.kind === 'gateway') out.push(await deps.secrets.get(tokenSecretKey(desktop.id)).catch(() => undefined));
    const decision = await deps.proxy.decide(endpoint, desktopTarget(endpoint, desktop).url).catch(() => undefined);
    if (decision) out.push((await deps.proxyCredentials(endpoint, decision).catch(() => undefined))?.password, decision.envCredentials?.password);
    return out.filter((s): s is string => typeof s === 'string' && s.length > 0);
  }

  /**
   * The path to one target as the tunnel would take it: the endpoint's route for the target's
   * URL (and why, as words and as data), its credentials and pins — an unpinned target is checked
   * against the system's store, which names the real problem (self-signed, expired, wrong name)
   * and says how to pin it — and what a plain browser here would do instead.
   */
  async function pathTo(endpoint: Endpoint, target: DesktopTarget, via?: 'gateway' | 'server'): Promise<DiagnoseInput | { failed: DiagnosisStep }> {
    let decision: ProxyDecision;
    try {
      decision = await deps.proxy.decide(endpoint, target.url);
    } catch (e) {
      // No route at all (a broken PAC answer, an unusable proxy variable): that is the proxy step.
      const message = (e as Error).message;
      // A proxy URL whose password needs percent-encoding keeps its code: the advice says so.
      const code = isTunnelError(e) && e.code === 'PROXY_URL_UNENCODED' ? e.code : 'PROXY_ERROR';
      return {
        failed: {
          id: 'proxy',
          status: 'fail',
          code,
          durationMs: 0,
          detail: { summary: message },
          hint: `The launcher cannot decide how to reach ${target.url}: ${message}. Check Endpoint → Proxy.`,
          summary: { code: 'summary.proxy.noRoute', params: { url: target.url } },
          advice: [{ code, facts: { host: target.upstream.host, port: target.upstream.port, pathPrefix: target.upstream.pathPrefix, webUrlPath: target.webUrlPath, message } }],
        },
      };
    }
    const [credentials, explanation] = await Promise.all([deps.proxyCredentials(endpoint, decision), deps.proxy.explain(endpoint, target.url).catch(() => undefined)]);
    const policy = deps.trust.policyFor(endpoint, target.upstream.port);
    const trust: TrustPolicy = 'needs' in policy ? { kind: 'system' } : policy;
    const browser = explanation?.plainBrowser;
    return {
      upstream: target.upstream,
      webUrlPath: target.webUrlPath,
      route: decision.route,
      routeReason: decision.reason,
      routeBecause: decision.because,
      proxyCredentials: credentials,
      trust,
      hostHeader: target.hostHeader,
      origin: target.origin,
      authToken: target.authToken,
      sessionId: target.sessionId,
      ...(via ? { via } : {}),
      // The doctor puts the reason in parentheses after the route: the short why, not the explainer's sentence.
      ...(browser ? { plainBrowserRoute: { route: browser.route, reason: browser.why ?? browser.reason, ...(browser.because ? { because: browser.because } : {}) } } : {}),
      timeouts: deps.timeouts,
    };
  }

  /** The Broker's client password and proxy passwords of a source: never in a report. */
  async function sessionSecrets(source: Parameters<SessionDirectory['brokerSetup']>[0]): Promise<string[]> {
    const setup = await deps.sessions?.brokerSetup(source).catch(() => undefined);
    if (!setup || 'kind' in setup) return [];
    return [setup.auth.kind === 'client-credentials' ? setup.auth.clientPassword : undefined, setup.credentials?.password, setup.decision.envCredentials?.password].filter(
      (x): x is string => typeof x === 'string' && x.length > 0,
    );
  }

  async function run(desktopId: string): Promise<Result<Diagnosis>> {
    const onStep = (step: DiagnosisStep) => deps.emit('doctor.step', { desktopId, step });
    const found = find(desktopId);
    if (!found) return runSession(desktopId, onStep);
    const { desktop, endpoint } = found;
    const token = desktop.route.kind === 'gateway' ? await deps.secrets.get(tokenSecretKey(desktop.id)) : undefined;
    const target = desktopTarget(endpoint, desktop, token);
    const input = await pathTo(endpoint, target, desktop.route.kind === 'gateway' ? 'gateway' : undefined);
    if ('failed' in input) {
      onStep(input.failed);
      return ok(keep(desktopId, { ok: false, target: target.url, startedAt: new Date().toISOString(), steps: [input.failed] }));
    }
    return ok(keep(desktopId, await diagnose(input, { onStep })));
  }

  /** A Broker session: the Broker's steps, then its Gateway's (or server's) path with a fresh token. */
  async function runSession(key: string, onStep: (step: DiagnosisStep) => void): Promise<Result<Diagnosis>> {
    const found = deps.sessions?.locate(key);
    if (!found) return fail('NOT_FOUND', `no desktop "${key}"`);
    const setup = await deps.sessions!.brokerSetup(found.source);
    if ('kind' in setup) return fail('NOT_FOUND', setup.message);
    const { source, endpoint, decision, credentials, broker, policy, auth } = setup;
    const explanation = await deps.proxy.explain(endpoint, `https://${formatHostPort(broker.host, broker.port)}/`).catch(() => undefined);
    const browser = explanation?.plainBrowser;
    const diagnosis = await diagnoseSession(
      {
        broker: {
          broker,
          route: decision.route,
          ...(credentials ? { proxyCredentials: credentials } : {}),
          // Not pinned yet: the system's store, so broker-tls names the problem and says how to trust it.
          trust: 'needs' in policy ? { kind: 'system' } : policy,
          auth,
          timeouts: deps.timeouts,
        },
        routeReason: decision.reason,
        routeBecause: decision.because,
        ...(browser ? { plainBrowserRoute: { route: browser.route, reason: browser.why ?? browser.reason, ...(browser.because ? { because: browser.because } : {}) } } : {}),
        sessionId: found.sessionId,
        user: deps.sessions!.userOf(source),
        target: async (session, token) => {
          const target = sessionTarget(endpoint, source, session, token);
          if (!target) throw new Error(`no rule of source "${source.name}" maps server ${session.server.ip || session.server.hostname}`);
          const input = await pathTo(endpoint, target, source.open.via === 'gateway' ? 'gateway' : 'server');
          if ('failed' in input) throw new Error(String(input.failed.detail.summary));
          return input;
        },
      },
      { onStep, ...(deps.createBrokerClient ? { createClient: deps.createBrokerClient } : {}) },
    );
    return ok(keep(key, diagnosis));
  }

  function keep(desktopId: string, diagnosis: Diagnosis): Diagnosis {
    last.set(desktopId, diagnosis);
    return diagnosis;
  }

  return {
    run,

    /** The last diagnosis as a ticket text, with the desktop's token and proxy passwords taken out. */
    async report(desktopId: string, format: 'markdown' | 'json'): Promise<Result<{ fileName: string; text: string }>> {
      const found = find(desktopId);
      const session = found ? undefined : deps.sessions?.locate(desktopId);
      if (!found && !session) return fail('NOT_FOUND', `no desktop "${desktopId}"`);
      let diagnosis = last.get(desktopId);
      if (!diagnosis) {
        const ran = await run(desktopId);
        if (!ran.ok) return ran;
        diagnosis = ran.value;
      }
      const endpoint = found?.endpoint ?? deps.catalogue().endpoints.find((e) => e.id === session!.source.endpointId);
      const name = found?.desktop.name ?? session!.name;
      const text = formatReport(diagnosis, {
        format,
        // The session's fresh token never reaches a step; the Broker password is taken out like a proxy's.
        secrets: found ? await secretsOf(desktopId) : await sessionSecrets(session!.source),
        context: {
          ...deps.reportContext,
          desktop: name,
          endpoint: endpoint?.host,
          route: found ? found.desktop.route.kind : `session-manager (${session!.source.open.via})`,
          proxySetting: endpoint?.proxy.mode,
          certificateSetting: endpoint?.tls.mode,
        },
      });
      const stamp = diagnosis.startedAt.replace(/[:.]/g, '-');
      return ok({ fileName: `dcv-diagnosis-${safeFileName(name)}-${stamp}.${format === 'json' ? 'json' : 'md'}`, text });
    },

    async explainProxy(endpointId: string): Promise<Result<ProxyExplanation>> {
      const c = deps.catalogue();
      const endpoint = c.endpoints.find((e) => e.id === endpointId);
      if (!endpoint) return fail('NOT_FOUND', `no endpoint "${endpointId}"`);
      return ok(await deps.proxy.explain(endpoint, endpointUrl(c, endpoint)));
    },

    /** desktopId → the last diagnosis as a status dot. */
    health(): Record<string, Health> {
      const out: Record<string, Health> = {};
      for (const [desktopId, d] of last) {
        const deciding = decidingStep(d);
        out[desktopId] = {
          status: !d.ok ? 'fail' : deciding ? 'warn' : 'ok',
          code: deciding?.code ?? 'OK',
          at: d.startedAt,
        };
      }
      return out;
    },

    forget(desktopId: string): void {
      last.delete(desktopId);
    },
  };
}

