// Makes sure the day partitions a batch writes into exist before its transaction starts. The
// worker creates days ahead (migration 0006, decision 0042); this covers a fresh install, a
// stopped worker and a clock near midnight. Creating a partition locks its parent, so it is never
// done inside a batch's transaction, and days known to exist are remembered (a few dozen at most):
// in steady state this costs no statement at all.
import { FLOW_PARTITION_DAYS_CACHED } from '../limits.js';
import type { Database } from '../store/database.js';

const ENSURE = "SELECT flows_ensure_partitions(DATE '1970-01-01' + $1::integer)";

export class FlowPartitions {
  readonly #db: Database;
  /** Days since the Unix epoch, in the order they were learnt. */
  readonly #known = new Set<number>();

  constructor(db: Database) {
    this.#db = db;
  }

  async ensure(days: readonly number[]): Promise<void> {
    for (const day of days) {
      if (this.#known.has(day)) continue;
      await this.#db.query(ENSURE, [day]);
      this.#known.add(day);
      if (this.#known.size > FLOW_PARTITION_DAYS_CACHED) {
        const oldest = this.#known.values().next().value;
        if (oldest !== undefined) this.#known.delete(oldest);
      }
    }
  }

  /** After a failed write: a partition may have been dropped under us; ask again next time. */
  forget(): void {
    this.#known.clear();
  }
}
