/**
 * The benchmark's result: its JSON shape, the ratios against their targets, and the tables
 * printed on stdout.
 */
import type { DesktopTimingResult, DesktopWayResult, Spread } from './desktop';
import type { FootprintResult, ResponsivenessResult } from './footprint';
import { round } from './stats';

export const SCENARIOS = ['direct', 'tunnel', 'nginx', 'node_tls_pipe', 'tunnel_squid'] as const;
export type Scenario = (typeof SCENARIOS)[number];

/** Every metric; a scenario leaves out the ones that do not apply to it (e.g. CPU of a direct connection). */
export const METRICS = {
  throughput_mibs: 'WebSocket bulk stream, MiB/s',
  rtt_p50_ms: '64 B echo round trip p50, ms',
  rtt_p99_ms: '64 B echo round trip p99, ms',
  rtt_p50_added_ms: 'p50 added vs direct (same round), ms',
  rtt_bulk_p50_ms: 'same while a bulk stream runs on another socket, p50, ms',
  rtt_bulk_p99_ms: 'same while a bulk stream runs, p99, ms',
  bulk_mibs: 'that bulk stream, MiB/s',
  cpu_ms_per_gib: 'proxy CPU ms per GiB streamed',
  gc_ms_per_gib: 'proxy GC pause ms per GiB streamed',
  rtt_gc_count: 'proxy GCs during the echo run',
  rtt_bulk_gc_max_ms: 'longest proxy GC pause during the echo under bulk, ms',
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
  /** Ratios of two scenarios; a ratio is left out when the run left out either scenario. */
  ratios: Partial<Record<RatioName, number>>;
  /** Time to desktop in Chromium, launcher vs a direct popup, with a short and a long catalogue. */
  desktop: { short?: DesktopTimingResult; large?: DesktopTimingResult };
  /** The browser-mode launcher process (host + services + tunnels) with desktops open. */
  launcher: { footprint?: FootprintResult; responsiveness?: ResponsivenessResult };
  /** Sizes and counts this run used. */
  settings: Record<string, number | string | boolean>;
}

interface RatioDef {
  a: Scenario;
  b: Scenario;
  metric: Metric;
  better: 'higher' | 'lower';
  /** a/b must be ≥ (higher) or ≤ (lower) this; undefined: reported only. */
  target?: number;
  what: string;
}

export const RATIOS = {
  throughput_tunnel_vs_nginx: { a: 'tunnel', b: 'nginx', metric: 'throughput_mibs', better: 'higher', target: 1, what: 'throughput >= 1.0x nginx' },
  rtt_p50_added_tunnel_vs_nginx: { a: 'tunnel', b: 'nginx', metric: 'rtt_p50_added_ms', better: 'lower', target: 1, what: "added round trip p50 <= nginx's" },
  cpu_per_gib_tunnel_vs_nginx: { a: 'tunnel', b: 'nginx', metric: 'cpu_ms_per_gib', better: 'lower', target: 1, what: 'CPU per GiB <= 1.0x nginx' },
  page_load_warm_tunnel_vs_nginx: { a: 'tunnel', b: 'nginx', metric: 'page_load_warm_ms', better: 'lower', target: 1, what: 'warm page load <= nginx' },
  rtt_p99_tunnel_vs_nginx: { a: 'tunnel', b: 'nginx', metric: 'rtt_p99_ms', better: 'lower', target: 1.5, what: 'round trip p99 <= 1.5x nginx' },
  rtt_bulk_p99_tunnel_vs_nginx: { a: 'tunnel', b: 'nginx', metric: 'rtt_bulk_p99_ms', better: 'lower', target: 1.5, what: 'p99 under bulk <= 1.5x nginx' },
  throughput_tunnel_vs_pipe: { a: 'tunnel', b: 'node_tls_pipe', metric: 'throughput_mibs', better: 'higher', target: 0.95, what: 'throughput within 5% of Node pipe' },
  rtt_p50_added_tunnel_vs_pipe: { a: 'tunnel', b: 'node_tls_pipe', metric: 'rtt_p50_added_ms', better: 'lower', target: 1.05, what: 'added p50 within 5% of Node pipe' },
  rtt_p99_tunnel_vs_pipe: { a: 'tunnel', b: 'node_tls_pipe', metric: 'rtt_p99_ms', better: 'lower', target: 1.05, what: 'round trip p99 within 5% of pipe' },
  rtt_bulk_p99_tunnel_vs_pipe: { a: 'tunnel', b: 'node_tls_pipe', metric: 'rtt_bulk_p99_ms', better: 'lower', target: 1.05, what: 'p99 under bulk within 5% of pipe' },
  cpu_per_gib_tunnel_vs_pipe: { a: 'tunnel', b: 'node_tls_pipe', metric: 'cpu_ms_per_gib', better: 'lower', target: 1.05, what: 'CPU per GiB within 5% of Node pipe' },
  page_load_warm_tunnel_vs_pipe: { a: 'tunnel', b: 'node_tls_pipe', metric: 'page_load_warm_ms', better: 'lower', what: 'warm page load vs Node pipe' },
  cpu_per_gib_pipe_vs_nginx: { a: 'node_tls_pipe', b: 'nginx', metric: 'cpu_ms_per_gib', better: 'lower', what: "Node pipe's CPU per GiB vs nginx" },
  rtt_p99_pipe_vs_nginx: { a: 'node_tls_pipe', b: 'nginx', metric: 'rtt_p99_ms', better: 'lower', what: "Node pipe's round trip p99 vs nginx" },
} as const satisfies Record<string, RatioDef>;
export type RatioName = keyof typeof RATIOS;

