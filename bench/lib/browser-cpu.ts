// CPU time the browser's processes spent, by Chromium process type (renderer, gpu-process, …),
// read from /proc: on a shared machine a page's wall-clock time says mostly how busy the machine
// was, while its CPU time says what the page cost. Linux only; elsewhere it reads nothing.
import { readFileSync, readdirSync } from 'node:fs';

/** Kernel clock ticks per second (USER_HZ), the unit of utime and stime in /proc/<pid>/stat. */
const TICKS_PER_SECOND = 100;

/** CPU milliseconds by process type. */
export type CpuByProcess = Record<string, number>;

/** A reading: each live process's type and CPU milliseconds so far, by pid. */
export type CpuReading = Map<string, { type: string; ms: number }>;

/** Fields of /proc/<pid>/stat after the command name (which may contain spaces). */
function statFields(pid: string): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined; // the process has gone
  }
}

function processType(pid: string): string {
  let cmd: string;
  try {
    cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return 'gone';
  }
  const type = /--type=([\w-]+)/.exec(cmd)?.[1] ?? 'browser';
  const sub = /--utility-sub-type=[\w.]*?(\w+)(?:\0|\s|$)/.exec(cmd)?.[1];
  return sub ? `${type} (${sub})` : type;
}

/** CPU time of every process descending from this one (Chromium, launched by it). */
export function browserCpu(): CpuReading {
  const pids = readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  const parent = new Map<string, string>();
  for (const pid of pids) {
    const f = statFields(pid);
    if (f?.[1]) parent.set(pid, f[1]);
  }
  const mine = (pid: string): boolean => {
    for (let p = parent.get(pid); p !== undefined && p !== '0'; p = parent.get(p))
      if (p === String(process.pid)) return true;
    return false;
  };
  const out: CpuReading = new Map();
  for (const pid of pids.filter(mine)) {
    const f = statFields(pid);
    if (f)
      out.set(pid, {
        type: processType(pid),
        ms: ((Number(f[11]) + Number(f[12])) * 1000) / TICKS_PER_SECOND,
      });
  }
  return out;
}

/**
 * What was spent between two readings, by process type: per process, so that one which ended in
 * between (a closed context's renderer) takes nothing away.
 */
export function cpuSince(before: CpuReading, after: CpuReading = browserCpu()): CpuByProcess {
  const out: CpuByProcess = {};
  for (const [pid, { type, ms }] of after) out[type] = (out[type] ?? 0) + ms - (before.get(pid)?.ms ?? 0);
  return out;
}

/** Medians by process type over several loads, largest first: "gpu-process 1,200 ms, …". */
export function formatCpu(loads: readonly CpuByProcess[]): string {
  const types = [...new Set(loads.flatMap((l) => Object.keys(l)))];
  const med = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
  return types
    .map((t) => ({ t, ms: med(loads.map((l) => l[t] ?? 0)) }))
    .filter((x) => x.ms >= 10)
    .sort((a, b) => b.ms - a.ms)
    .map((x) => `${x.t} ${x.ms.toFixed(0)} ms`)
    .join(', ');
}
