/**
 * The benchmark's result: its JSON shape, the tunnel-vs-nginx ratios against their targets, and
 * the table printed on stdout.
 */
import { round } from './stats';

export const SCENARIOS = ['direct', 'tunnel', 'nginx', 'tunnel_squid'] as const;
export type Scenario = (typeof SCENARIOS)[number];

/** Every metric; a scenario leaves out the ones that do not apply to it (e.g. CPU of a direct connection). */
export const METRICS = {
  throughput_mibs: 'WebSocket bulk stream, MiB/s',
  rtt_p50_ms: '64 B echo round trip p50, ms',
  rtt_p99_ms: '64 B echo round trip p99, ms',
  rtt_p50_added_ms: 'p50 added vs direct (same round), ms',
  cpu_ms_per_gib: 'proxy CPU ms per GiB streamed',
  page_load_cold_ms: 'page + 41 files, new connections, ms',
  page_load_warm_ms: 'page + 41 files, kept-alive, ms',
  fanout_mibs: 'fanout aggregate MiB/s',
  fanout_rss_mb: 'fanout proxy peak RSS, MiB',
  start_first_ms: 'start, empty cert dir, ms',
  start_warm_ms: 'start, cached cert, ms',
} as const;
export type Metric = keyof typeof METRICS;

export type ScenarioMetrics = Partial<Record<Metric, number>>;

export interface Machine {
  cpus: number;
  model: string;
  node: string;
  nginx: string;
  squid: string;
}

export interface BenchResult {
  machine: Machine;
  scenarios: Partial<Record<Scenario, ScenarioMetrics>>;
  /** Tunnel vs nginx; a ratio is left out when the run left out either scenario. */
  ratios: Partial<Record<RatioName, number>>;
  /** Sizes and counts this run used. */
  settings: Record<string, number | string | boolean>;
}

export const RATIOS = {
  throughput_tunnel_vs_nginx: { metric: 'throughput_mibs', better: 'higher' },
  rtt_p50_added_tunnel_vs_nginx: { metric: 'rtt_p50_added_ms', better: 'lower' },
  cpu_per_gib_tunnel_vs_nginx: { metric: 'cpu_ms_per_gib', better: 'lower' },
  page_load_warm_tunnel_vs_nginx: { metric: 'page_load_warm_ms', better: 'lower' },
} as const satisfies Record<string, { metric: Metric; better: 'higher' | 'lower' }>;
export type RatioName = keyof typeof RATIOS;

/**
 * Added latency can be ~0 or even slightly negative within noise; below 10 µs it counts as
 * 10 µs, so the ratio stays a finite number instead of dividing by zero.
 */
const ADDED_FLOOR_MS = 0.01;

export function computeRatios(s: BenchResult['scenarios']): BenchResult['ratios'] {
  const out: BenchResult['ratios'] = {};
  for (const [name, { metric }] of Object.entries(RATIOS) as [RatioName, (typeof RATIOS)[RatioName]][]) {
    let a = s.tunnel?.[metric];
    let b = s.nginx?.[metric];
    if (a === undefined || b === undefined) continue;
    if (metric === 'rtt_p50_added_ms') {
      a = Math.max(a, ADDED_FLOOR_MS);
      b = Math.max(b, ADDED_FLOOR_MS);
    }
    out[name] = round(a / b);
  }
  return out;
}

/** The goals the tunnel is held to: reported, never asserted. */
export function targets(r: BenchResult): { what: string; value: string; met: boolean | undefined }[] {
  const t = r.scenarios.tunnel ?? {};
  const fmt = (n: number | undefined, unit = '') => (n === undefined ? 'n/a' : `${round(n, 2)}${unit}`);
  const ratio = (name: RatioName, what: string) => {
    const v = r.ratios[name];
    return { what, value: fmt(v, 'x'), met: v === undefined ? undefined : RATIOS[name].better === 'higher' ? v >= 1 : v <= 1 };
  };
  return [
    ratio('throughput_tunnel_vs_nginx', 'throughput >= 1.0x nginx'),
    ratio('rtt_p50_added_tunnel_vs_nginx', "added round trip p50 <= nginx's"),
    ratio('cpu_per_gib_tunnel_vs_nginx', 'CPU per GiB <= 1.0x nginx'),
    ratio('page_load_warm_tunnel_vs_nginx', 'warm page load <= nginx'),
    { what: 'warm start <= 50 ms', value: fmt(t.start_warm_ms, ' ms'), met: t.start_warm_ms === undefined ? undefined : t.start_warm_ms <= 50 },
    { what: `${r.settings.fanout_sockets} sockets < 150 MB resident`, value: fmt(t.fanout_rss_mb, ' MiB'), met: t.fanout_rss_mb === undefined ? undefined : t.fanout_rss_mb * 1.048576 < 150 },
  ];
}

export function formatTable(r: BenchResult): string {
  const names = SCENARIOS.filter((s) => r.scenarios[s]);
  const rows: string[][] = [['metric', ...names, '']];
  for (const [metric, label] of Object.entries(METRICS) as [Metric, string][]) {
    if (!names.some((n) => r.scenarios[n]?.[metric] !== undefined)) continue;
    rows.push([metric, ...names.map((n) => fmtCell(r.scenarios[n]?.[metric])), label]);
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
  const line = (row: string[]) => row.map((c, i) => (i === 0 || i === row.length - 1 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ').trimEnd();
  const out = [line(rows[0]), widths.map((w) => '-'.repeat(w)).join('  ').trimEnd(), ...rows.slice(1).map(line), ''];
  out.push('tunnel vs nginx:');
  for (const [name, value] of Object.entries(r.ratios)) out.push(`  ${name.padEnd(32)} ${(value as number).toFixed(2)}`);
  out.push('', 'targets (reported, not asserted):');
  for (const t of targets(r)) out.push(`  [${t.met === undefined ? 'n/a' : t.met ? 'met' : 'SHORT'}]`.padEnd(10) + `${t.what.padEnd(36)} ${t.value}`);
  return out.join('\n');
}

function fmtCell(n: number | undefined): string {
  if (n === undefined) return '-';
  if (Math.abs(n) >= 100) return n.toFixed(0);
  if (Math.abs(n) >= 10) return n.toFixed(1);
  return n.toFixed(3);
}
