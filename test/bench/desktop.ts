/**
 * Time to desktop, as a user meets it: real Chromium on the browser-mode launcher (its own
 * process, launcher-process.ts), a click on 接続, the launcher's tab through its tunnel, until
 * the simulator's page has all five channels open (main, display, input, clipboard, audio).
 * Against it, the same browser opening the simulator directly in a popup from the launcher's
 * page (window.open, opener dropped, as the launcher opens its tabs). Interleaved A B / B A.
 *
 * Every round also drops the simulator's connections (it destroys every socket and keeps
 * listening) and times until the page has all five open again: the tunnel stays on its local
 * port and the page reconnects to it, as the DCV web client does.
 *
 * Each sample keeps its phases as epoch-ms marks taken where they happen (the launcher page,
 * the launcher process's servers, the desktop page), so an outlier shows where its time went:
 *   click → ipc (connection.open answered) → open (window.open) → nav (the tab's navigation
 *   starts) → conn (first TCP connection at the tunnel, or the tab's connectStart) → request
 *   (first HTTP request at the tunnel, or requestStart) → script (the page's script starts) →
 *   auth (signed in on <base>auth) → main (main socket confirmed) → connected (all five).
 */
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { launchChromium, spkiHashOfCert } from '../peers/chromium-launch';
import { connectApi, type ApiClient } from './api-client';
import type { Child, SimReady } from './children';
import type { LauncherReady } from './launcher-process';
import { askProbe, type Arrival } from './probe';
import { quantile, round } from './stats';

export const PHASES = ['click', 'ipc', 'open', 'nav', 'conn', 'request', 'script', 'auth', 'main', 'connected'] as const;
export type PhaseMark = (typeof PHASES)[number];

export interface DesktopSample {
  way: 'launcher' | 'direct';
  round: number;
  /** click → all five channels open, ms. */
  totalMs: number;
  /** Epoch ms of each phase's mark that applies (no 'ipc' for direct). */
  marks: Partial<Record<PhaseMark, number>>;
  /** Long tasks (over 50 ms) of the launcher's page between the click and all channels open, summed. */
  launcherBusyMs: number;
  /** Drop → all five open again (page-side: main socket lost → reconnected), ms. */
  reconnectMs?: number;
  /** The simulator's drop (its own clock) → reconnected, ms. */
  reconnectFromDropMs?: number;
  reconnectAttempts?: number;
}

export interface Spread {
  p50: number;
  p95: number;
  max: number;
  n: number;
}

export interface DesktopWayResult {
  total: Spread;
  reconnect?: Spread;
  /** Each phase's duration (from the previous mark that applies), ms. */
  phases: Partial<Record<PhaseMark, Spread>>;
  /** The launcher page's long tasks while the desktop opened, ms. */
  launcherBusy: Spread;
}

export interface DesktopTimingResult {
  /** Rows in the launcher's desktop list. */
  catalogue: number;
  rounds: number;
  /** window.originAgentCluster on the launcher's page: its own renderer process, apart from its desktop tabs. */
  launcherOriginKeyed: boolean;
  launcher: DesktopWayResult;
  direct: DesktopWayResult;
  /** The slowest launcher and direct samples, every phase in ms from the click. */
  slowest: { way: string; round: number; totalMs: number; phases: Record<string, number> }[];
  samples: DesktopSample[];
}

export interface DesktopTimingDeps {
  sim: Child<SimReady>;
  startLauncher(filler: number): Promise<Child<LauncherReady>>;
  log(line: string): void;
}