/**
 * Added latency can be ~0 or even slightly negative within noise; below 10 µs it counts as
 * 10 µs, so the ratio stays a finite number instead of dividing by zero.
 */
const ADDED_FLOOR_MS = 0.01;

export function computeRatios(s: BenchResult['scenarios']): BenchResult['ratios'] {
  const out: BenchResult['ratios'] = {};
  for (const [name, def] of Object.entries(RATIOS) as [RatioName, RatioDef][]) {
    let a = s[def.a]?.[def.metric];
    let b = s[def.b]?.[def.metric];
    if (a === undefined || b === undefined) continue;
    if (def.metric === 'rtt_p50_added_ms') {
      a = Math.max(a, ADDED_FLOOR_MS);
      b = Math.max(b, ADDED_FLOOR_MS);
    }
    out[name] = round(a / b);
  }
  return out;
}

/** Launcher ÷ direct for time to desktop (p95) and for the reconnect after a drop (p95). */
export function desktopRatios(d: DesktopTimingResult): { p95: number; p50: number; reconnect_p95?: number } {
  const r = (a: Spread | undefined, b: Spread | undefined, k: 'p50' | 'p95') => (a && b ? round(a[k] / b[k]) : undefined);
  const reconnect = r(d.launcher.reconnect, d.direct.reconnect, 'p95');
  return { p95: r(d.launcher.total, d.direct.total, 'p95')!, p50: r(d.launcher.total, d.direct.total, 'p50')!, ...(reconnect !== undefined && { reconnect_p95: reconnect }) };
}

export interface Target {
  what: string;
  value: string;
  met: boolean | undefined;
}

/** The goals the tunnel is held to: reported, never asserted. */
export function targets(r: BenchResult): Target[] {
  const t = r.scenarios.tunnel ?? {};
  const fmt = (n: number | undefined, unit = '') => (n === undefined ? 'n/a' : `${round(n, 2)}${unit}`);
  const below = (v: number | undefined, limit: number) => (v === undefined ? undefined : v <= limit);
  const out: Target[] = [];
  for (const [name, def] of Object.entries(RATIOS) as [RatioName, RatioDef][]) {
    if (def.target === undefined) continue;
    const v = r.ratios[name];
    out.push({ what: def.what, value: fmt(v, 'x'), met: v === undefined ? undefined : def.better === 'higher' ? v >= def.target : v <= def.target });
  }
  out.push({ what: 'warm start <= 50 ms', value: fmt(t.start_warm_ms, ' ms'), met: below(t.start_warm_ms, 50) });
  for (const [key, label] of [['short', 'short'], ['large', 'long']] as const) {
    const d = r.desktop[key];
    const ratio = d ? desktopRatios(d).p95 : undefined;
    out.push({ what: `time to desktop p95 <= 1.1x direct (${label} list${d ? `, ${d.catalogue} rows` : ''})`, value: fmt(ratio, 'x'), met: below(ratio, 1.1) });
  }
  const f = r.launcher.footprint;
  out.push({
    what: `${f ? `${f.desktops}x${f.sockets_per_desktop}` : '10x6'} sockets streaming < 150 MB resident`,
    value: fmt(f?.streaming_rss_peak_mb, ' MiB'),
    met: f ? f.streaming_rss_peak_mb * 1.048576 < 150 : undefined,
  });
  out.push({ what: `${r.settings.fanout_sockets} fanout sockets < 150 MB resident`, value: fmt(t.fanout_rss_mb, ' MiB'), met: t.fanout_rss_mb === undefined ? undefined : t.fanout_rss_mb * 1.048576 < 150 });
  const ui = r.launcher.responsiveness;
  out.push({
    what: `UI event-loop delay p99 < 20 ms (${ui?.streams ?? 3} streams)`,
    value: fmt(ui?.streaming.event_loop_delay_ms.p99, ' ms'),
    met: ui ? ui.streaming.event_loop_delay_ms.p99 < 20 : undefined,
  });
  return out;
}

