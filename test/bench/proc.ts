/**
 * What the benchmark reads about a process from /proc: CPU time (utime+stime) and resident memory.
 */
import { readFileSync } from 'node:fs';
import { cpuTimeMs } from '../peers/process';

export { cpuTimeMs };

/** Resident set size in MiB (VmRSS), 0 when the process is gone. */
export function rssMb(pid: number): number {
  try {
    const m = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

/** Summed CPU ms of a set of processes; one that is gone counts as 0. */
export function cpuOf(pids: number[]): number {
  let total = 0;
  for (const pid of pids) {
    try {
      total += cpuTimeMs(pid);
    } catch {
      /* gone */
    }
  }
  return total;
}

/** Samples the summed RSS of `pids()` every `everyMs` until stopped; returns the peak. */
export function sampleRss(pids: () => number[], everyMs = 100): { stop(): number } {
  let peak = 0;
  const sample = () => {
    const total = pids().reduce((sum, pid) => sum + rssMb(pid), 0);
    if (total > peak) peak = total;
  };
  sample();
  const timer = setInterval(sample, everyMs);
  return {
    stop() {
      clearInterval(timer);
      sample();
      return peak;
    },
  };
}
