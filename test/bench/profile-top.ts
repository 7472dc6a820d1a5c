/**
 * Summarises V8 .cpuprofile files (from `npm run bench -- --profile DIR`): the functions with
 * the most self time, and the most inclusive time, across every profile given.
 *   npx tsx test/bench/profile-top.ts DIR|FILE… [--top N]
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface FunctionTime {
  name: string;
  selfMs: number;
  totalMs: number;
}

function keyOf(n: ProfileNode): string {
  const { functionName, url, lineNumber } = n.callFrame;
  const where = url ? `${basename(url.replace(/^file:\/\//, ''))}:${lineNumber + 1}` : '';
  return `${functionName || '(anonymous)'}${where ? ` ${where}` : ''}`;
}

/** Self and inclusive ms per function (by name and location), summed over profiles. */
export function summarise(profiles: CpuProfile[]): { functions: FunctionTime[]; totalMs: number } {
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  let totalMs = 0;
  for (const p of profiles) {
    const byId = new Map(p.nodes.map((n) => [n.id, n]));
    const parent = new Map<number, number>();
    for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
    const nodeMs = new Map<number, number>();
    p.samples.forEach((id, i) => nodeMs.set(id, (nodeMs.get(id) ?? 0) + (p.timeDeltas[i] ?? 0) / 1000));
    for (const [id, ms] of nodeMs) {
      totalMs += ms;
      const node = byId.get(id)!;
      self.set(keyOf(node), (self.get(keyOf(node)) ?? 0) + ms);
      // Inclusive: once per distinct function on the stack (recursion must not count twice).
      const seen = new Set<string>();
      for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
        const k = keyOf(byId.get(cur)!);
        if (seen.has(k)) continue;
        seen.add(k);
        total.set(k, (total.get(k) ?? 0) + ms);
      }
    }
  }
  const functions = [...total.keys()].map((name) => ({ name, selfMs: self.get(name) ?? 0, totalMs: total.get(name)! }));
  return { functions, totalMs };
}

function profileFiles(args: string[]): string[] {
  return args.flatMap((a) =>
    statSync(a).isDirectory()
      ? readdirSync(a)
          .filter((f) => f.endsWith('.cpuprofile'))
          .map((f) => join(a, f))
      : [a],
  );
}

function main(): void {
  const args = process.argv.slice(2);
  const topAt = args.indexOf('--top');
  const top = topAt >= 0 ? Number(args.splice(topAt, 2)[1]) : 25;
  const files = profileFiles(args);
  if (files.length === 0) throw new Error('give .cpuprofile files or a directory holding them');
  const { functions, totalMs } = summarise(files.map((f) => JSON.parse(readFileSync(f, 'utf8')) as CpuProfile));
  const pct = (ms: number) => `${((100 * ms) / totalMs).toFixed(1).padStart(5)}%`;
  console.log(`${files.length} profile(s), ${totalMs.toFixed(0)} ms sampled\n\nself time:`);
  for (const f of [...functions].sort((a, b) => b.selfMs - a.selfMs).slice(0, top)) console.log(`  ${pct(f.selfMs)} ${f.selfMs.toFixed(0).padStart(7)} ms  ${f.name}`);
  console.log('\ninclusive time:');
  for (const f of [...functions].sort((a, b) => b.totalMs - a.totalMs).slice(0, top)) console.log(`  ${pct(f.totalMs)} ${f.totalMs.toFixed(0).padStart(7)} ms  ${f.name}`);
}

if (process.argv[1] && /profile-top\.(ts|mjs|js)$/.test(process.argv[1])) main();