const TIMEOUT_MS = 30_000;
/** The launcher page's own marks (its port only: the desktop pages are measured as they are). */
const hooks = (launcherPort: number) => `(() => {
  if (location.port !== '${launcherPort}' || window.__bench) return;
  const now = () => performance.timeOrigin + performance.now();
  const b = window.__bench = {};
  window.__benchLongTasks = [];
  new PerformanceObserver((list) => { for (const e of list.getEntries()) window.__benchLongTasks.push([performance.timeOrigin + e.startTime, e.duration]); }).observe({ type: 'longtask' });
  addEventListener('click', () => { b.click = now(); }, true);
  const open = window.open;
  window.open = function (...args) { b.open = now(); return open.apply(this, args); };
  const Ws = window.WebSocket;
  window.WebSocket = class extends Ws {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', (e) => { if (typeof e.data === 'string' && e.data.includes('"kind":"opened"')) b.ipc = now(); });
    }
  };
})();`;

function spread(values: number[]): Spread {
  return { p50: round(quantile(values, 0.5)), p95: round(quantile(values, 0.95)), max: round(Math.max(...values)), n: values.length };
}

/** What the desktop page measured: its marks, and its navigation's timing as epoch ms. */
async function pageMarks(tab: Page): Promise<{ marks: Record<string, number>; nav: number; connectStart: number; requestStart: number; attempts: number; status: string; error: string }> {
  return tab.evaluate(() => {
    const sim = (window as unknown as { dcvSim?: { marks: Record<string, number>; attempts: number } }).dcvSim;
    const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined;
    const at = (t: number | undefined) => performance.timeOrigin + (t ?? 0);
    return {
      marks: sim?.marks ?? {},
      attempts: sim?.attempts ?? 0,
      nav: performance.timeOrigin,
      connectStart: at(nav?.connectStart),
      requestStart: at(nav?.requestStart),
      status: document.querySelector('#status')?.textContent ?? '',
      error: document.querySelector('#error')?.textContent ?? '',
    };
  });
}

async function waitForMark(tab: Page, mark: string): Promise<void> {
  await tab.waitForFunction(
    (m) => {
      const sim = (window as unknown as { dcvSim?: { marks: Record<string, number> } }).dcvSim;
      const status = document.querySelector('#status')?.textContent;
      return Boolean(sim?.marks[m]) || status === 'failed';
    },
    mark,
    { timeout: TIMEOUT_MS, polling: 50 },
  );
}

/** Marks the launcher's page took (click, ipc, open) and its long tasks, cleared for the next round. */
async function takeLauncherMarks(page: Page): Promise<{ marks: Record<string, number>; longTasks: [number, number][] }> {
  return page.evaluate(() => {
    const w = window as unknown as { __bench: Record<string, number>; __benchLongTasks: [number, number][] };
    const marks = { ...w.__bench };
    for (const k of Object.keys(w.__bench)) delete w.__bench[k];
    return { marks, longTasks: w.__benchLongTasks.splice(0) };
  });
}

class DesktopRun {
  private page!: Page;
  private api!: ApiClient;
  /** The launcher page was not origin-keyed (its desktop tabs share its renderer process). */
  notIsolated = false;
  constructor(
    private readonly context: BrowserContext,
    private readonly launcher: Child<LauncherReady>,
    private readonly sim: Child<SimReady>,
  ) {}

  async start(): Promise<void> {
    this.page = await this.context.newPage();
    const response = await this.page.goto(this.launcher.ready.launchUrl);
    if (response?.status() !== 200) throw new Error(`launcher answered ${response?.status()}`);
    // Found by role and name once; then by CSS, so the benchmark's own element search (a role
    // query walks all 600 rows) stays out of the page's main thread during the measurement.
    const { id, name } = this.launcher.ready.desktops[0];
    await this.page.getByRole('button', { name: `${name} に接続`, exact: true }).waitFor({ timeout: 60_000 });
    this.button = this.page.locator(`li[aria-labelledby="desktop-${id}"] .desktop-actions button.btn-primary`);
    const label = await this.button.getAttribute('aria-label');
    if (label !== `${name} に接続`) throw new Error(`the Connect button of ${name} is labelled "${label}"`);
    this.api = await connectApi(this.launcher.ready.apiLaunchUrl);
  }

  private button!: Locator;

  private connectButton(): Locator {
    return this.button;
  }

