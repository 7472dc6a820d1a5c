/**
 * The benchmark: the tunnel side by side with nginx, a minimal Node TLS pipe and a direct
 * connection, in one run; then time to desktop in real Chromium through the browser-mode
 * launcher against a direct popup, and the launcher process's memory and responsiveness.
 *
 * Processes: this one (load generator, `ws` and https clients), the simulator, a tunnel host
 * (one LocalTunnel, DIRECT), a second tunnel host routed through squid, nginx (TLS reverse
 * proxy with upstream keep-alive, 1 worker), the Node TLS pipe, for the fanout a host with 100
 * tunnels, and the browser-mode launcher (host + services + tunnels) with Chromium.
 * Rounds interleave the scenarios; every metric is the median over rounds.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { findBinary } from '../peers/binaries';
import { startNginxReverseProxy, type NginxPeer } from '../peers/nginx';
import { startSquid, type SquidPeer } from '../peers/squid';
import { rendererDir, startRole, startSimulatorProcess, type Child, type SimReady } from './children';
import { timeToDesktop } from './desktop';
import { launcherUnderLoad } from './footprint';
import type { LauncherConfig, LauncherReady } from './launcher-process';
import { browserAgent, echoRoundTrips, echoUnderBulk, fanout, loadPage, signIn, streamOnce, type Endpoint } from './load';
import { askProbe, type ProbeStats } from './probe';
import { cpuOf, rssMb, sampleRss } from './proc';
import { SCENARIOS, computeRatios, type BenchResult, type Machine, type Metric, type Scenario, type ScenarioMetrics } from './report';
import { median, quantile, round } from './stats';
import type { StartTimingReady, TlsPipeConfig, TlsPipeReady, TunnelHostConfig, TunnelHostReady } from './tunnel-process';

const CPU_TICK_MS = 10;

export interface BenchOptions {
  /** Tiny sizes, one round, 3 desktops in the fanout: seconds, for the smoke test. */
  quick?: boolean;
  /** Override the number of interleaved rounds. */
  rounds?: number;
  /** Override the bulk stream size per round, MiB. */
  streamMib?: number;
  /** Leave out the fanout or the start timing (e.g. while profiling the bulk path). */
  skipFanout?: boolean;
  skipStart?: boolean;
  /** Leave out time to desktop (Chromium), or the launcher's footprint and responsiveness. */
  skipDesktop?: boolean;
  skipLauncher?: boolean;
  /** Interleaved launcher/direct pairs per catalogue (default 30; --quick 2). */
  desktopRounds?: number;
  /** Rows of the long catalogue (default 600). */
  longCatalogue?: number;
  /** The bulk stream beside the echo, MiB/s (0: as fast as it goes; default 64). */
  bulkMibs?: number;
  /** Node flags for the launcher process (an A/B of V8 heap settings, say). */
  launcherNodeFlags?: string[];
  /** Default all four; fewer while profiling one. */
  scenarios?: Scenario[];
  /** Run the tunnel processes under `node --cpu-prof` writing into this directory. */
  profileDir?: string;
  log?: (line: string) => void;
}

interface Sizes {
  rounds: number;
  streamBytes: number;
  rttCount: number;
  warmLoads: number;
  desktops: number;
  socketsPerDesktop: number;
  fanoutBytesPerSocket: number;
  startRuns: number;
  desktopRounds: number;
  shortCatalogue: number;
  longCatalogue: number;
  bulkRate: number;
  launcher: { desktops: number; socketsPerDesktop: number; rateBytesPerSec: number; footprintSeconds: number; uiStreams: number; uiSeconds: number };
}

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;
const AGENT_HOST = '127.0.0.2';
/** One worker: the tunnel is one Node process, and the load generator and simulator need the other core. */
const NGINX_WORKERS = 1;

