/**
 * The doctor behind the troubleshooting view: runs tunnel/doctor's diagnose() on the same
 * target, route, credentials and pins a connection would use, streams each step as a
 * 'doctor.step' event, keeps the last diagnosis per desktop (status dots, ticket reports),
 * and explains the proxy decision.
 */
import type { ProxyExplanation, Result } from '../../preload/contract/api';
import type { Catalogue, Endpoint } from '../../preload/contract/model';
import { diagnose } from '../../tunnel/doctor';
import { formatHostPort } from '../../tunnel/proxy-list';
import { decidingStep, formatReport } from '../../tunnel/report';
import type { Diagnosis, DiagnosisStep, ProxyCredentials, TrustPolicy } from '../../tunnel/types';
import type { Emit } from './connection-manager';
import { desktopTarget } from './desktop-target';
import { safeFileName } from './import-export/dcv-file';
import type { ProxyDecision, ProxyPolicy } from './proxy-policy';
import { tokenSecretKey, type SecretStore } from './secrets/secret-store';
import type { TrustStore } from './trust-store';

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
}

type Health = { status: 'ok' | 'warn' | 'fail'; code: string; at: string };
type ApiFail = Extract<Result<never>, { ok: false }>;
const ok = <T>(value: T): Result<T> => ({ ok: true, value });
const fail = (code: ApiFail['error']['code'], message: string): ApiFail => ({ ok: false, error: { code, message } });

/** The URL a browser would ask for, on the port of the endpoint's first desktop (else DCV's 8443). */
function endpointUrl(catalogue: Catalogue, endpoint: Endpoint): string {
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

  async function run(desktopId: string): Promise<Result<Diagnosis>> {
    const found = find(desktopId);
    if (!found) return fail('NOT_FOUND', `no desktop "${desktopId}"`);
    const { desktop, endpoint } = found;
    const token = desktop.route.kind === 'gateway' ? await deps.secrets.get(tokenSecretKey(desktop.id)) : undefined;
    const target = desktopTarget(endpoint, desktop, token);
    const onStep = (step: DiagnosisStep) => deps.emit('doctor.step', { desktopId, step });
    const startedAt = new Date().toISOString();

    let decision: ProxyDecision;
    try {
      decision = await deps.proxy.decide(endpoint, target.url);
    } catch (e) {
      // No route at all (a broken PAC answer, an unusable proxy variable): that is the proxy step.
      const message = (e as Error).message;
      const step: DiagnosisStep = {
        id: 'proxy',
        status: 'fail',
        code: 'PROXY_ERROR',
        durationMs: 0,
        detail: { summary: message },
        hint: `The launcher cannot decide how to reach ${target.url}: ${message}. Check Endpoint → Proxy.`,
      };
      onStep(step);
      return ok(keep(desktopId, { ok: false, target: target.url, startedAt, steps: [step] }));
    }
    const [credentials, explanation] = await Promise.all([
      deps.proxyCredentials(endpoint, decision),
      deps.proxy.explain(endpoint, target.url).catch(() => undefined),
    ]);
    const policy = deps.trust.policyFor(endpoint, target.upstream.port);
    // Not trusted yet: check against the system's trust store, which names the real problem
    // (self-signed, expired, wrong name) and says how to pin it.
    const trust: TrustPolicy = 'needs' in policy ? { kind: 'system' } : policy;
    const diagnosis = await diagnose(
      {
        upstream: target.upstream,
        webUrlPath: target.webUrlPath,
        route: decision.route,
        routeReason: decision.reason,
        proxyCredentials: credentials,
        trust,
        hostHeader: target.hostHeader,
        origin: target.origin,
        authToken: target.authToken,
        sessionId: target.sessionId,
        // The doctor puts the reason in parentheses after the route: the short why, not the explainer's sentence.
        ...(explanation ? { plainBrowserRoute: { route: explanation.plainBrowser.route, reason: explanation.plainBrowser.why ?? explanation.plainBrowser.reason } } : {}),
        timeouts: deps.timeouts,
      },
      { onStep },
    );
    return ok(keep(desktopId, diagnosis));
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
      if (!found) return fail('NOT_FOUND', `no desktop "${desktopId}"`);
      let diagnosis = last.get(desktopId);
      if (!diagnosis) {
        const ran = await run(desktopId);
        if (!ran.ok) return ran;
        diagnosis = ran.value;
      }
      const { desktop, endpoint } = found;
      const text = formatReport(diagnosis, {
        format,
        secrets: await secretsOf(desktopId),
        context: {
          ...deps.reportContext,
          desktop: desktop.name,
          endpoint: endpoint.host,
          route: desktop.route.kind,
          proxySetting: endpoint.proxy.mode,
          certificateSetting: endpoint.tls.mode,
        },
      });
      const stamp = diagnosis.startedAt.replace(/[:.]/g, '-');
      return ok({ fileName: `dcv-diagnosis-${safeFileName(desktop.name)}-${stamp}.${format === 'json' ? 'json' : 'md'}`, text });
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

