// Flow records per cluster: one token bucket per cluster on this gateway, spent one token per
// record of a batch, before anything is validated or written. Kept per cluster, not per
// connection, so a flooding agent that is closed and reconnects does not come back with a full
// burst. A bucket that has refilled completely is the same as none, so idle buckets are forgotten
// and memory follows the clusters that are actually sending.
import { MessageBudget } from '../tunnel/message-budget.js';

/** Buckets are examined for forgetting at most this often. */
const FORGET_INTERVAL_MS = 60_000;

export class FlowRateLimits {
  readonly #perSecond: number;
  readonly #burst: number;
  readonly #buckets = new Map<string, MessageBudget>();
  #forgotAt = 0;

  constructor(perSecond: number, burst: number) {
    this.#perSecond = perSecond;
    this.#burst = burst;
  }

  /** Spends `records` tokens of the cluster's bucket; false (spending nothing) when it has fewer. */
  take(clusterId: string, records: number, now: number): boolean {
    this.#forgetFull(now);
    let bucket = this.#buckets.get(clusterId);
    if (bucket === undefined) {
      bucket = new MessageBudget(this.#perSecond, this.#burst, now);
      this.#buckets.set(clusterId, bucket);
    }
    return bucket.take(now, records);
  }

  /** Clusters with a bucket in memory (tests). */
  get size(): number {
    return this.#buckets.size;
  }

  #forgetFull(now: number): void {
    if (now - this.#forgotAt < FORGET_INTERVAL_MS) return;
    this.#forgotAt = now;
    for (const [clusterId, bucket] of this.#buckets) {
      if (bucket.isFull(now)) this.#buckets.delete(clusterId);
    }
  }
}