  async stop(): Promise<void> {
    await this.api?.close();
    await this.page?.close().catch(() => {});
  }

  /** One click on 接続 (or one popup), until every channel is open; then a drop and the reconnect. */
  async once(way: DesktopSample['way'], round: number, drop: boolean): Promise<DesktopSample> {
    await takeLauncherMarks(this.page);
    if (!(await this.page.evaluate(() => window.originAgentCluster))) this.notIsolated = true;
    const tabOpened = this.context.waitForEvent('page', { timeout: TIMEOUT_MS });
    if (way === 'launcher') {
      await this.connectButton().click();
    } else {
      await this.page.evaluate((url) => {
        (window as unknown as { __bench: Record<string, number> }).__bench.click = performance.timeOrigin + performance.now();
        const tab = window.open(url, '_blank');
        if (tab) tab.opener = null;
      }, this.sim.ready.url);
    }
    const tab = await tabOpened;
    try {
      await waitForMark(tab, 'connected');
      const seen = await pageMarks(tab);
      if (!seen.marks.connected) throw new Error(`${way}: the desktop page did not connect: ${seen.status} ${seen.error}`);
      const { marks: own, longTasks } = await takeLauncherMarks(this.page);
      const marks: DesktopSample['marks'] = {
        click: own.click,
        open: own.open,
        nav: seen.nav,
        script: seen.marks.script,
        auth: seen.marks.auth,
        main: seen.marks.main,
        connected: seen.marks.connected,
      };
      if (way === 'launcher') {
        marks.ipc = own.ipc;
        // The tunnel is the launcher process's server on the tab's port.
        const tunnelPort = Number(new URL(tab.url()).port);
        const arrivals = await askProbe<Arrival[]>(this.launcher.ready.probeUrl, `/arrivals?since=${Math.floor(own.click)}`);
        marks.conn = arrivals.find((a) => a.kind === 'connection' && a.port === tunnelPort)?.at;
        marks.request = arrivals.find((a) => a.kind === 'request' && a.port === tunnelPort)?.at;
      } else {
        marks.conn = seen.connectStart;
        marks.request = seen.requestStart;
      }
      // What kept the launcher page's main thread busy (tasks over 50 ms) while the desktop opened.
      const launcherBusyMs = longTasks.filter(([at]) => at >= marks.click! && at <= marks.connected!).reduce((sum, [, ms]) => sum + ms, 0);
      const sample: DesktopSample = { way, round, totalMs: marks.connected! - marks.click!, marks, launcherBusyMs };
      if (drop) Object.assign(sample, await this.dropAndReconnect(tab));
      return sample;
    } finally {
      await tab.close().catch(() => {});
      if (way === 'launcher') await this.closeConnection();
    }
  }

  private async dropAndReconnect(tab: Page): Promise<Pick<DesktopSample, 'reconnectMs' | 'reconnectFromDropMs' | 'reconnectAttempts'>> {
    await tab.evaluate(() => {
      (window as unknown as { dcvSim: { reconnect: boolean } }).dcvSim.reconnect = true;
    });
    const before = this.sim.peer.output().length;
    this.sim.peer.child.kill('SIGUSR2');
    await waitForMark(tab, 'reconnected');
    const seen = await pageMarks(tab);
    if (!seen.marks.reconnected) throw new Error(`the desktop page did not reconnect after the drop: ${seen.status} ${seen.error}`);
    const dropped = /\{"event":"dropped"[^\n]*\}/.exec(this.sim.peer.output().slice(before));
    const droppedAt = dropped ? (JSON.parse(dropped[0]) as { at: number }).at : undefined;
    return {
      reconnectMs: seen.marks.reconnected - seen.marks.disconnected,
      ...(droppedAt !== undefined && { reconnectFromDropMs: seen.marks.reconnected - droppedAt }),
      reconnectAttempts: seen.attempts - 1,
    };
  }

