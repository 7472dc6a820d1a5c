/**
 * What a benchmark child tells about itself while it runs, over a small plain-HTTP control
 * port on 127.0.0.1 (the child's own, never the port it serves): memory, garbage collections,
 * event-loop delay, and when connections and requests reached its servers.
 *
 *   GET  /stats          memory now; GC and event-loop delay since the last /reset
 *   POST /reset          starts a new window for GC and event-loop delay
 *   GET  /arrivals?since=EPOCH_MS   TCP accepts and HTTP requests on this process's servers
 *
 * Arrivals come from Node's diagnostics channels (net.server.socket, http.server.request.start):
 * nothing in the code under test is changed to be measured.
 */
import { subscribe } from 'node:diagnostics_channel';
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { PerformanceObserver, monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';

export interface ProbeStats {
  rssMb: number;
  heapUsedMb: number;
  externalMb: number;
  arrayBuffersMb: number;
  /** Since the last reset. */
  windowMs: number;
  gc: { count: number; totalMs: number; maxMs: number; byKind: Record<string, number> };
  /** Event-loop delay since the last reset, ms beyond the sampling timer's 10 ms (when sampled). */
  eventLoopDelay?: { p50: number; p99: number; max: number; mean: number };
}

export interface Arrival {
  kind: 'connection' | 'request';
  /** The local port it arrived on: tells the launcher's own host from a desktop's tunnel. */
  port: number;
  path?: string;
  at: number;
}

const GC_KINDS: Record<number, string> = { 1: 'scavenge', 2: 'mark-compact', 4: 'incremental', 8: 'weak-callbacks' };
const ARRIVALS_KEPT = 5_000;
const MiB = 1024 * 1024;

export const epochNow = (): number => performance.timeOrigin + performance.now();

export interface Probe {
  url: string;
  close(): Promise<void>;
}

export interface ProbeOptions {
  /**
   * Sample the event-loop delay (a 10 ms timer: left off in the proxies whose round trips are
   * measured, where its wake-ups would be part of what is timed).
   */
  eventLoopDelay?: boolean;
  /** Record connection and request arrivals. */
  arrivals?: boolean;
}

const ELD_RESOLUTION_MS = 10;

export async function startProbe(o: ProbeOptions = {}): Promise<Probe> {
  const newHistogram = (): IntervalHistogram | undefined => {
    if (!o.eventLoopDelay) return undefined;
    const h = monitorEventLoopDelay({ resolution: ELD_RESOLUTION_MS });
    h.enable();
    return h;
  };
  let histogram = newHistogram();
  let windowStart = performance.now();
  let gc = { count: 0, totalMs: 0, maxMs: 0, byKind: {} as Record<string, number> };
  const observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      gc.count++;
      gc.totalMs += e.duration;
      gc.maxMs = Math.max(gc.maxMs, e.duration);
      const kind = GC_KINDS[((e as { detail?: { kind?: number } }).detail)?.kind ?? 0] ?? 'other';
      gc.byKind[kind] = (gc.byKind[kind] ?? 0) + 1;
    }
  });
  observer.observe({ entryTypes: ['gc'] });

  const arrivals: Arrival[] = [];
  const keep = (a: Arrival) => {
    arrivals.push(a);
    if (arrivals.length > ARRIVALS_KEPT) arrivals.splice(0, arrivals.length - ARRIVALS_KEPT);
  };
  let control: Server | undefined;
  let controlPort = -1;
  if (o.arrivals) {
    subscribe('net.server.socket', (m) => {
      const socket = (m as { socket: Socket }).socket;
      if (socket.localPort === controlPort) return;
      keep({ kind: 'connection', port: socket.localPort ?? 0, at: epochNow() });
    });
    subscribe('http.server.request.start', (m) => {
      const { request, server } = m as { request: { url?: string; socket: Socket }; server: Server };
      if (server === control) return;
      keep({ kind: 'request', port: request.socket.localPort ?? 0, path: (request.url ?? '').split('?')[0], at: epochNow() });
    });
  }

  const stats = (): ProbeStats => {
    const m = process.memoryUsage();
    const ms = (ns: number) => Math.round(ns / 1e3) / 1e3;
    // Node's histogram holds the time between two ticks of its sampling timer: the delay is what exceeds the timer's interval.
    const delay = (ns: number) => Math.round(Math.max(0, ns / 1e6 - ELD_RESOLUTION_MS) * 1e3) / 1e3;
    return {
      rssMb: m.rss / MiB,
      heapUsedMb: m.heapUsed / MiB,
      externalMb: m.external / MiB,
      arrayBuffersMb: m.arrayBuffers / MiB,
      windowMs: performance.now() - windowStart,
      gc: { ...gc, byKind: { ...gc.byKind } },
      eventLoopDelay: histogram
        ? { p50: delay(histogram.percentile(50)), p99: delay(histogram.percentile(99)), max: delay(histogram.max), mean: delay(histogram.mean) }
        : undefined,
    };
  };

  control = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://probe.invalid');
    let body: unknown;
    if (req.method === 'POST' && url.pathname === '/reset') {
      histogram?.disable();
      histogram = newHistogram();
      windowStart = performance.now();
      gc = { count: 0, totalMs: 0, maxMs: 0, byKind: {} };
      body = { ok: true };
    } else if (url.pathname === '/stats') {
      body = stats();
    } else if (url.pathname === '/arrivals') {
      const since = Number(url.searchParams.get('since') ?? 0);
      body = arrivals.filter((a) => a.at >= since);
    } else {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => control!.listen(0, '127.0.0.1', resolve));
  controlPort = (control.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${controlPort}`,
    close: () =>
      new Promise<void>((resolve) => {
        observer.disconnect();
        histogram?.disable();
        control!.close(() => resolve());
        control!.closeAllConnections();
      }),
  };
}

/** The load generator's side: one call to a child's probe. */
export async function askProbe<T>(probeUrl: string, path: string, method: 'GET' | 'POST' = 'GET'): Promise<T> {
  const res = await fetch(`${probeUrl}${path}`, { method });
  if (!res.ok) throw new Error(`probe ${path}: HTTP ${res.status}`);
  return (await res.json()) as T;
}
