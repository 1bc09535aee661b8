// Goldmane-style aggregation in the agent (spec flow-logs §6.2): records from the provider land in
// the 15 s bucket of their start time, and records with equal aggregation keys (bucket, FlowKey
// fields, canonical traces) merge — counters summed, labels intersected. A bucket is handed on once
// it has ended; a record that arrives for a bucket already handed on starts a new record of that
// bucket, which the store merges with the first (same key). Open records are bounded: past the
// bound, records of new keys are dropped and counted, never buffered without limit.

import {
  aggregationKey,
  bucketStart,
  FLOW_BUCKET_SECONDS,
  mergeFlowRecords,
  type FlowRecord,
} from '@palisade/flows';

export class FlowAggregator {
  readonly #maxOpen: number;
  /** Bucket start → aggregation key → record. */
  readonly #buckets = new Map<number, Map<string, FlowRecord>>();
  #open = 0;
  #dropped = 0;

  constructor(maxOpenRecords: number) {
    this.#maxOpen = maxOpenRecords;
  }

  /** Records held in buckets not yet handed on. */
  get open(): number {
    return this.#open;
  }

  /** Records refused because the open buckets were full, ever. */
  get dropped(): number {
    return this.#dropped;
  }

  add(records: readonly FlowRecord[]): void {
    for (const incoming of records) {
      const start = bucketStart(incoming.start_time);
      const record =
        incoming.start_time === start && incoming.end_time === start + FLOW_BUCKET_SECONDS
          ? incoming
          : { ...incoming, start_time: start, end_time: start + FLOW_BUCKET_SECONDS };
      let bucket = this.#buckets.get(start);
      const key = aggregationKey(record);
      const existing = bucket?.get(key);
      if (existing !== undefined) {
        bucket!.set(key, mergeFlowRecords(existing, record));
        continue;
      }
      if (this.#open >= this.#maxOpen) {
        this.#dropped++;
        continue;
      }
      if (bucket === undefined) {
        bucket = new Map();
        this.#buckets.set(start, bucket);
      }
      bucket.set(key, {
        ...record,
        source_labels: [...record.source_labels].sort(),
        dest_labels: [...record.dest_labels].sort(),
      });
      this.#open++;
    }
  }

  /** Takes every record of the buckets that ended at or before `nowSeconds`, oldest bucket first. */
  takeClosed(nowSeconds: number): FlowRecord[] {
    const closed = [...this.#buckets.keys()].filter((start) => start + FLOW_BUCKET_SECONDS <= nowSeconds);
    return this.#take(closed.sort((a, b) => a - b));
  }

  /** Takes everything, open buckets included (on shutdown). */
  takeAll(): FlowRecord[] {
    return this.#take([...this.#buckets.keys()].sort((a, b) => a - b));
  }

  #take(starts: readonly number[]): FlowRecord[] {
    const out: FlowRecord[] = [];
    for (const start of starts) {
      const bucket = this.#buckets.get(start);
      if (bucket === undefined) continue;
      out.push(...bucket.values());
      this.#open -= bucket.size;
      this.#buckets.delete(start);
    }
    return out;
  }
}
