/**
 * `npm run bench` (node dist/bench.mjs) or, from source, `npx tsx test/bench/run.ts`.
 *   --quick          seconds-long smoke version (tiny sizes, 1 round, 3 desktops in the fanout)
 *   --json FILE      also write the result as JSON
 *   --rounds N       interleaved rounds (default 5; --quick 1)
 *   --stream-mib N   bulk stream per round (default 256)
 *   --scenarios a,b  only these of direct,tunnel,nginx,node_tls_pipe,tunnel_squid (default all)
 *   --bulk-mibs N    the bulk stream beside the echo under load, MiB/s (default 64; 0: unpaced)
 *   --desktop-rounds N   time to desktop: launcher/direct pairs per catalogue (default 30; --quick 2)
 *   --long-catalogue N   rows of the long desktop list (default 600)
 *   --launcher-node-flags "F …"   node flags for the launcher process (e.g. a V8 heap setting to A/B)
 *   --profile DIR    run the tunnel processes under node --cpu-prof, profiles into DIR
 *   --no-fanout, --no-start, --no-desktop, --no-launcher   leave those phases out
 * The same file is the entry of the benchmark's child processes: --child <role> '<json>'.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { runBench } from './bench';
import { CHILD_FLAG, exitWithParent } from './children';
import { SCENARIOS, formatTable, type Scenario } from './report';
import { runLauncher } from './launcher-process';
import { runStartTiming, runTlsPipe, runTunnelHost } from './tunnel-process';

async function child(role: string, json: string): Promise<void> {
  exitWithParent();
  const config = JSON.parse(json);
  if (role === 'tunnels') return runTunnelHost(config);
  if (role === 'start-timing') return runStartTiming(config);
  if (role === 'launcher') return runLauncher(config);
  if (role === 'tls-pipe') return runTlsPipe(config);
  throw new Error(`unknown child role ${role}`);
}

function positiveNumber(flag: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${flag} must be a positive number, got ${v}`);
  return n;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      json: { type: 'string' },
      rounds: { type: 'string' },
      'stream-mib': { type: 'string' },
      profile: { type: 'string' },
      scenarios: { type: 'string' },
      'no-fanout': { type: 'boolean', default: false },
      'no-start': { type: 'boolean', default: false },
      'no-desktop': { type: 'boolean', default: false },
      'no-launcher': { type: 'boolean', default: false },
      'bulk-mibs': { type: 'string' },
      'desktop-rounds': { type: 'string' },
      'long-catalogue': { type: 'string' },
      'launcher-node-flags': { type: 'string' },
    },
    strict: true,
  });
  const whole = (flag: string, v: string | undefined) => {
    const n = positiveNumber(flag, v);
    if (n !== undefined && !Number.isInteger(n)) throw new Error(`${flag} must be a whole number, got ${v}`);
    return n;
  };
  const rounds = whole('--rounds', values.rounds);
  const bulkMibs = values['bulk-mibs'] === '0' ? 0 : positiveNumber('--bulk-mibs', values['bulk-mibs']);
  const scenarios = values.scenarios?.split(',').map((x) => x.trim()) as Scenario[] | undefined;
  const unknown = scenarios?.filter((x) => !SCENARIOS.includes(x));
  if (unknown?.length) throw new Error(`--scenarios: unknown ${unknown.join(', ')}; known: ${SCENARIOS.join(', ')}`);
  const profileDir = values.profile ? resolve(values.profile) : undefined;
  if (profileDir) mkdirSync(profileDir, { recursive: true });
  // Ctrl-C must still run the exit handlers that kill every child.
  for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => process.exit(130));

  const result = await runBench({
    quick: values.quick,
    scenarios,
    rounds,
    streamMib: positiveNumber('--stream-mib', values['stream-mib']),
    skipFanout: values['no-fanout'],
    skipStart: values['no-start'],
    skipDesktop: values['no-desktop'],
    skipLauncher: values['no-launcher'],
    bulkMibs,
    desktopRounds: whole('--desktop-rounds', values['desktop-rounds']),
    longCatalogue: whole('--long-catalogue', values['long-catalogue']),
    launcherNodeFlags: values['launcher-node-flags']?.split(/\s+/).filter(Boolean),
    profileDir,
    log: (line) => console.error(line),
  });
  console.log(`${result.machine.model}, ${result.machine.cpus} CPUs, node ${result.machine.node}, ${result.machine.nginx} (${result.settings.nginx_workers} worker), squid ${result.machine.squid}`);
  console.log(formatTable(result));
  if (values.json) {
    const file = resolve(values.json);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, JSON.stringify(result, null, 2) + '\n');
    console.log(`\nwrote ${file}`);
  }
  if (profileDir) console.log(`tunnel CPU profiles in ${profileDir} (summarise: npx tsx test/bench/profile-top.ts ${profileDir})`);
}

const argv = process.argv.slice(2);
const run = argv[0] === CHILD_FLAG ? child(argv[1], argv[2] ?? '{}') : main().then(() => process.exit(0));
run.catch((e: Error) => {
  console.error(`bench: ${e.stack ?? e.message}`);
  process.exit(1);
});
