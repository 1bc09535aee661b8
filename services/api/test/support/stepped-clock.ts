// A clock for the simulated agent that moves only when an end-to-end test steps it, so flow
// buckets are made on demand and stay in the gateway's past.

/** Time that moves only when the test says so; fires due timers in order (the agent's Clock). */
export class SteppedClock {
  private timers: { every: number; next: number; fn: () => void }[] = [];
  constructor(private current: number) {}
  now(): number {
    return this.current;
  }
  every(intervalMs: number, fn: () => void): () => void {
    const t = { every: intervalMs, next: this.current + intervalMs, fn };
    this.timers.push(t);
    return () => {
      this.timers = this.timers.filter((x) => x !== t);
    };
  }
  advance(ms: number): void {
    const target = this.current + ms;
    for (;;) {
      const due = this.timers.filter((t) => t.next <= target).sort((a, b) => a.next - b.next)[0];
      if (!due) break;
      this.current = due.next;
      due.next += due.every;
      due.fn();
    }
    this.current = target;
  }
}
