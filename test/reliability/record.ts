/**
 * Figures the reliability tests measured, kept as JSON in test-results/reliability/<suite>.json
 * (git-ignored) for figures.ts to print. A row is recorded only after its test's assertions
 * passed, so a failed case is missing from the table rather than shown with a good outcome.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

export const FIGURES_DIR = resolve(import.meta.dirname, '../../test-results/reliability');

export type Cell = string | number | boolean;
export interface FigureRow {
  case: string;
  [column: string]: Cell;
}
export interface FigureFile {
  suite: string;
  title: string;
  startedAt: string;
  /** Where it ran: the figures mean little without it. */
  machine: string;
  /** Free-form facts about the run (duration, machine) shown under the title. */
  notes: string[];
  rows: FigureRow[];
}

const fileOf = (suite: string) => join(FIGURES_DIR, `${suite}.json`);

/** Starts the suite's file afresh (one run of one test file). */
export function startFigures(suite: string, title: string, notes: string[] = []): void {
  mkdirSync(FIGURES_DIR, { recursive: true });
  const cpu = cpus();
  const machine = `${cpu.length} × ${cpu[0]?.model.trim() ?? 'CPU'}, ${Math.round(totalmem() / 2 ** 30)} GB, Node ${process.version}, ${process.platform}`;
  const file: FigureFile = { suite, title, startedAt: new Date().toISOString(), machine, notes, rows: [] };
  writeFileSync(fileOf(suite), JSON.stringify(file, null, 2) + '\n');
}

function read(suite: string): FigureFile {
  return JSON.parse(readFileSync(fileOf(suite), 'utf8')) as FigureFile;
}

export function recordFigure(suite: string, row: FigureRow): void {
  const file = read(suite);
  file.rows.push(row);
  writeFileSync(fileOf(suite), JSON.stringify(file, null, 2) + '\n');
}

export function noteFigure(suite: string, note: string): void {
  const file = read(suite);
  file.notes.push(note);
  writeFileSync(fileOf(suite), JSON.stringify(file, null, 2) + '\n');
}

/**
 * Counts errors nothing handled. Vitest reports them too; counting them here puts the number
 * in the figures and lets a test assert "zero" at the point it cares about.
 */
export function unhandledCounter(): { count(): number; messages: string[]; dispose(): void } {
  const messages: string[] = [];
  const onError = (e: unknown) => messages.push(`uncaughtException: ${(e as Error)?.stack ?? String(e)}`);
  const onRejection = (e: unknown) => messages.push(`unhandledRejection: ${(e as Error)?.stack ?? String(e)}`);
  process.on('uncaughtException', onError);
  process.on('unhandledRejection', onRejection);
  return {
    count: () => messages.length,
    messages,
    dispose: () => {
      process.off('uncaughtException', onError);
      process.off('unhandledRejection', onRejection);
    },
  };
}

/** Polls until `check` holds; the deadline is a liveness bound, not a timing assertion. */
export async function eventually(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

let gcFn: (() => void) | undefined;
/** A full garbage collection, so memory figures measure what is held, not what is not yet collected. */
export function forceGc(): void {
  if (!gcFn) {
    setFlagsFromString('--expose-gc');
    gcFn = runInNewContext('gc') as () => void;
  }
  gcFn();
  gcFn();
}
