/**
 * Keeps the benchmark from rotting: runs `--quick` in-process against the real peers (and real
 * Chromium on the browser-mode launcher) and checks the JSON shape and that every metric is a
 * finite number. Never a timing.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { needBinaries } from '../peers/binaries';
import { runBench } from './bench';
import { PHASES, type DesktopTimingResult } from './desktop';
import { METRICS, RATIOS, SCENARIOS, formatTable, targets, type Metric } from './report';

const COMMON: Metric[] = ['throughput_mibs', 'rtt_p50_ms', 'rtt_p99_ms', 'rtt_bulk_p50_ms', 'rtt_bulk_p99_ms', 'bulk_mibs', 'page_load_cold_ms', 'page_load_warm_ms'];
const PROXIED: Metric[] = [...COMMON, 'rtt_p50_added_ms', 'cpu_ms_per_gib'];
/** The Node proxies report their garbage collections. */
const NODE_PROXY: Metric[] = [...PROXIED, 'gc_ms_per_gib', 'rtt_gc_count', 'rtt_bulk_gc_max_ms'];
const EXPECTED: Record<(typeof SCENARIOS)[number], Metric[]> = {
  direct: [...COMMON, 'fanout_mibs'],
  tunnel: [...NODE_PROXY, 'fanout_mibs', 'fanout_rss_mb', 'start_first_ms', 'start_warm_ms'],
  nginx: [...PROXIED, 'fanout_mibs', 'fanout_rss_mb'],
  node_tls_pipe: NODE_PROXY,
  tunnel_squid: NODE_PROXY,
};

function finiteEverywhere(value: unknown, path: string): void {
  if (typeof value === 'number') return void expect(Number.isFinite(value), `${path} = ${value}`).toBe(true);
  if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) finiteEverywhere(v, `${path}.${k}`);
}

function expectDesktopTiming(d: DesktopTimingResult | undefined, rows: number): void {
  expect(d, `${rows} rows`).toBeDefined();
  expect(d!.catalogue).toBe(rows);
  expect(d!.samples).toHaveLength(2 * d!.rounds);
  for (const way of ['launcher', 'direct'] as const) {
    const w = d![way];
    expect(w.total.n).toBe(d!.rounds);
    expect(w.total.p50).toBeGreaterThan(0);
    // Every drop was followed by the page reconnecting.
    expect(w.reconnect?.n, `${way} reconnects`).toBe(d!.rounds);
    const phases = Object.keys(w.phases).sort();
    const expected = PHASES.filter((p) => p !== 'click' && (way === 'launcher' || p !== 'ipc'));
    expect(phases, way).toEqual([...expected].sort());
  }
  expect(d!.slowest.length).toBeGreaterThan(0);
  expect(typeof d!.launcherOriginKeyed).toBe('boolean');
}

describe.skipIf(!needBinaries('nginx', 'squid', 'chromium'))('npm run bench -- --quick (smoke)', () => {
  // The launcher child serves the built renderer (npm ci builds it; a bare checkout gets one build here).
  beforeAll(() => {
    if (!existsSync('dist/renderer/index.html')) execFileSync(process.execPath, ['scripts/build.mjs', '--quiet'], { stdio: 'inherit' });
  }, 300_000);

  it('measures every scenario through the real simulator, tunnel, nginx, a Node TLS pipe and squid; time to desktop in Chromium; the launcher process', async () => {
    const r = await runBench({ quick: true });
    expect(Object.keys(r).sort()).toEqual(['desktop', 'launcher', 'machine', 'ratios', 'scenarios', 'settings']);
    expect(r.machine.cpus).toBeGreaterThan(0);
    for (const k of ['model', 'node', 'nginx'] as const) expect(typeof r.machine[k]).toBe('string');
    expect(r.machine.nginx).toMatch(/^nginx\/\d/);

    expect(Object.keys(r.scenarios).sort()).toEqual([...SCENARIOS].sort());
    for (const scenario of SCENARIOS) {
      const m = r.scenarios[scenario]!;
      expect(Object.keys(m).sort(), scenario).toEqual([...EXPECTED[scenario]].sort());
      for (const metric of Object.keys(m)) expect(Object.keys(METRICS), metric).toContain(metric);
      // A stream, a page, a round trip and a round trip under load really happened.
      expect(m.throughput_mibs, scenario).toBeGreaterThan(0);
      expect(m.page_load_warm_ms, scenario).toBeGreaterThan(0);
      expect(m.rtt_p50_ms, scenario).toBeGreaterThan(0);
      expect(m.rtt_bulk_p99_ms, scenario).toBeGreaterThan(0);
      expect(m.bulk_mibs, scenario).toBeGreaterThan(0);
    }
    expect(r.scenarios.tunnel!.cpu_ms_per_gib).toBeGreaterThan(0);
    expect(r.scenarios.tunnel!.fanout_rss_mb).toBeGreaterThan(0);

    expect(Object.keys(r.ratios).sort()).toEqual(Object.keys(RATIOS).sort());
    for (const [name, value] of Object.entries(r.ratios)) expect(Number.isFinite(value) && value! > 0, `${name} = ${value}`).toBe(true);

    expectDesktopTiming(r.desktop.short, r.settings.catalogue_short as number);
    expectDesktopTiming(r.desktop.large, r.settings.catalogue_long as number);

    const f = r.launcher.footprint!;
    expect(f.desktops).toBe(r.settings.launcher_desktops);
    expect(f.baseline_rss_mb).toBeGreaterThan(0);
    expect(f.idle_rss_mb).toBeGreaterThan(0);
    expect(f.streaming_rss_peak_mb).toBeGreaterThanOrEqual(f.idle_rss_mb);
    expect(f.streamed_mibs_each).toBeGreaterThan(0);
    const ui = r.launcher.responsiveness!;
    expect(ui.streams).toBe(r.settings.ui_streams);
    for (const w of [ui.idle, ui.streaming]) {
      expect(w.api_call_ms.n).toBeGreaterThan(0);
      expect(w.event_loop_delay_ms.max).toBeGreaterThanOrEqual(w.event_loop_delay_ms.p99);
    }
    expect(ui.streaming.stream_mibs).toBeGreaterThan(0);

    // Every target has a verdict: all the phases ran.
    for (const t of targets(r)) expect(t.met, t.what).not.toBeUndefined();
    // What --json writes survives a round trip unchanged (no NaN, no undefined).
    finiteEverywhere(r, 'result');
    expect(JSON.parse(JSON.stringify(r))).toEqual(r);
    const table = formatTable(r);
    for (const scenario of SCENARIOS) expect(table).toContain(scenario);
    expect(table).toContain('time to desktop, 600 desktops');
  }, 600_000);
});
