/**
 * The benchmark's other processes: the simulator, the tunnel host and the start timer each run
 * in their own process, so no two of them (nor the load generator) share an event loop, and a
 * proxy's CPU time and memory can be read from /proc like nginx's.
 *
 * Run from source (tsx, Vitest) the children are TypeScript entries loaded with `--import tsx`;
 * run from the bundle (dist/bench.mjs) they are the bundle itself and dist/sim.mjs.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnPeer, type Peer } from '../peers/process';

const here = fileURLToPath(import.meta.url);
const fromSource = here.endsWith('.ts');
const repoRoot = fromSource ? resolve(dirname(here), '../..') : resolve(dirname(here), '..');

/** The `--child <role>` switch run.ts dispatches on. */
export const CHILD_FLAG = '--child';
export type ChildRole = 'tunnels' | 'start-timing' | 'launcher' | 'tls-pipe';

export interface Child<T> {
  peer: Peer;
  pid: number;
  ready: T;
  /** SIGTERM (the child closes cleanly, so a --cpu-prof profile gets written), SIGKILL after a grace. */
  stop(): Promise<void>;
}

function entry(source: string, bundle: string): string[] {
  if (fromSource) return ['--import', 'tsx', join(repoRoot, source)];
  const file = join(dirname(here), bundle);
  if (!existsSync(file)) throw new Error(`${file} is missing: run npm run build`);
  return [file];
}

/** The built renderer (dist/renderer) that the launcher child serves. */
export function rendererDir(): string {
  const dir = fromSource ? join(repoRoot, 'dist', 'renderer') : join(dirname(here), 'renderer');
  if (!existsSync(join(dir, 'index.html'))) throw new Error(`${dir} has no built renderer: run npm run build`);
  return dir;
}

/** Starts a node child and waits for its first stdout line that is {"event":"ready",…}. */
async function startNode<T>(what: string, args: string[], nodeFlags: string[], timeoutMs = 60_000): Promise<Child<T>> {
  const peer = spawnPeer(process.execPath, [...nodeFlags, ...args], { cwd: repoRoot });
  const ready = await new Promise<T>((resolveReady, reject) => {
    let pending = '';
    const timer = setTimeout(() => fail(new Error(`${what} not ready within ${timeoutMs} ms`)), timeoutMs);
    const onData = (d: Buffer) => {
      pending += d.toString();
      for (let nl = pending.indexOf('\n'); nl >= 0; nl = pending.indexOf('\n')) {
        const line = pending.slice(0, nl).trim();
        pending = pending.slice(nl + 1);
        if (!line.startsWith('{')) continue;
        try {
          const msg = JSON.parse(line) as { event?: string };
          if (msg.event === 'ready') return done(msg as T);
        } catch {
          /* not our line */
        }
      }
    };
    const fail = (e: Error) => {
      cleanup();
      reject(new Error(`${e.message}\n--- ${what} output ---\n${peer.output()}`));
    };
    const done = (v: T) => {
      cleanup();
      resolveReady(v);
    };
    const cleanup = () => {
      clearTimeout(timer);
      peer.child.stdout!.off('data', onData);
    };
    peer.child.stdout!.on('data', onData);
    void peer.exited.then((code) => fail(new Error(`${what} exited (code ${code}) before it was ready`)));
  });
  return { peer, pid: peer.child.pid!, ready, stop: () => peer.stop('SIGTERM', 10_000) };
}

export interface SimReady {
  url: string;
  host: string;
  port: number;
  fingerprint: string;
  certPem: string;
}

export function startSimulatorProcess(opts: { host: string; name: string }): Promise<Child<SimReady>> {
  return startNode('simulator', [...entry('test/sim/cli.ts', 'sim.mjs'), '--host', opts.host, '--port', '0', '--name', opts.name], []);
}

/** Runs one of this benchmark's own child roles (see run.ts) with a JSON config. */
export function startRole<T>(role: ChildRole, config: unknown, nodeFlags: string[] = [], timeoutMs?: number): Promise<Child<T>> {
  return startNode(role, [...entry('test/bench/run.ts', 'bench.mjs'), CHILD_FLAG, role, JSON.stringify(config)], nodeFlags, timeoutMs);
}

/** A child of ours whose parent died is reparented: then it has nothing left to serve. */
export function exitWithParent(): void {
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) process.exit(0);
  }, 1_000).unref();
}
