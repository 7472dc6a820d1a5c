/**
 * `dcv-tunnel doctor <tunnel flags> [--json]`: the diagnosis on a terminal. The flags are the
 * tunnel's (parsed and resolved by cli-args), so the doctor walks the path the tunnel would.
 * Text: one row per step as it ends, then what to change. --json: one line, one object.
 * Exit 0 when nothing failed, 1 otherwise (2 for bad flags is the caller's).
 */
import type { TunnelCliArgs, TunnelTarget } from './cli-args';
import { diagnose } from './doctor';
import { envProxyFor } from './no-proxy';
import { formatProxyList } from './proxy-list';
import { decidingStep, formatReport, redact, statusSymbol, stepSummary } from './report';
import type { DiagnosisStep } from './types';

export interface DoctorIo {
  env: NodeJS.ProcessEnv;
  write(text: string): void;
}

export async function runDoctor(args: TunnelCliArgs, target: TunnelTarget, io: DoctorIo): Promise<number> {
  const { upstream } = target;
  const query = new URLSearchParams(target.entry.query ?? '');
  const authToken = query.get('authToken') ?? undefined;
  const secrets = [target.proxyCredentials?.password, authToken].filter((s): s is string => Boolean(s));
  const show = (s: DiagnosisStep) => redact(s, secrets).value;

  if (!args.json) io.write(`dcv-tunnel doctor: https://${hostPort(upstream.host, upstream.port)}${upstream.pathPrefix}\n`);
  const diagnosis = await diagnose(
    {
      upstream,
      route: target.route,
      routeReason: target.routeReason,
      proxyCredentials: target.proxyCredentials,
      trust: target.trust,
      hostHeader: target.hostHeader,
      origin: target.origin,
      authToken,
      sessionId: target.entry.hash || undefined,
      plainBrowserRoute: plainBrowserRoute(upstream.host, upstream.port, io.env),
    },
    { onStep: args.json ? undefined : (s) => io.write(row(show(s))) },
  );

  if (args.json) {
    io.write(formatReport(diagnosis, { format: 'json', secrets }) + '\n');
  } else {
    const first = decidingStep(diagnosis);
    io.write(`\n${diagnosis.ok ? (first ? `OK, with warnings` : 'OK') : `FAILED at ${first?.id} (${first?.code})`}\n`);
    for (const s of diagnosis.steps.filter((x) => x.hint).map(show)) {
      io.write(`\n${statusSymbol(s.status)} ${s.id} — ${s.code}\n${indent(s.hint ?? '')}\n`);
    }
  }
  return diagnosis.ok ? 0 : 1;
}

/** What a browser honouring HTTPS_PROXY / NO_PROXY on this machine would do with the endpoint. */
function plainBrowserRoute(host: string, port: number, env: NodeJS.ProcessEnv): { route: string; reason: string } {
  try {
    const d = envProxyFor(`https://${hostPort(host, port)}/`, env);
    return { route: formatProxyList(d.route), reason: d.why ?? d.reason };
  } catch (e) {
    // A proxy the tunnel cannot use (socks5://…) is still a proxy a browser would use.
    return { route: 'PROXY (unsupported proxy URL)', reason: (e as Error).message };
  }
}

function hostPort(host: string, port: number): string {
  return `${host.includes(':') ? `[${host}]` : host}:${port}`;
}

function row(s: DiagnosisStep): string {
  const time = `${Math.round(s.durationMs)} ms`;
  return `  ${statusSymbol(s.status)} ${s.id.padEnd(10)}${s.code.padEnd(30)}${time.padStart(8)}  ${stepSummary(s)}\n`;
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((l) => `    ${l}`)
    .join('\n');
}
