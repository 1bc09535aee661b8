// CPU time spent by the Postgres backends serving one database, read from /proc: on a shared,
// loaded machine a statement's wall time says more about the neighbours than about the statement,
// its CPU time much less. Only when Postgres runs on this machine and /proc is readable (the
// benches' local server, run as root); otherwise `sample` answers null and the bench says n/a.
// Parallel workers are short-lived processes whose time this does not see.
import { readFileSync } from 'node:fs';
import type pg from 'pg';

function cpuMs(pid: number): number | null {
  try {
    // Fields after the command name: state is 3rd; utime and stime are the 14th and 15th overall.
    const fields = readFileSync(`/proc/${String(pid)}/stat`, 'utf8')
      .split(') ')[1]!
      .split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return null;
  }
}

export class BackendCpu {
  constructor(
    private readonly admin: pg.Pool,
    private readonly database: string,
  ) {}

  /** CPU milliseconds of every backend connected to the database now, by pid; null if unreadable. */
  async sample(): Promise<Map<number, number> | null> {
    const { rows } = await this.admin.query<{ pid: number }>(
      'SELECT pid FROM pg_stat_activity WHERE datname = $1',
      [this.database],
    );
    const out = new Map<number, number>();
    for (const { pid } of rows) {
      const ms = cpuMs(pid);
      if (ms === null) return null;
      out.set(pid, ms);
    }
    return out;
  }

  /** CPU milliseconds spent since `before` by the backends connected now (a new one from zero). */
  async since(before: Map<number, number> | null): Promise<number | null> {
    const now = await this.sample();
    if (!before || !now) return null;
    let total = 0;
    for (const [pid, ms] of now) total += ms - (before.get(pid) ?? 0);
    return total;
  }
}
