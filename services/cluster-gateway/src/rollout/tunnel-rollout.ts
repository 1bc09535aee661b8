// What one tunnel knows about its agent's policy: the generation the agent last reported applied on
// this connection, the push in flight, and a generation found undeliverable. A fresh connection
// knows nothing, so the first desired state read after the welcome is pushed unless the agent has
// already reported having it (agents report their applied generation right after the welcome).
// The rule lives here so connects, notices, reports and the sweep all decide the same way.
import { DesiredTransfer } from './desired-transfer.js';

export class TunnelRollout {
  /** Reported by the agent on this tunnel; null until it reports. */
  applied: number | null = null;
  #pushed: number | null = null;
  #pushedAt = 0;
  #transfer: DesiredTransfer | undefined;
  #undeliverable: number | null = null;
  /** Reports of one tunnel are written in order, one at a time. */
  writes: Promise<void> = Promise.resolve();

  /** Whether `generation` should be pushed now. */
  needsPush(generation: number, now: number, ackTimeoutMs: number): boolean {
    if (this.applied === generation) return false;
    // Its status is stored already, and only a new generation or a new connection can change that.
    if (this.#undeliverable === generation) return false;
    // Never restarted while under way: on a slow link, a restart on every trigger would never finish.
    if (this.#transfer?.generation === generation && this.#transfer.inFlight) return false;
    return !(this.#pushed === generation && now - this.#pushedAt < ackTimeoutMs);
  }

  /** A push of `generation` starts; one still under way is abandoned (it is older, or stale). */
  begin(generation: number): DesiredTransfer {
    this.#transfer?.cancel();
    this.#transfer = new DesiredTransfer(generation);
    return this.#transfer;
  }

  /** Every frame of `generation` was written; the acknowledgement timeout runs from now. */
  pushed(generation: number, now: number): void {
    this.#pushed = generation;
    this.#pushedAt = now;
  }

  undeliverable(generation: number): void {
    this.#undeliverable = generation;
  }

  reported(generation: number): void {
    this.applied = generation;
  }
}