function sizesFor(o: BenchOptions): Sizes {
  const launcher = { desktops: 10, socketsPerDesktop: 6, rateBytesPerSec: 5 * MiB, uiStreams: 3 };
  const common = { shortCatalogue: 3, longCatalogue: o.longCatalogue ?? 600, bulkRate: (o.bulkMibs ?? 64) * MiB };
  const s: Sizes = o.quick
    ? {
        ...common,
        rounds: 1,
        streamBytes: 4 * MiB,
        rttCount: 50,
        warmLoads: 1,
        desktops: 3,
        socketsPerDesktop: 5,
        fanoutBytesPerSocket: 256 * 1024,
        startRuns: 1,
        desktopRounds: 2,
        launcher: { ...launcher, footprintSeconds: 1, uiSeconds: 2 },
      }
    : {
        ...common,
        rounds: 5,
        streamBytes: 256 * MiB,
        rttCount: 2000,
        warmLoads: 3,
        desktops: 100,
        socketsPerDesktop: 5,
        fanoutBytesPerSocket: 1 * MiB,
        startRuns: 5,
        desktopRounds: 30,
        launcher: { ...launcher, footprintSeconds: 10, uiSeconds: 15 },
      };
  if (o.rounds !== undefined) s.rounds = o.rounds;
  if (o.streamMib !== undefined) s.streamBytes = Math.round(o.streamMib * MiB);
  if (o.desktopRounds !== undefined) s.desktopRounds = o.desktopRounds;
  return s;
}

/** Per-round samples of one scenario, reduced to medians at the end. */
type Samples = Partial<Record<Metric, number[]>>;

function add(samples: Samples, metric: Metric, value: number): void {
  if (!Number.isFinite(value)) throw new Error(`${metric}: measured ${value}`);
  (samples[metric] ??= []).push(value);
}

function versionOf(binary: string, flag: string): string {
  const path = findBinary(binary);
  if (!path) return 'not found';
  // nginx -v answers on stderr, squid -v on stdout.
  const r = spawnSync(path, [flag], { encoding: 'utf8', timeout: 10_000 });
  return `${r.stdout ?? ''}\n${r.stderr ?? ''}`.trim().split('\n')[0].trim();
}

function machine(): Machine {
  const nginx = versionOf('nginx', '-v');
  return {
    cpus: cpus().length,
    model: cpus()[0]?.model ?? 'unknown',
    node: process.version,
    nginx: /nginx\/[\d.]+/.exec(nginx)?.[0] ?? nginx,
    squid: /Version [\d.]+/.exec(versionOf('squid', '-v'))?.[0] ?? 'unknown',
  };
}

/** Everything started, so it can all be stopped even when a step fails. */
class Stack {
  private stops: (() => Promise<void>)[] = [];
  private strays = new Set<number>();
  private readonly killStrays = () => {
    for (const pid of this.strays) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* gone */
      }
    }
  };
  constructor() {
    process.on('exit', this.killStrays);
  }
  push<T extends { stop?: () => Promise<void>; close?: () => Promise<void> }>(thing: T): T {
    this.stops.push(() => (thing.stop ?? thing.close)!.call(thing));
    return thing;
  }
  /** Processes the kill list in process/peer does not know about (nginx workers). */
  stray(pids: number[]): void {
    pids.forEach((p) => this.strays.add(p));
  }
  async stopAll(): Promise<void> {
    for (const stop of this.stops.reverse()) await stop().catch(() => {});
    this.stops = [];
    this.killStrays();
    process.off('exit', this.killStrays);
  }
}

async function startTunnelHost(stack: Stack, config: TunnelHostConfig, o: BenchOptions): Promise<{ child: Child<TunnelHostReady>; endpoints: Endpoint[] }> {
  const flags = o.profileDir ? ['--cpu-prof', '--cpu-prof-dir', o.profileDir] : [];
  const child = stack.push(await startRole<TunnelHostReady>('tunnels', config, flags));
  const endpoints: Endpoint[] = [];
  for (const t of child.ready.tunnels) endpoints.push(await signIn(t.launchUrl));
  return { child, endpoints };
}

