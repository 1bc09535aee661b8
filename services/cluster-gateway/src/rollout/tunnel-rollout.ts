// What one tunnel knows about its agent's policy: the generation the agent last reported applied on
// this connection, and the push in flight. A fresh connection knows nothing, so the first desired
// state read after the welcome is pushed unless the agent has already reported having it (agents
// report their applied generation right after the welcome). The rule lives here so connects,
// notices, reports and the sweep all decide the same way.
export class TunnelRollout {
  /** Reported by the agent on this tunnel; null until it reports. */
  applied: number | null = null;
  #pushed: number | null = null;
  #pushedAt = 0;
  /** Reports of one tunnel are written in order, one at a time. */
  writes: Promise<void> = Promise.resolve();

  /** Whether `generation` should be pushed now. */
  needsPush(generation: number, now: number, ackTimeoutMs: number): boolean {
    if (this.applied === generation) return false;
    return !(this.#pushed === generation && now - this.#pushedAt < ackTimeoutMs);
  }

  pushed(generation: number, now: number): void {
    this.#pushed = generation;
    this.#pushedAt = now;
  }

  reported(generation: number): void {
    this.applied = generation;
  }
}
