/**
 * dcv-tunnel: the LocalTunnel on the command line.
 *   dcv-tunnel --target https://endpoint:8443/10.150.248.180/?authToken=T#session-1 [--json]
 *   dcv-tunnel --broker https://broker:8443 --client-id ID --session ID [--gateway URL] [--json]
 *   dcv-tunnel sessions --broker https://broker:8443 --client-id ID [--json]
 * Checks the route once (dial, then close), then prints a one-time launch URL and serves
 * until SIGINT/SIGTERM. Exit 1 when it cannot start, 2 on bad flags.
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { USAGE, UsageError, defaultCertDir, parseCliArgs, resolveTunnelTarget, type CliArgs, type ResolveDeps, type SessionCliArgs, type TunnelFlags, type TunnelTarget } from './cli-args';
import { failureOf, keepProxySecret, output, type Output } from './cli-output';
import { openSession, printable, resolveBroker, runSessions, sessionTunnelTarget, tokenUser } from './cli-session';
import { pathOf, runDoctor, runSessionDoctor } from './doctor-cli';
import { LocalTunnel } from './local-tunnel';

export async function main(argv: string[]): Promise<number> {
  let args: CliArgs;
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
  const deps: ResolveDeps = { env: process.env, promptPassword: process.stdin.isTTY ? promptHidden : undefined };
  try {
    if (args.mode === 'sessions') {
      // On a terminal, a line that counts the pages as they come, erased before the table.
      const progress = !args.json && process.stderr.isTTY ? (text: string) => void process.stderr.write(`\r\x1b[2K${text}`) : undefined;
      return await runSessions(args, deps, { out, progress });
    }
    if (args.mode === 'session') {
      if (args.command === 'doctor') return await runSessionDoctorCli(args, deps);
      return await runSessionTunnel(args, deps, out);
    }
    const target = await resolveTunnelTarget(args, deps);
    keepProxySecret(out, target.proxyCredentials);
    if (args.command === 'doctor') return await runDoctor(args, target, { env: process.env, write: (text) => process.stdout.write(text) });
    return await runTunnel(args, target, out);
  } catch (e) {
    if (e instanceof UsageError) {
      out.error('USAGE', e.message);
      return 2;
    }
    const { code, message, extra } = failureOf(e, 'UNEXPECTED');
    if (code === 'UNEXPECTED') throw e;
    out.error(code, message, extra);
    return 1;
  }
}

/** The Broker's steps, then the Gateway's (or the server's) path with the fresh token, as the tunnel would walk it. */
async function runSessionDoctorCli(args: SessionCliArgs, deps: ResolveDeps): Promise<number> {
  const broker = await resolveBroker(args, deps);
  return runSessionDoctor(
    {
      broker: broker.options,
      routeReason: broker.routeReason,
      sessionId: args.sessionId,
      user: tokenUser(args, deps.env),
      target: async (session, token) => {
        const { target } = sessionTunnelTarget(args, broker, session, token);
        return {
          ...pathOf(target),
          authToken: token,
          sessionId: session.id,
          via: args.gateway ? 'gateway' : 'server',
        };
      },
    },
    { env: process.env, write: (text) => process.stdout.write(text) },
    { json: args.json },
  );
}

/** A Session Manager session: a fresh token from the Broker, then the usual tunnel to the Gateway or the server. */
async function runSessionTunnel(args: SessionCliArgs, deps: ResolveDeps, out: Output): Promise<number> {
  const opened = await openSession(args, deps, { out });
  const { session, target } = opened;
  if (!out.json) {
    const via = args.gateway ? `through the Gateway ${args.gateway.url}` : "at the session's server";
    out.line({}, printable(`session ${session.id} "${session.name}" of ${session.owner} (${session.state}), token for ${opened.user}: opening ${via}, ${opened.displayUrl}`));
  }
  return runTunnel(args, target, out, () => opened.freshEntry());
}

async function runTunnel(args: TunnelFlags, target: TunnelTarget, out: Output, freshEntry?: () => Promise<{ query: string; hash: string }>): Promise<number> {
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
      ...(target.webUrlPath !== undefined ? { webUrlPath: target.webUrlPath } : {}),
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
    const { code, message, extra } = failureOf(e, 'UPSTREAM_RESET');
    out.error(code, message, extra);
    return 1;
  }
  const t = tunnel;
  if (stopping) {
    await t.close();
    return 0;
  }

  const url = t.createLaunchUrl();
  out.line(
    { event: 'ready', url, port: t.port, fingerprint: t.fingerprint, spki: t.spkiHash },
    `ready: open ${url}\n  (one use, valid for a minute; local certificate ${t.fingerprint}, SPKI ${t.spkiHash})`,
  );
  t.on('socket-open', (s) => out.line({ event: 'socket-open', ...s }, `open   ${s.kind} ${s.path}`));
  t.on('socket-close', (s) => out.line({ event: 'socket-close', ...s }, `close  ${s.kind} ${s.path}`));
  t.on('upstream-error', (e) => out.line({ event: 'upstream-error', code: e.code, step: e.step, message: e.message }, `error  ${e.code} (${e.step}): ${e.message}`));
  if (out.json) t.on('stats', (s) => out.line({ event: 'stats', ...s }, ''));

  // On a terminal, Enter prints a fresh launch URL (the first one is single-use and short-lived);
  // a Session Manager session gets a fresh connection token for it too.
  if (!out.json && process.stdin.isTTY) {
    out.line({}, '  press Enter for a new launch URL, Ctrl-C to stop');
    process.stdin.on('data', () => {
      void (async () => {
        try {
          if (freshEntry) t.setEntry(await freshEntry());
          out.line({}, `launch: ${t.createLaunchUrl()}`);
        } catch (e) {
          const { code, message } = failureOf(e, 'UNEXPECTED');
          out.line({}, `error  ${code}: ${message}`);
        }
      })();
    });
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

/** Exit once stdout and stderr have taken everything: process.exit() would cut a long line written to a pipe. */
function exitWhenFlushed(code: number): void {
  let pending = 2;
  const done = (): void => {
    if (--pending === 0) process.exit(code);
  };
  process.stdout.write('', done);
  process.stderr.write('', done);
}

if (invokedDirectly()) {
  main(process.argv.slice(2)).then(exitWhenFlushed, (e: unknown) => {
    process.stderr.write(`dcv-tunnel: unexpected failure: ${(e as Error).stack ?? String(e)}\n`);
    exitWhenFlushed(1);
  });
}
