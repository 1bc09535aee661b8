// Time that moves only when the bench says so, firing due timers in order: the agent's Clock for
// its traffic simulator and flow pipeline, so minutes of traffic take seconds to produce.
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
      let due: (typeof this.timers)[number] | undefined;
      for (const t of this.timers) if (t.next <= target && (!due || t.next < due.next)) due = t;
      if (!due) break;
      this.current = due.next;
      due.next += due.every;
      due.fn();
    }
    this.current = target;
  }
}
