/**
 * `dcv-tunnel doctor <tunnel flags> [--json]`: the diagnosis on a terminal. The flags are the
 * tunnel's (parsed and resolved by cli-args), so the doctor walks the path the tunnel would.
 * `dcv-tunnel doctor BROKER --session ID …`: the same for a Session Manager session
 * (runSessionDoctor), the Broker's steps first.
 * Text: one row per step as it ends, then what to change. --json: one line, one object.
 * Exit 0 when nothing failed, 1 otherwise (2 for bad flags is the caller's).
 */
import type { TunnelCliArgs, TunnelTarget } from './cli-args';
import { diagnose, type DiagnoseInput } from './doctor';
import { envProxyFor } from './no-proxy';
import { formatHostPort, formatProxyList } from './proxy-list';
import { decidingStep, formatReport, redact, statusSymbol, stepSummary } from './report';
import { diagnoseSession, type SessionDiagnoseInput } from './session-manager/doctor-session';
import type { BrokerClient, BrokerClientOptions } from './session-manager/types';
import type { Diagnosis, DiagnosisStep } from './types';

export interface DoctorIo {
  env: NodeJS.ProcessEnv;
  write(text: string): void;
}

/** What the doctor walks for a resolved tunnel target: the path the tunnel would take, without the entry page's token and session. */
export function pathOf(target: TunnelTarget): Omit<DiagnoseInput, 'authToken' | 'sessionId' | 'via' | 'plainBrowserRoute'> {
  return {
    upstream: target.upstream,
    ...(target.webUrlPath !== undefined ? { webUrlPath: target.webUrlPath } : {}),
    route: target.route,
    routeReason: target.routeReason,
    proxyCredentials: target.proxyCredentials,
    trust: target.trust,
    hostHeader: target.hostHeader,
    origin: target.origin,
  };
}

export async function runDoctor(args: TunnelCliArgs, target: TunnelTarget, io: DoctorIo): Promise<number> {
  const { upstream } = target;
  const query = new URLSearchParams(target.entry.query ?? '');
  const authToken = query.get('authToken') ?? undefined;
  const secrets = [target.proxyCredentials?.password, authToken].filter((s): s is string => Boolean(s));
  return printDiagnosis(
    (onStep) =>
      diagnose(
        {
          ...pathOf(target),
          authToken,
          sessionId: target.entry.hash || undefined,
          plainBrowserRoute: plainBrowserRoute(upstream.host, upstream.port, io.env),
        },
        { onStep },
      ),
    { io, json: args.json, secrets, title: `https://${formatHostPort(upstream.host, upstream.port)}${upstream.pathPrefix}`, idWidth: 10 },
  );
}

export interface SessionDoctorOptions {
  json: boolean;
  /** Secrets the caller knows besides the client password, the proxy passwords and the fresh token (taken out of the output too). */
  secrets?: string[];
  /** Tests inject a Broker client. */
  createClient?: (options: BrokerClientOptions) => BrokerClient;
}

/**
 * The diagnosis of a Session Manager session (diagnoseSession), printed like runDoctor's. The
 * Broker's route gets the plain browser's comparison from the environment, as a desktop's does.
 */
export async function runSessionDoctor(input: SessionDiagnoseInput, io: DoctorIo, options: SessionDoctorOptions): Promise<number> {
  const { broker } = input.broker;
  const auth = input.broker.auth;
  const secrets = [...(options.secrets ?? []), auth.kind === 'client-credentials' ? auth.clientPassword : undefined, input.broker.proxyCredentials?.password].filter(
    (s): s is string => Boolean(s),
  );
  // The fresh connection token never appears in a step; it is still scrubbed from the output.
  const target: SessionDiagnoseInput['target'] = async (session, token) => {
    secrets.push(token);
    const t = await input.target(session, token);
    if (t.proxyCredentials?.password) secrets.push(t.proxyCredentials.password);
    return { ...t, plainBrowserRoute: t.plainBrowserRoute ?? plainBrowserRoute(t.upstream.host, t.upstream.port, io.env) };
  };
  return printDiagnosis(
    (onStep) =>
      diagnoseSession(
        { ...input, target, plainBrowserRoute: input.plainBrowserRoute ?? plainBrowserRoute(broker.host, broker.port, io.env) },
        { onStep, createClient: options.createClient },
      ),
    { io, json: options.json, secrets, title: `session ${input.sessionId} via the Broker at https://${formatHostPort(broker.host, broker.port)}/`,
      // The id column fits broker-connection.
      idWidth: 19,
    },
  );
}

/**
 * The printing both share. Text: a header, a row per step as it ends, the verdict, then each
 * hint. JSON: one line at the end. Everything shown is redacted with the secrets known by
 * then (the list may grow while the diagnosis runs).
 */
async function printDiagnosis(
  run: (onStep: ((s: DiagnosisStep) => void) | undefined) => Promise<Diagnosis>,
  how: { io: DoctorIo; json: boolean; secrets: string[]; title: string; idWidth: number },
): Promise<number> {
  const { io, json, secrets } = how;
  const show = (s: DiagnosisStep) => redact(s, secrets).value;
  if (!json) io.write(`dcv-tunnel doctor: ${how.title}\n`);
  const diagnosis = await run(json ? undefined : (s) => io.write(row(show(s), how.idWidth)));

  if (json) {
    io.write(formatReport(diagnosis, { format: 'json', secrets }) + '\n');
  } else {
    const first = decidingStep(diagnosis);
    const notes = diagnosis.steps.some((x) => x.status === 'info');
    io.write(`\n${diagnosis.ok ? (first ? `OK, with warnings` : notes ? 'OK, with notes' : 'OK') : `FAILED at ${first?.id} (${first?.code})`}\n`);
    for (const s of diagnosis.steps.filter((x) => x.hint).map(show)) {
      io.write(`\n${statusSymbol(s.status)} ${s.id} — ${s.code}\n${indent(s.hint ?? '')}\n`);
    }
  }
  return diagnosis.ok ? 0 : 1;
}

/** What a browser honouring HTTPS_PROXY / NO_PROXY on this machine would do with the endpoint. */
function plainBrowserRoute(host: string, port: number, env: NodeJS.ProcessEnv): NonNullable<DiagnoseInput['plainBrowserRoute']> {
  try {
    const d = envProxyFor(`https://${formatHostPort(host, port)}/`, env);
    return { route: formatProxyList(d.route), reason: d.why ?? d.reason, ...(d.because ? { because: d.because } : {}) };
  } catch (e) {
    // A proxy the tunnel cannot use (socks5://…) is still a proxy a browser would use.
    return { route: 'PROXY (unsupported proxy URL)', reason: (e as Error).message };
  }
}

function row(s: DiagnosisStep, idWidth: number): string {
  const time = `${Math.round(s.durationMs)} ms`;
  return `  ${statusSymbol(s.status)} ${s.id.padEnd(idWidth)}${s.code.padEnd(30)}${time.padStart(8)}  ${stepSummary(s)}\n`;
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((l) => `    ${l}`)
    .join('\n');
}
