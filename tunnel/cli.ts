/**
 * dcv-tunnel: the LocalTunnel on the command line.
 *   dcv-tunnel --target https://endpoint:8443/10.150.248.180/?authToken=T#session-1 [--json]
 * Checks the route once (dial, then close), then prints a one-time launch URL and serves
 * until SIGINT/SIGTERM. Exit 1 when it cannot start, 2 on bad flags.
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { isTunnelError, TunnelError } from './errors';
import { USAGE, UsageError, defaultCertDir, parseCliArgs, resolveTunnelTarget, type TunnelCliArgs, type TunnelTarget } from './cli-args';
import { LocalTunnel } from './local-tunnel';
import { runDoctor } from './doctor-cli';

interface Output {
  json: boolean;
  line(obj: Record<string, unknown>, text: string): void;
  error(code: string, message: string): void;
}

function output(json: boolean): Output {
  return {
    json,
    line: (obj, text) => process.stdout.write(json ? JSON.stringify(obj) + '\n' : text + '\n'),
    error: (code, message) => {
      if (json) process.stdout.write(JSON.stringify({ event: 'error', code, message }) + '\n');
      process.stderr.write(`dcv-tunnel: ${code === 'USAGE' ? '' : `${code}: `}${message}\n`);
    },
  };
}

export async function main(argv: string[]): Promise<number> {
  let args: TunnelCliArgs;
  try {
    args = parseCliArgs(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    output(argv.includes('--json')).error('USAGE', `${e.message}\nRun dcv-tunnel --help for the flags.`);
    return 2;
  }
  const out = output(args.json);
  if (args.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  let target: TunnelTarget;
  try {
    target = await resolveTunnelTarget(args, { env: process.env, promptPassword: process.stdin.isTTY ? promptHidden : undefined });
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    out.error('USAGE', e.message);
    return 2;
  }
  if (args.command === 'doctor') return runDoctor(args, target, { env: process.env, write: (text) => process.stdout.write(text) });
  return runTunnel(args, target, out);
}

async function runTunnel(args: TunnelCliArgs, target: TunnelTarget, out: Output): Promise<number> {
  // Signals are taken from the very start, so a Ctrl-C during the route check also
  // closes cleanly (within a second) instead of killing the process mid-handshake.
  let tunnel: LocalTunnel | undefined;
  let stopped!: (code: number) => void;
  const stoppedWith = new Promise<number>((resolve) => (stopped = resolve));
  let stopping = false;
  const stop = (): void => {
    stopping = true;
    process.stdin.pause();
    setTimeout(() => stopped(0), 900).unref();
    void (tunnel?.close() ?? Promise.resolve()).then(() => stopped(0), () => stopped(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    tunnel = await LocalTunnel.start({
      upstream: target.upstream,
      route: target.route,
      proxyCredentials: target.proxyCredentials,
      trust: target.trust,
      hostHeader: target.hostHeader,
      origin: target.origin,
      entry: target.entry,
      listen: args.listen,
      certDir: args.certDir ?? defaultCertDir(),
    });
    const seen = await tunnel.check();
    if (!out.json) {
      out.line({}, `route ${describeRoute(seen.route)} (${target.routeReason}) → ${seen.remoteAddress}, ${seen.tls.protocol}, server certificate ${seen.certificate.fingerprint256}`);
    }
  } catch (e) {
    await tunnel?.close();
    const err = isTunnelError(e) ? e : new TunnelError('UPSTREAM_RESET', (e as Error).message);
    out.error(err.code, err.message);
    return 1;
  }
  const t = tunnel;
  if (stopping) {
    await t.close();
    return 0;
  }

  const url = t.createLaunchUrl();
  out.line({ event: 'ready', url, port: t.port, fingerprint: t.fingerprint }, `ready: open ${url}\n  (one use, valid for a minute; local certificate ${t.fingerprint})`);
  t.on('socket-open', (s) => out.line({ event: 'socket-open', ...s }, `open   ${s.kind} ${s.path}`));
  t.on('socket-close', (s) => out.line({ event: 'socket-close', ...s }, `close  ${s.kind} ${s.path}`));
  t.on('upstream-error', (e) => out.line({ event: 'upstream-error', code: e.code, step: e.step, message: e.message }, `error  ${e.code} (${e.step}): ${e.message}`));
  if (out.json) t.on('stats', (s) => out.line({ event: 'stats', ...s }, ''));

  // On a terminal, Enter prints a fresh launch URL (the first one is single-use and short-lived).
  if (!out.json && process.stdin.isTTY) {
    out.line({}, '  press Enter for a new launch URL, Ctrl-C to stop');
    process.stdin.on('data', () => out.line({}, `launch: ${t.createLaunchUrl()}`));
  }

  return stoppedWith;
}

function describeRoute(route: { kind: string; host?: string; port?: number }): string {
  return route.kind === 'direct' ? 'DIRECT' : `PROXY ${route.host}:${route.port}`;
}

/** Reads a line from the terminal without echoing it. */
function promptHidden(question: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const stdin = process.stdin;
    process.stderr.write(question);
    stdin.setRawMode(true);
    stdin.resume();
    let value = '';
    const done = (err?: Error): void => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.removeListener('data', onData);
      process.stderr.write('\n');
      if (err) reject(err);
      else resolve(value);
    };
    const onData = (chunk: Buffer): void => {
      for (const ch of chunk.toString('utf8')) {
        if (ch === '\r' || ch === '\n') return done();
        if (ch === '\u0003') return done(new UsageError('cancelled'));
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
        else value += ch;
      }
    };
    stdin.on('data', onData);
  });
}

function invokedDirectly(): boolean {
  try {
    // realpath: npm's bin link points at the bundle.
    return process.argv[1] !== undefined && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url);
  } catch {
    return false;
  }
}
if (invokedDirectly()) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: unknown) => {
      process.stderr.write(`dcv-tunnel: unexpected failure: ${(e as Error).stack ?? String(e)}\n`);
      process.exit(1);
    },
  );
}
