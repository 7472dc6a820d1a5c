/**
 * Load and soak: 50 desktops, each one main connection and 5 channel WebSockets on it (echo and
 * streams), in-process tunnels as the app runs them, with churn (10 channel sockets closed and
 * replaced a second; the main connections stay, as a desktop's does), for SOAK_SECONDS
 * (default 60; `npm run soak` runs 600). Leak checks, not timing: resident memory after the
 * warm-up vs at the end (< 10 % growth), file descriptors back to the baseline once
 * everything is closed, nothing unhandled, and every echo and stream intact.
 *
 * The warm-up churns 4× faster for 20 s, or a tenth of a longer soak (SOAK_WARMUP,
 * SOAK_WARMUP_FACTOR): without it the resident size climbs for minutes while malloc settles
 * (seen on a 600 s run: 250 → 305 MB with the JS heap flat at ~27 MB, then flat), which is
 * not a leak but would read as one.
 */
import { randomBytes, randomInt } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Channel, MainConnection } from '../sim/protocol';
import { startSimulator, type Simulator } from '../sim/simulator';
import { TunnelClient, removeTestCertDirs, tunnelTo } from '../tunnel/helpers';
import type { LocalTunnel } from '../../tunnel/local-tunnel';
import { eventually, forceGc, recordFigure, sleep, startFigures, unhandledCounter } from './record';

const SECONDS = Number(process.env.SOAK_SECONDS ?? 60);
/** The CI run and longer soaks (`npm run soak`) keep separate figures. */
const SUITE = SECONDS === 60 ? 'soak' : `soak-${SECONDS}s`;
const WARMUP_SECONDS = Number(process.env.SOAK_WARMUP ?? Math.max(20, Math.round(SECONDS / 10)));
/** The warm-up churns faster, so the allocator reaches the footprint the steady load will need. */
const WARMUP_CHURN_FACTOR = Number(process.env.SOAK_WARMUP_FACTOR ?? 4);
const DESKTOPS = 50;
const SOCKETS = 5;
const CHURN_PER_SECOND = 10;
/** Moderate rates, so two shared cores are not the bottleneck: each echo socket ~1 message a second. */
const ECHO_PAUSE_MS = [800, 1200] as const;
const STREAM_BYTES = 512 * 1024;
const AGENTS = 5;
const FD_SLACK = 8;

if (!Number.isFinite(SECONDS) || SECONDS <= 0) throw new Error(`SOAK_SECONDS must be a positive number of seconds, got ${process.env.SOAK_SECONDS}`);

interface Desk {
  tunnel: LocalTunnel;
  client: TunnelClient;
  /** The desktop's main connection: every channel of the desk is opened on it. */
  main: MainConnection;
  replace: boolean[];
}

const sims: Simulator[] = [];
const desks: Desk[] = [];
const unhandled = unhandledCounter();
const counts = { echoes: 0, streams: 0, streamBytes: 0, opened: 0, closed: 0, churned: 0, failures: 0 };
const failures: string[] = [];
let running = true;

const fds = () => readdirSync('/proc/self/fd').length;
const mb = (bytes: number) => bytes / 2 ** 20;
function memory(): { rss: number; heap: number } {
  forceGc();
  const m = process.memoryUsage();
  return { rss: m.rss, heap: m.heapUsed + m.external };
}

function fail(what: string, e: unknown): void {
  counts.failures++;
  if (failures.length < 10) failures.push(`${what}: ${(e as Error)?.message ?? String(e)}`);
}

/** One socket of a desktop, replaced whenever churn picks it: an echo loop, or one stream and then idle. */
async function slot(d: Desk, i: number): Promise<void> {
  const kind = i === 0 ? 'stream' : 'echo';
  while (running) {
    let ch: Channel | undefined;
    try {
      ch = await d.client.channel(kind, { main: d.main, timeoutMs: 30_000, ...(kind === 'stream' ? { bytes: STREAM_BYTES } : {}) });
      counts.opened++;
      d.replace[i] = false;
      if (kind === 'stream') {
        const got = await ch.receiveStream();
        if (got.bytes !== STREAM_BYTES || got.sha256 !== got.serverSha256) throw new Error(`stream arrived damaged: ${got.bytes} bytes`);
        counts.streams++;
        counts.streamBytes += got.bytes;
      }
      while (running && !d.replace[i]) {
        if (kind === 'echo') {
          const payload = randomBytes(randomInt(1024, 8 * 1024));
          if (!(await ch.echo(payload)).equals(payload)) throw new Error('echo came back different');
          counts.echoes++;
        }
        await sleep(randomInt(ECHO_PAUSE_MS[0], ECHO_PAUSE_MS[1]));
      }
    } catch (e) {
      fail(kind, e);
      await sleep(500);
    } finally {
      if (ch) {
        await ch.close();
        counts.closed++;
      }
    }
  }
}

beforeAll(async () => {
  startFigures(SUITE, 'Load and soak', [
    `${DESKTOPS} desktops × (1 main connection + ${SOCKETS} channel WebSockets on it: 4 echoing ~1 message/s, 1 stream of ${STREAM_BYTES / 1024} KiB then idle); churn closes and reopens ${CHURN_PER_SECOND} random channel sockets a second; ${AGENTS} simulator agents; all in one process`,
  ]);
  for (let i = 0; i < AGENTS; i++) sims.push(await startSimulator({ host: `127.0.0.${i + 2}`, name: `agent-${i}` }));
});