function table(rows: string[][], leftColumns = 1): string[] {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => (row[i] ?? '').length)));
  const line = (row: string[]) =>
    row
      .map((c, i) => (i < leftColumns || i === row.length - 1 ? c.padEnd(widths[i]) : c.padStart(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(rows[0]), widths.map((w) => '-'.repeat(w)).join('  ').trimEnd(), ...rows.slice(1).map(line)];
}

function desktopTable(d: DesktopTimingResult): string[] {
  const s = (x: Spread | undefined) => (x ? `${fmtCell(x.p50)} / ${fmtCell(x.p95)} / ${fmtCell(x.max)}` : '-');
  const way = (w: DesktopWayResult) => w;
  const rows: string[][] = [['p50 / p95 / max, ms', 'launcher', 'direct', '']];
  rows.push(['click -> all 5 channels open', s(way(d.launcher).total), s(d.direct.total), '']);
  rows.push(['drop -> all 5 open again', s(d.launcher.reconnect), s(d.direct.reconnect), '']);
  for (const [phase, label] of [
    ['ipc', 'click -> connection.open answered'],
    ['open', '-> window.open'],
    ['nav', "-> tab's navigation starts"],
    ['conn', '-> first TCP connection (tunnel / connectStart)'],
    ['request', '-> first HTTP request (tunnel / requestStart)'],
    ['script', "-> the page's script runs"],
    ['auth', '-> signed in on <base>auth'],
    ['main', '-> main socket confirmed'],
    ['connected', '-> all 5 open'],
  ] as const) {
    rows.push([`  ${label}`, s(d.launcher.phases[phase]), s(d.direct.phases[phase]), '']);
  }
  rows.push(["launcher page's long tasks meanwhile", s(d.launcher.launcherBusy), s(d.direct.launcherBusy), '']);
  const ratio = desktopRatios(d);
  return [
    `time to desktop, ${d.catalogue} desktops in the list, ${d.rounds} interleaved rounds (launcher page ${d.launcherOriginKeyed ? 'origin-keyed: desktop tabs in their own process' : 'NOT origin-keyed: desktop tabs share its process'}):`,
    ...table(rows),
    `  launcher / direct: p50 ${ratio.p50.toFixed(2)}x, p95 ${ratio.p95.toFixed(2)}x${ratio.reconnect_p95 !== undefined ? `, reconnect p95 ${ratio.reconnect_p95.toFixed(2)}x` : ''}`,
    '  slowest (ms from the click): ' +
      d.slowest
        .map((x) => `${x.way} r${x.round} ${fmtCell(x.totalMs)} [${Object.entries(x.phases).filter(([k]) => k !== 'click').map(([k, v]) => `${k} ${fmtCell(v)}`).join(', ')}]`)
        .join('; '),
  ];
}

export function formatTable(r: BenchResult): string {
  const names = SCENARIOS.filter((s) => r.scenarios[s]);
  const rows: string[][] = [['metric', ...names, '']];
  for (const [metric, label] of Object.entries(METRICS) as [Metric, string][]) {
    if (!names.some((n) => r.scenarios[n]?.[metric] !== undefined)) continue;
    rows.push([metric, ...names.map((n) => fmtCell(r.scenarios[n]?.[metric])), label]);
  }
  const out = [...table(rows), ''];
  out.push('ratios:');
  for (const [name, value] of Object.entries(r.ratios)) out.push(`  ${name.padEnd(32)} ${(value as number).toFixed(2)}`);
  for (const key of ['short', 'large'] as const) {
    const d = r.desktop[key];
    if (d) out.push('', ...desktopTable(d));
  }
  const { footprint: f, responsiveness: ui } = r.launcher;
  if (f || ui) out.push('', 'the launcher process (browser mode: host + services + tunnels):');
  if (f) {
    out.push(
      `  ${f.desktops} desktops x ${f.sockets_per_desktop} sockets: RSS ${f.baseline_rss_mb} MiB before any desktop, ${f.idle_rss_mb} MiB open and idle, ` +
        `${f.streaming_rss_peak_mb} MiB peak while each streams ${f.stream_mibs_each} MiB/s (got ${f.streamed_mibs_each})` +
        (r.scenarios.tunnel?.fanout_rss_mb !== undefined ? `; fanout (${r.settings.fanout_desktops} desktops, tunnels only): ${r.scenarios.tunnel.fanout_rss_mb} MiB peak` : ''),
    );
  }
  if (ui) {
    const w = (x: ResponsivenessResult['idle']) =>
      `event-loop delay p50/p99/max ${x.event_loop_delay_ms.p50}/${x.event_loop_delay_ms.p99}/${x.event_loop_delay_ms.max} ms, API call p50/p99/max ${x.api_call_ms.p50}/${x.api_call_ms.p99}/${x.api_call_ms.max} ms (${x.api_call_ms.n} calls), ${x.gc.count} GCs (longest ${x.gc.max_ms} ms)`;
    out.push(`  nothing streaming: ${w(ui.idle)}`);
    out.push(`  ${ui.streams} desktops streaming ${ui.streaming.stream_mibs} MiB/s: ${w(ui.streaming)}`);
  }
  out.push('', 'targets (reported, not asserted):');
  for (const t of targets(r)) out.push(`  [${t.met === undefined ? 'n/a' : t.met ? 'met' : 'SHORT'}]`.padEnd(10) + `${t.what.padEnd(52)} ${t.value}`);
  return out.join('\n');
}

function fmtCell(n: number | undefined): string {
  if (n === undefined) return '-';
  if (Math.abs(n) >= 100) return n.toFixed(0);
  if (Math.abs(n) >= 10) return n.toFixed(1);
  return n.toFixed(3);
}
