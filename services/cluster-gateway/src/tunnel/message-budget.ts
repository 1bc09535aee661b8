// A token bucket: `burst` tokens at once, refilled at `perSecond`. Two numbers and no timer, so it
// costs nothing at 10,000 tunnels. Each connection spends one per message (an agent that outruns
// it is closed with `rate_limited`: queueing its frames instead would let one cluster consume the
// gateway); flow ingestion spends one per record, per cluster (flows/flow-rate-limits.ts).
export class MessageBudget {
  #tokens: number;
  #refilledAt: number;

  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
    now: number,
  ) {
    this.#tokens = burst;
    this.#refilledAt = now;
  }

  /** Spends `cost` tokens; false (spending nothing) when fewer are left. */
  take(now: number, cost = 1): boolean {
    const elapsed = now - this.#refilledAt;
    if (elapsed > 0) {
      this.#tokens = Math.min(this.burst, this.#tokens + (elapsed * this.perSecond) / 1000);
      this.#refilledAt = now;
    }
    if (this.#tokens < cost) return false;
    this.#tokens -= cost;
    return true;
  }

  /** True when the bucket is as full as a new one: forgetting it changes nothing. */
  isFull(now: number): boolean {
    const elapsed = Math.max(0, now - this.#refilledAt);
    return this.#tokens + (elapsed * this.perSecond) / 1000 >= this.burst;
  }
}