  /** The connection closes and its notice goes: the next click is a fresh Connect again. */
  private async closeConnection(): Promise<void> {
    const desktopId = this.launcher.ready.desktops[0].id;
    await this.api.call('connection.close', { desktopId });
    await this.page.keyboard.press('Escape');
    for (let i = 0; i < 3 && (await this.page.getByRole('dialog').count()) > 0; i++) await this.page.keyboard.press('Escape');
  }
}

function summarise(samples: DesktopSample[], way: DesktopSample['way']): DesktopWayResult {
  const mine = samples.filter((s) => s.way === way);
  const phases: DesktopWayResult['phases'] = {};
  for (let i = 1; i < PHASES.length; i++) {
    const durations = mine.flatMap((s) => {
      const at = s.marks[PHASES[i]];
      const prev = PHASES.slice(0, i).reverse().map((p) => s.marks[p]).find((v) => v !== undefined);
      return at === undefined || prev === undefined ? [] : [at - prev];
    });
    if (durations.length) phases[PHASES[i]] = spread(durations);
  }
  const reconnects = mine.flatMap((s) => (s.reconnectMs === undefined ? [] : [s.reconnectMs]));
  return { total: spread(mine.map((s) => s.totalMs)), ...(reconnects.length && { reconnect: spread(reconnects) }), phases, launcherBusy: spread(mine.map((s) => s.launcherBusyMs)) };
}

function slowest(samples: DesktopSample[], way: DesktopSample['way'], count: number): DesktopTimingResult['slowest'] {
  return samples
    .filter((s) => s.way === way)
    .sort((a, b) => b.totalMs - a.totalMs)
    .slice(0, count)
    .map((s) => ({
      way,
      round: s.round,
      totalMs: round(s.totalMs),
      phases: Object.fromEntries(PHASES.flatMap((p) => (s.marks[p] === undefined ? [] : [[p, round(s.marks[p]! - s.marks.click!)]]))),
    }));
}

/** Chromium, the launcher with `catalogue` rows, `rounds` interleaved pairs (each with a drop). */
export async function timeToDesktop(deps: DesktopTimingDeps, o: { catalogue: number; rounds: number }): Promise<DesktopTimingResult> {
  const launcher = await deps.startLauncher(Math.max(0, o.catalogue - 1));
  let browser: Browser | undefined;
  try {
    browser = await launchChromium({ spkiHashes: [launcher.ready.spkiHash, spkiHashOfCert(deps.sim.ready.certPem)], lang: 'ja' });
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'ja-JP' });
    await context.addInitScript(hooks(launcher.ready.port));
    const run = new DesktopRun(context, launcher, deps.sim);
    await run.start();
    // One unmeasured pair: Chromium's first process and sockets, the renderer's first render.
    await run.once('launcher', 0, false);
    await run.once('direct', 0, false);
    const samples: DesktopSample[] = [];
    for (let r = 1; r <= o.rounds; r++) {
      const order: DesktopSample['way'][] = r % 2 ? ['launcher', 'direct'] : ['direct', 'launcher'];
      for (const way of order) samples.push(await run.once(way, r, true));
      const last = samples.slice(-2).map((s) => `${s.way} ${s.totalMs.toFixed(0)} ms (reconnect ${s.reconnectMs?.toFixed(0) ?? '-'} ms)`);
      deps.log(`desktop ${o.catalogue} rows, round ${r}/${o.rounds}: ${last.join(', ')}`);
    }
    await run.stop();
    return {
      catalogue: o.catalogue,
      rounds: o.rounds,
      launcherOriginKeyed: !run.notIsolated,
      launcher: summarise(samples, 'launcher'),
      direct: summarise(samples, 'direct'),
      slowest: [...slowest(samples, 'launcher', 3), ...slowest(samples, 'direct', 3)],
      samples: samples.map((s) => ({ ...s, totalMs: round(s.totalMs), marks: Object.fromEntries(Object.entries(s.marks).map(([k, v]) => [k, round(v!)])) })),
    };
  } finally {
    await browser?.close().catch(() => {});
    await launcher.stop();
  }
}