export async function runBench(o: BenchOptions = {}): Promise<BenchResult> {
  const log = o.log ?? (() => {});
  const sizes = sizesFor(o);
  const stack = new Stack();
  const certDir = mkdtempSync(join(tmpdir(), 'dcv-bench-cert-'));
  try {
    const want = new Set(o.scenarios ?? SCENARIOS);
    const chosen = SCENARIOS.filter((x) => want.has(x));
    log(`starting the simulator and the proxies for ${chosen.join(', ')} …`);
    const sim = stack.push(await startSimulatorProcess({ host: AGENT_HOST, name: 'agent-A' }));
    const upstream = { host: sim.ready.host, port: sim.ready.port };
    const tunnelConfig = (count: number, route: string): TunnelHostConfig => ({ count, upstream, route, fingerprint: sim.ready.fingerprint, certDir });
    const endpoints: Partial<Record<Scenario, Endpoint>> = { direct: { url: sim.ready.url, headers: {} } };
    /** The processes whose CPU is the proxy's cost (squid is the corporate proxy: not ours to count). */
    const proxyPids: Record<Scenario, () => number[]> = { direct: () => [], tunnel: () => [], nginx: () => [], node_tls_pipe: () => [], tunnel_squid: () => [] };
    /** The Node proxies' probes (GC); nginx and direct have none. */
    const probes: Partial<Record<Scenario, string>> = {};
    let nginx: NginxPeer | undefined;
    if (want.has('nginx')) {
      nginx = stack.push(await startNginxReverseProxy({ upstream, workerProcesses: NGINX_WORKERS, upstreamKeepalive: 32 }));
      stack.stray(nginx.workerPids());
      endpoints.nginx = { url: nginx.url, headers: {} };
      proxyPids.nginx = nginx.pids;
    }
    if (want.has('tunnel')) {
      const t = await startTunnelHost(stack, tunnelConfig(1, 'DIRECT'), o);
      endpoints.tunnel = t.endpoints[0];
      proxyPids.tunnel = () => [t.child.pid];
      probes.tunnel = t.child.ready.probeUrl;
    }
    if (want.has('node_tls_pipe')) {
      const pipe = stack.push(await startRole<TlsPipeReady>('tls-pipe', { upstream, certDir } satisfies TlsPipeConfig, o.profileDir ? ['--cpu-prof', '--cpu-prof-dir', o.profileDir] : []));
      endpoints.node_tls_pipe = { url: pipe.ready.url, headers: {} };
      proxyPids.node_tls_pipe = () => [pipe.pid];
      probes.node_tls_pipe = pipe.ready.probeUrl;
    }
    if (want.has('tunnel_squid')) {
      const squid: SquidPeer = stack.push(await startSquid({ allowAllConnectPorts: true }));
      const t = await startTunnelHost(stack, tunnelConfig(1, `PROXY ${squid.host}:${squid.port}`), o);
      endpoints.tunnel_squid = t.endpoints[0];
      proxyPids.tunnel_squid = () => [t.child.pid];
      probes.tunnel_squid = t.child.ready.probeUrl;
    }

    if (!o.quick) {
      // JIT, TCP windows, pooled upstream connections: the first pass through each proxy is discarded.
      log('warm-up pass …');
      for (const scenario of chosen) {
        const ep = endpoints[scenario]!;
        await streamOnce(ep, 32 * MiB);
        await echoRoundTrips(ep, 200);
        const agent = browserAgent();
        await loadPage(ep, agent).finally(() => agent.destroy());
      }
    }

    const samples: Record<Scenario, Samples> = { direct: {}, tunnel: {}, nginx: {}, node_tls_pipe: {}, tunnel_squid: {} };
    for (let round = 1; round <= sizes.rounds; round++) {
      const p50: Partial<Record<Scenario, number>> = {};
      for (const scenario of chosen) {
        const ep = endpoints[scenario]!;
        const s = samples[scenario];
        const pids = proxyPids[scenario]();
        const probe = probes[scenario];
        const gc = async <T>(what: () => Promise<T>): Promise<[T, ProbeStats['gc'] | undefined]> => {
          if (!probe) return [await what(), undefined];
          await askProbe(probe, '/reset', 'POST');
          const value = await what();
          return [value, (await askProbe<ProbeStats>(probe, '/stats')).gc];
        };
        const cpu0 = cpuOf(pids);
        const [stream, streamGc] = await gc(() => streamOnce(ep, sizes.streamBytes));
        // /proc counts CPU in clock ticks (10 ms): a short --quick stream can measure 0 for a
        // fast proxy, so count at least one tick and keep the ratio finite.
        const cpuMs = Math.max(cpuOf(pids) - cpu0, CPU_TICK_MS);
        add(s, 'throughput_mibs', stream.bytes / MiB / (stream.ms / 1000));
        if (pids.length) add(s, 'cpu_ms_per_gib', cpuMs / (stream.bytes / GiB));
        if (streamGc) add(s, 'gc_ms_per_gib', streamGc.totalMs / (stream.bytes / GiB));

        const [rtt, rttGc] = await gc(() => echoRoundTrips(ep, sizes.rttCount));
        p50[scenario] = quantile(rtt, 0.5);
        add(s, 'rtt_p50_ms', p50[scenario]);
        add(s, 'rtt_p99_ms', quantile(rtt, 0.99));
        if (scenario !== 'direct' && p50.direct !== undefined) add(s, 'rtt_p50_added_ms', p50[scenario] - p50.direct);
        if (rttGc) add(s, 'rtt_gc_count', rttGc.count);

        const [bulk, bulkGc] = await gc(() => echoUnderBulk(ep, sizes.rttCount, sizes.bulkRate));
        add(s, 'rtt_bulk_p50_ms', quantile(bulk.rtt, 0.5));
        add(s, 'rtt_bulk_p99_ms', quantile(bulk.rtt, 0.99));
        add(s, 'bulk_mibs', bulk.bulkMibs);
        if (bulkGc) add(s, 'rtt_bulk_gc_max_ms', bulkGc.maxMs);

        const agent = browserAgent();
        try {
          add(s, 'page_load_cold_ms', (await loadPage(ep, agent)).ms);
          for (let i = 0; i < sizes.warmLoads; i++) add(s, 'page_load_warm_ms', (await loadPage(ep, agent)).ms);
        } finally {
          agent.destroy();
        }
        log(
          `round ${round}/${sizes.rounds} ${scenario.padEnd(13)} ${(stream.bytes / MiB / (stream.ms / 1000)).toFixed(0)} MiB/s, rtt p50/p99 ${p50[scenario].toFixed(3)}/${quantile(rtt, 0.99).toFixed(3)} ms, under bulk ${quantile(bulk.rtt, 0.5).toFixed(3)}/${quantile(bulk.rtt, 0.99).toFixed(3)} ms`,
        );
      }
    }

    if (!o.skipFanout) {
      const desktops = sizes.desktops;
      const per = sizes.socketsPerDesktop;
      const fan = async (scenario: Scenario, eps: Endpoint[], pids: () => number[]) => {
        const rssOf = () => pids().reduce((sum, pid) => sum + rssMb(pid), 0);
        const before = rssOf();
        let open = 0;
        const rss = pids().length ? sampleRss(pids) : undefined;
        const r = await fanout(eps, per, sizes.fanoutBytesPerSocket, () => (open = rssOf()));
        const peak = rss?.stop();
        add(samples[scenario], 'fanout_mibs', r.bytes / MiB / (r.ms / 1000));
        if (peak !== undefined) add(samples[scenario], 'fanout_rss_mb', peak);
        const memory = peak ? `, RSS ${before.toFixed(0)} MiB before, ${open.toFixed(0)} with every socket open, ${peak.toFixed(0)} peak` : '';
        log(`fanout ${scenario.padEnd(12)} ${r.sockets} sockets (${r.sockets - r.streams} main, ${r.streams} streaming), ${(r.bytes / MiB / (r.ms / 1000)).toFixed(0)} MiB/s${memory}`);
      };
      if (want.has('direct')) await fan('direct', Array.from({ length: desktops }, () => endpoints.direct!), () => []);
      if (want.has('tunnel')) {
        log(`starting ${desktops} tunnels in one process …`);
        const many = await startTunnelHost(stack, tunnelConfig(desktops, 'DIRECT'), o);
        await fan('tunnel', many.endpoints, () => [many.child.pid]);
        await many.child.stop();
      }
      if (nginx) await fan('nginx', Array.from({ length: desktops }, () => endpoints.nginx!), nginx.pids);
    }

    if (!o.skipStart && want.has('tunnel')) {
      log('timing LocalTunnel.start …');
      const timing = stack.push(await startRole<StartTimingReady>('start-timing', { runs: sizes.startRuns, upstream, fingerprint: sim.ready.fingerprint }));
      add(samples.tunnel, 'start_first_ms', median(timing.ready.firstMs));
      add(samples.tunnel, 'start_warm_ms', median(timing.ready.warmMs));
    }

    const desktop: BenchResult['desktop'] = {};
    const launcher: BenchResult['launcher'] = {};
    const startLauncher = (desktops: number, filler: number) =>
      startRole<LauncherReady>('launcher', {
        sim: { host: sim.ready.host, port: sim.ready.port, fingerprint: sim.ready.fingerprint },
        desktops,
        filler,
        rendererDir: rendererDir(),
        certDir,
      } satisfies LauncherConfig, o.launcherNodeFlags ?? []);
    if (!o.skipDesktop) {
      for (const [key, rows] of [['short', sizes.shortCatalogue], ['large', sizes.longCatalogue]] as const) {
        log(`time to desktop in Chromium, ${rows} desktops in the list …`);
        desktop[key] = await timeToDesktop({ sim, startLauncher: (filler) => startLauncher(1, filler), log }, { catalogue: rows, rounds: sizes.desktopRounds });
      }
    }
    if (!o.skipLauncher) {
      log(`the launcher process with ${sizes.launcher.desktops} desktops …`);
      const l = await startLauncher(sizes.launcher.desktops, 0);
      try {
        Object.assign(launcher, await launcherUnderLoad(l, sizes.launcher, log));
      } finally {
        await l.stop();
      }
    }

    const scenarios: BenchResult['scenarios'] = {};
    for (const scenario of chosen) {
      const m: ScenarioMetrics = {};
      for (const [metric, values] of Object.entries(samples[scenario]) as [Metric, number[]][]) m[metric] = round(median(values));
      scenarios[scenario] = m;
    }
    return {
      machine: machine(),
      scenarios,
      ratios: computeRatios(scenarios),
      desktop,
      launcher,
      settings: {
        quick: Boolean(o.quick),
        rounds: sizes.rounds,
        stream_mib: sizes.streamBytes / MiB,
        rtt_round_trips: sizes.rttCount,
        warm_page_loads_per_round: sizes.warmLoads,
        fanout_sockets: sizes.desktops * sizes.socketsPerDesktop,
        fanout_desktops: sizes.desktops,
        fanout_mib_per_socket: sizes.fanoutBytesPerSocket / MiB,
        start_runs: sizes.startRuns,
        bulk_mibs: sizes.bulkRate / MiB,
        desktop_rounds: sizes.desktopRounds,
        catalogue_short: sizes.shortCatalogue,
        catalogue_long: sizes.longCatalogue,
        launcher_desktops: sizes.launcher.desktops,
        launcher_sockets_per_desktop: sizes.launcher.socketsPerDesktop,
        launcher_stream_mibs_each: sizes.launcher.rateBytesPerSec / MiB,
        ui_streams: sizes.launcher.uiStreams,
        ui_seconds: sizes.launcher.uiSeconds,
        launcher_node_flags: (o.launcherNodeFlags ?? []).join(' '),
        scenarios: chosen.join(','),
        nginx_workers: NGINX_WORKERS,
        profiled: Boolean(o.profileDir),
      },
    };
  } finally {
    await stack.stopAll();
    rmSync(certDir, { recursive: true, force: true });
  }
}
