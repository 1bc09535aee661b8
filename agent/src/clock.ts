// Time as the flow pipeline and the traffic simulator see it: the wall clock in production, a
// manual one in tests (agent/test/support/manual-clock.ts), so that a test can step through buckets
// deterministically instead of sleeping. Timers are repeating and stoppable, nothing more.

export interface Clock {
  /** Unix epoch milliseconds. */
  now(): number;
  /** Calls `fn` every `intervalMs` until the returned function is called. */
  every(intervalMs: number, fn: () => void): () => void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  every(intervalMs, fn) {
    const timer = setInterval(fn, intervalMs);
    timer.unref();
    return () => clearInterval(timer);
  },
};
