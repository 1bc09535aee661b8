// A token bucket per connection: `burst` messages at once, refilled at `perSecond`. Two numbers per
// tunnel and no timer, so it costs nothing at 10,000 tunnels. An agent that outruns it is closed
// with `rate_limited`: queueing its frames instead would let one cluster consume the gateway.
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

  /** Spends one token; false when none is left. */
  take(now: number): boolean {
    const elapsed = now - this.#refilledAt;
    if (elapsed > 0) {
      this.#tokens = Math.min(this.burst, this.#tokens + (elapsed * this.perSecond) / 1000);
      this.#refilledAt = now;
    }
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }
}
