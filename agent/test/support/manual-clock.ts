// A clock that moves only when a test says so: `advance` runs every timer that falls due, in time
// order (registration order on ties), with `now()` reading the moment each fires. Lets a test step
// the traffic simulator and the flow pipeline through buckets without sleeping.

import type { Clock } from '../../src/clock.js';

interface Timer {
  readonly intervalMs: number;
  next: number;
  readonly fn: () => void;
  readonly order: number;
}

export class ManualClock implements Clock {
  #now: number;
  #timers: Timer[] = [];
  #registered = 0;

  constructor(startMs: number) {
    this.#now = startMs;
  }

  now(): number {
    return this.#now;
  }

  every(intervalMs: number, fn: () => void): () => void {
    const timer: Timer = { intervalMs, next: this.#now + intervalMs, fn, order: this.#registered++ };
    this.#timers.push(timer);
    return () => {
      this.#timers = this.#timers.filter((t) => t !== timer);
    };
  }

  /** Moves time forward by `ms`, firing what falls due on the way. */
  advance(ms: number): void {
    const target = this.#now + ms;
    for (;;) {
      const due = this.#timers
        .filter((t) => t.next <= target)
        .sort((a, b) => a.next - b.next || a.order - b.order)[0];
      if (due === undefined) break;
      this.#now = due.next;
      due.next += due.intervalMs;
      due.fn();
    }
    this.#now = target;
  }
}
