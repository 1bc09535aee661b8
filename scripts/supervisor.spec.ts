// The supervisor with real child processes: kill -9 one and see it restarted while its sibling keeps
// running; a repair hook that changes the arguments; giving up; stop() ending everything for good.
import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '@palisade/testing';
import { DEFAULT_RESTART_POLICY, restartDelayMs, Supervisor, type ChildSpec } from './supervisor.js';

const LONG_RUNNING = ['-e', "console.log('up'); setInterval(() => {}, 1000)"];
const FAST = { initialDelayMs: 20, maxDelayMs: 200, stableAfterMs: 60_000, stopGraceMs: 2_000 };

function alive(pid: number | undefined): boolean {
  if (pid === undefined) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function node(name: string, args: () => readonly string[], extra: Partial<ChildSpec> = {}): ChildSpec {
  return { name, command: process.execPath, args, ...extra };
}

describe('Supervisor', () => {
  let supervisor: Supervisor | undefined;
  const lines: string[] = [];
  const out = (l: string): void => void lines.push(l);

  afterEach(async () => {
    await supervisor?.stop();
    supervisor = undefined;
    lines.length = 0;
  });

  it('restarts a child killed with SIGKILL, says so, and leaves its siblings running', async () => {
    supervisor = new Supervisor({ out, policy: FAST });
    const api = supervisor.run(node('api', () => LONG_RUNNING));
    const worker = supervisor.run(node('worker', () => LONG_RUNNING));
    await waitFor(() => lines.filter((l) => l.endsWith('] up')).length === 2, 'both children up');
    const [firstApi, firstWorker] = [api.pid(), worker.pid()];

    process.kill(firstApi ?? -1, 'SIGKILL');

    await waitFor(() => api.starts() === 2 && alive(api.pid()), 'the api restarted');
    expect(api.pid()).not.toBe(firstApi);
    expect(lines).toContain('[api] up');
    expect(lines.some((l) => /^\[supervisor\] api killed by SIGKILL; restarting it in /.test(l))).toBe(true);
    expect(lines).toContain(`[supervisor] api restarted (pid ${String(api.pid())})`);
    expect(worker.pid()).toBe(firstWorker);
    expect(worker.starts()).toBe(1);
    expect(alive(firstWorker)).toBe(true);
  });

  it('lets a child repair before its restart, with new arguments', async () => {
    supervisor = new Supervisor({ out, policy: FAST });
    let args: readonly string[] = ['-e', 'process.exit(3)'];
    const exits: (number | null)[] = [];
    const agent = supervisor.run(
      node('agent', () => args, {
        onExit: (exit) => {
          exits.push(exit.code);
          if (exit.code === 3) args = LONG_RUNNING;
          return 'restart';
        },
      }),
    );
    await waitFor(() => lines.includes('[agent] up'), 'the repaired agent up');
    expect(exits).toEqual([3]);
    expect(agent.starts()).toBe(2);
    expect(alive(agent.pid())).toBe(true);
  });

  it('restarts anyway when the repair throws, and counts consecutive crashes', async () => {
    supervisor = new Supervisor({ out, policy: FAST });
    const crashes: number[] = [];
    const child = supervisor.run(
      node('flaky', () => ['-e', 'process.exit(1)'], {
        onExit: (exit) => {
          crashes.push(exit.crashes);
          if (exit.crashes < 3) throw new Error('the API is down');
          return 'give-up';
        },
      }),
    );
    await waitFor(() => lines.some((l) => l.includes('not restarting it')), 'the supervisor giving up');
    expect(crashes).toEqual([1, 2, 3]);
    expect(child.starts()).toBe(3);
    expect(lines).toContain('[supervisor] flaky: repair failed (the API is down); restarting anyway');
    expect(lines).toContain('[supervisor] flaky exited with code 1; not restarting it');
  });

  it('stop() ends every child and restarts none of them', async () => {
    supervisor = new Supervisor({ out, policy: FAST });
    const a = supervisor.run(node('a', () => LONG_RUNNING));
    const b = supervisor.run(node('b', () => LONG_RUNNING));
    await waitFor(() => lines.filter((l) => l.endsWith('] up')).length === 2, 'both children up');
    const pids = [a.pid(), b.pid()];

    await supervisor.stop();

    expect(pids.map(alive)).toEqual([false, false]);
    expect(a.starts() + b.starts()).toBe(2);
    expect(lines.some((l) => l.includes('restarting'))).toBe(false);
    expect(() => supervisor?.run(node('c', () => LONG_RUNNING))).toThrow(/stopping/);
  });

  it('doubles the delay on each consecutive crash, up to the maximum', () => {
    const delays = [1, 2, 3, 4, 5, 6, 7, 8, 100].map((n) => restartDelayMs(DEFAULT_RESTART_POLICY, n));
    expect(delays).toEqual([500, 1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000]);
  });
});
