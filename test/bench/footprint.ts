/**
 * The launcher process as browser mode runs it (host + services + every desktop's tunnel in
 * one Node process, launcher-process.ts), measured the way a user would notice it:
 *
 *  - footprint: N desktops opened through the API (connection.open), each with a main socket
 *    and 5 channels like a DCV web client (6 sockets); resident memory before any desktop,
 *    with them all open and idle, and at its peak while each desktop streams at a steady rate;
 *  - responsiveness: a client keeps calling the API (catalogue.get, connection.list) over the
 *    host's WebSocket, first with nothing streaming, then while some desktops stream as fast
 *    as they can; the process's event-loop delay (monitorEventLoopDelay), its GCs, and how long
 *    the API calls took. The event-loop delay is the launcher's own; an API call's time is seen
 *    from this process, which also drains the streams, so it is an upper bound.
 */
import { connectApi, type ApiClient } from './api-client';
import type { Child } from './children';
import type { LauncherReady } from './launcher-process';
import { signIn, type Endpoint } from './load';
import { askProbe, type ProbeStats } from './probe';
import { rssMb, sampleRss } from './proc';
import { quantile, round } from './stats';
import { HEADER_BYTES, SimMsg, openChannel, openMain, type Channel, type DcvSocket, type MainConnection } from '../sim/protocol';

const MiB = 1024 * 1024;
const SOCKET_TIMEOUT_MS = 120_000;
const IDLE_CHANNELS = ['display', 'input', 'clipboard', 'audio'] as const;
/** How often the UI's stand-in calls the API: a busy UI, not a flood. */
const API_EVERY_MS = 50;

export interface FootprintResult {
  desktops: number;
  sockets_per_desktop: number;
  /** Launcher process before any desktop was opened. */
  baseline_rss_mb: number;
  /** Every desktop open, every socket open, nothing moving. */
  idle_rss_mb: number;
  /** Peak while each desktop streams `stream_mibs_each`. */
  streaming_rss_peak_mb: number;
  stream_mibs_each: number;
  /** What actually arrived per desktop, MiB/s. */
  streamed_mibs_each: number;
}

export interface ResponsivenessWindow {
  seconds: number;
  event_loop_delay_ms: { p50: number; p99: number; max: number };
  api_call_ms: { p50: number; p99: number; max: number; n: number };
  gc: { count: number; total_ms: number; max_ms: number };
  /** Aggregate MiB/s of the streams (0 when none ran). */
  stream_mibs: number;
}

export interface ResponsivenessResult {
  streams: number;
  idle: ResponsivenessWindow;
  streaming: ResponsivenessWindow;
}

export interface LauncherLoadOptions {
  desktops: number;
  socketsPerDesktop: number;
  rateBytesPerSec: number;
  footprintSeconds: number;
  uiStreams: number;
  uiSeconds: number;
}

async function openDesktops(api: ApiClient, launcher: LauncherReady, count: number): Promise<Endpoint[]> {
  const eps: Endpoint[] = [];
  for (const d of launcher.desktops.slice(0, count)) {
    const r = await api.call('connection.open', { desktopId: d.id });
    if (r.kind !== 'opened') throw new Error(`connection.open ${d.id}: ${r.kind}${'code' in r ? ` ${r.code}` : ''}`);
    eps.push(await signIn(r.launchUrl));
  }
  return eps;
}

async function drain(s: DcvSocket, stop?: () => boolean): Promise<number> {
  let bytes = 0;
  for (;;) {
    if (stop?.()) return bytes;
    const m = await s.next(SOCKET_TIMEOUT_MS);
    const type = m.readUInt32LE(0);
    if (type === SimMsg.Data) bytes += m.length - HEADER_BYTES;
    else if (type === SimMsg.Done) return bytes;
    else throw new Error(`stream: unexpected message type ${type}`);
  }
}

/** Calls the API every API_EVERY_MS until `until()`; the latency of each call. */
async function keepCalling(api: ApiClient, until: () => boolean): Promise<number[]> {
  const ms: number[] = [];
  for (let i = 0; !until(); i++) {
    const t0 = performance.now();
    if (i % 2) await api.call('connection.list', {});
    else await api.call('catalogue.get', {});
    const took = performance.now() - t0;
    ms.push(took);
    if (took < API_EVERY_MS) await new Promise((r) => setTimeout(r, API_EVERY_MS - took));
  }
  return ms;
}