afterAll(async () => {
  running = false;
  await Promise.all(desks.map((d) => d.tunnel.close()));
  await Promise.all(sims.map((s) => s.close()));
  removeTestCertDirs();
  unhandled.dispose();
});

describe('load and soak', () => {
  it(`${DESKTOPS} desktops × ${SOCKETS} sockets with churn for ${SECONDS} s: no leak, nothing lost`, { timeout: (SECONDS + WARMUP_SECONDS + 150) * 1000 }, async () => {
    // Warm the certificate cache and the code paths, so the baseline is what a running app holds.
    const warm = await tunnelTo(sims[0]);
    await warm.close();
    const fdBaseline = fds();

    for (let i = 0; i < DESKTOPS; i++) {
      const tunnel = await tunnelTo(sims[i % AGENTS]);
      const client = new TunnelClient(tunnel);
      await client.signIn();
      const main = await client.main({ timeoutMs: 30_000 });
      desks.push({ tunnel, client, main, replace: new Array(SOCKETS).fill(false) });
    }
    const loops = desks.flatMap((d) => Array.from({ length: SOCKETS }, (_, i) => slot(d, i)));
    const churnEvery = (perSecond: number) =>
      setInterval(() => {
        const d = desks[randomInt(desks.length)];
        d.replace[randomInt(SOCKETS)] = true;
        counts.churned++;
      }, 1000 / perSecond);
    let churn = churnEvery(CHURN_PER_SECOND * WARMUP_CHURN_FACTOR);

    let peakFds = 0;
    let peakSockets = 0;
    const sample = setInterval(() => {
      peakFds = Math.max(peakFds, fds());
      peakSockets = Math.max(
        peakSockets,
        desks.reduce((n, d) => n + d.tunnel.stats().activeWebSockets, 0),
      );
    }, 1_000);

    await sleep(WARMUP_SECONDS * 1000);
    clearInterval(churn);
    churn = churnEvery(CHURN_PER_SECOND);
    await sleep(2_000);
    const start = memory();
    const echoesAtStart = counts.echoes;
    const startedAt = performance.now();
    const cpuAtStart = process.cpuUsage();
    // RSS along the way (no forced GC): a leak climbs steadily, a settling allocator flattens.
    const along: number[] = [];
    for (let i = 0; i < 5; i++) {
      await sleep((SECONDS * 1000) / 5);
      along.push(mb(process.memoryUsage().rss));
    }
    const cpu = process.cpuUsage(cpuAtStart);
    const end = memory();
    const measuredSeconds = (performance.now() - startedAt) / 1000;
    const echoesMeasured = counts.echoes - echoesAtStart;

    running = false;
    clearInterval(churn);
    await Promise.all(loops);
    await Promise.all(desks.map((d) => d.main.close()));
    clearInterval(sample);
    await eventually(() => desks.every((d) => d.tunnel.stats().activeSockets === 0 && d.tunnel.upstreamSocketCount() === 0), 'every tunnel idle', 60_000);
    await Promise.all(desks.map((d) => d.tunnel.close()));
    await eventually(() => fds() <= fdBaseline + FD_SLACK, `file descriptors back to ${fdBaseline} ± ${FD_SLACK} (now ${fds()})`, 30_000);
    const fdAfter = fds();

    const growth = (end.rss - start.rss) / start.rss;
    expect(failures).toEqual([]);
    expect(unhandled.messages).toEqual([]);
    expect(counts.echoes).toBeGreaterThan(0);
    expect(counts.streams).toBeGreaterThan(0);
    expect(counts.opened).toBe(counts.closed);
    // The leak check: resident memory after the warm-up vs at the end, load still running.
    expect(growth).toBeLessThan(0.1);
    expect(Math.abs(fdAfter - fdBaseline)).toBeLessThanOrEqual(FD_SLACK);

    recordFigure(SUITE, {
      case: `${SECONDS} s after a ${WARMUP_SECONDS} s warm-up (churn ×${WARMUP_CHURN_FACTOR})`,
      Desktops: DESKTOPS,
      'WebSockets open (peak)': peakSockets,
      'Sockets opened/closed': `${counts.opened}/${counts.closed} (${counts.churned} churned)`,
      Echoes: `${counts.echoes} (${Math.round(echoesMeasured / measuredSeconds)}/s)`,
      Streams: `${counts.streams} intact, ${mb(counts.streamBytes).toFixed(0)} MiB`,
      'RSS start → end': `${mb(start.rss).toFixed(0)} → ${mb(end.rss).toFixed(0)} MB (${growth >= 0 ? '+' : ''}${(growth * 100).toFixed(1)} %)`,
      'RSS along the way': along.map((v) => v.toFixed(0)).join(', '),
      'Heap start → end': `${mb(start.heap).toFixed(0)} → ${mb(end.heap).toFixed(0)} MB`,
      CPU: `${Math.round(((cpu.user + cpu.system) / 1e6 / measuredSeconds) * 100)} % of one core`,
      'FDs baseline/peak/after': `${fdBaseline}/${peakFds}/${fdAfter}`,
      Failures: counts.failures,
      Unhandled: unhandled.count(),
    });
  });
});
