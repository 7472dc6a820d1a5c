/**
 * Keeps the benchmark from rotting: runs `--quick` in-process against the real peers and checks
 * the JSON shape and that every metric is a finite number. Never a timing.
 */
import { describe, expect, it } from 'vitest';
import { needBinaries } from '../peers/binaries';
import { runBench } from './bench';
import { METRICS, RATIOS, SCENARIOS, formatTable, type Metric } from './report';

const COMMON: Metric[] = ['throughput_mibs', 'rtt_p50_ms', 'rtt_p99_ms', 'page_load_cold_ms', 'page_load_warm_ms'];
const PROXIED: Metric[] = [...COMMON, 'rtt_p50_added_ms', 'cpu_ms_per_gib'];
const EXPECTED: Record<(typeof SCENARIOS)[number], Metric[]> = {
  direct: [...COMMON, 'fanout_mibs'],
  tunnel: [...PROXIED, 'fanout_mibs', 'fanout_rss_mb', 'start_first_ms', 'start_warm_ms'],
  nginx: [...PROXIED, 'fanout_mibs', 'fanout_rss_mb'],
  tunnel_squid: PROXIED,
};

describe.skipIf(!needBinaries('nginx', 'squid'))('npm run bench -- --quick (smoke)', () => {
  it('measures every scenario through the real simulator, tunnel, nginx and squid', async () => {
    const r = await runBench({ quick: true });
    expect(Object.keys(r).sort()).toEqual(['machine', 'ratios', 'scenarios', 'settings']);
    expect(r.machine.cpus).toBeGreaterThan(0);
    for (const k of ['model', 'node', 'nginx'] as const) expect(typeof r.machine[k]).toBe('string');
    expect(r.machine.nginx).toMatch(/^nginx\/\d/);

    expect(Object.keys(r.scenarios).sort()).toEqual([...SCENARIOS].sort());
    for (const scenario of SCENARIOS) {
      const m = r.scenarios[scenario]!;
      expect(Object.keys(m).sort(), scenario).toEqual([...EXPECTED[scenario]].sort());
      for (const [metric, value] of Object.entries(m)) {
        expect(Object.keys(METRICS), metric).toContain(metric);
        expect(Number.isFinite(value), `${scenario}.${metric} = ${value}`).toBe(true);
      }
      // A stream, a page and a round trip really happened.
      expect(m.throughput_mibs, scenario).toBeGreaterThan(0);
      expect(m.page_load_warm_ms, scenario).toBeGreaterThan(0);
      expect(m.rtt_p50_ms, scenario).toBeGreaterThan(0);
    }
    expect(r.scenarios.tunnel!.cpu_ms_per_gib).toBeGreaterThan(0);
    expect(r.scenarios.tunnel!.fanout_rss_mb).toBeGreaterThan(0);

    expect(Object.keys(r.ratios).sort()).toEqual(Object.keys(RATIOS).sort());
    for (const [name, value] of Object.entries(r.ratios)) expect(Number.isFinite(value) && value! > 0, `${name} = ${value}`).toBe(true);

    // What --json writes survives a round trip unchanged (no NaN, no undefined).
    expect(JSON.parse(JSON.stringify(r))).toEqual(r);
    const table = formatTable(r);
    for (const scenario of SCENARIOS) expect(table).toContain(scenario);
  }, 300_000);
});