async function window_(probeUrl: string, api: ApiClient, seconds: number, load: (until: () => boolean) => Promise<number>): Promise<ResponsivenessWindow> {
  await askProbe(probeUrl, '/reset', 'POST');
  const t0 = performance.now();
  const until = () => performance.now() - t0 >= seconds * 1000;
  const [calls, bytes] = await Promise.all([keepCalling(api, until), load(until)]);
  const elapsed = (performance.now() - t0) / 1000;
  const s = await askProbe<ProbeStats>(probeUrl, '/stats');
  if (!s.eventLoopDelay) throw new Error('the launcher process does not sample its event-loop delay');
  return {
    seconds: round(elapsed, 1),
    event_loop_delay_ms: { p50: s.eventLoopDelay.p50, p99: s.eventLoopDelay.p99, max: s.eventLoopDelay.max },
    api_call_ms: { p50: round(quantile(calls, 0.5)), p99: round(quantile(calls, 0.99)), max: round(Math.max(...calls)), n: calls.length },
    gc: { count: s.gc.count, total_ms: round(s.gc.totalMs), max_ms: round(s.gc.maxMs) },
    stream_mibs: round(bytes / MiB / elapsed, 1),
  };
}

export async function launcherUnderLoad(
  launcher: Child<LauncherReady>,
  o: LauncherLoadOptions,
  log: (line: string) => void,
): Promise<{ footprint: FootprintResult; responsiveness: ResponsivenessResult }> {
  const api = await connectApi(launcher.ready.apiLaunchUrl);
  const mains: MainConnection[] = [];
  const channels: Channel[] = [];
  try {
    const baseline = rssMb(launcher.pid);
    const eps = await openDesktops(api, launcher.ready, o.desktops);
    const opts = (ep: Endpoint) => ({ headers: ep.headers, origin: ep.origin, timeoutMs: SOCKET_TIMEOUT_MS });

    // ---- footprint: N desktops × (main + idle channels + one paced stream) ----
    const perStream = Math.round(o.rateBytesPerSec * o.footprintSeconds);
    const streams: Channel[] = [];
    for (const ep of eps) {
      const main = await openMain(ep.url, opts(ep));
      mains.push(main);
      for (let i = 0; i < o.socketsPerDesktop - 2; i++) channels.push(await openChannel(ep.url, IDLE_CHANNELS[i % IDLE_CHANNELS.length], { ...opts(ep), main }));
      const s = await openChannel(ep.url, 'stream', { ...opts(ep), main, bytes: perStream, hold: true, rate: o.rateBytesPerSec });
      streams.push(s);
      channels.push(s);
    }
    await new Promise((r) => setTimeout(r, 1_000));
    const idle = rssMb(launcher.pid);
    const peak = sampleRss(() => [launcher.pid]);
    const t0 = performance.now();
    const got = await Promise.all(
      streams.map(async (s) => {
        await s.startStream();
        return drain(s);
      }),
    );
    const seconds = (performance.now() - t0) / 1000;
    const footprint: FootprintResult = {
      desktops: o.desktops,
      sockets_per_desktop: o.socketsPerDesktop,
      baseline_rss_mb: round(baseline, 1),
      idle_rss_mb: round(idle, 1),
      streaming_rss_peak_mb: round(peak.stop(), 1),
      stream_mibs_each: round(o.rateBytesPerSec / MiB, 2),
      streamed_mibs_each: round(got.reduce((a, b) => a + b, 0) / got.length / MiB / seconds, 2),
    };
    log(
      `footprint: ${o.desktops} desktops × ${o.socketsPerDesktop} sockets: launcher RSS ${footprint.baseline_rss_mb} MiB before, ${footprint.idle_rss_mb} idle, ${footprint.streaming_rss_peak_mb} peak at ${footprint.streamed_mibs_each} MiB/s each`,
    );
    await Promise.all(channels.splice(0).map((c) => c.close()));
    await Promise.all(mains.splice(0).map((m) => m.close()));

    // ---- responsiveness: the API while nothing streams, then while `uiStreams` desktops stream flat out ----
    const idleWindow = await window_(launcher.ready.probeUrl, api, o.uiSeconds, async () => 0);
    const streaming = await window_(launcher.ready.probeUrl, api, o.uiSeconds, async (until) => {
      const open = await Promise.all(eps.slice(0, o.uiStreams).map((ep) => openChannel(ep.url, 'stream', { ...opts(ep), bytes: Number.MAX_SAFE_INTEGER })));
      channels.push(...open);
      const bytes = await Promise.all(
        open.map(async (s) => {
          const n = await drain(s, until);
          await s.close();
          return n;
        }),
      );
      return bytes.reduce((a, b) => a + b, 0);
    });
    const responsiveness: ResponsivenessResult = { streams: o.uiStreams, idle: idleWindow, streaming };
    log(
      `responsiveness: event-loop delay p99 ${idleWindow.event_loop_delay_ms.p99} ms idle, ${streaming.event_loop_delay_ms.p99} ms (max ${streaming.event_loop_delay_ms.max}) while ${o.uiStreams} desktops stream ${streaming.stream_mibs} MiB/s; API call p99 ${idleWindow.api_call_ms.p99} / ${streaming.api_call_ms.p99} ms`,
    );
    return { footprint, responsiveness };
  } finally {
    await Promise.all(channels.map((c) => c.close().catch(() => {})));
    await Promise.all(mains.map((m) => m.close().catch(() => {})));
    await api.close();
  }
}
