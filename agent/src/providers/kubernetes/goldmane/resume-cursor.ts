// Where a restarted Flows.Stream resumes, and which of the flows it then resends were already
// delivered. Goldmane sends every bucket whole and in time order, once per stream, and backfills a
// new stream from the bucket holding `start_time_gte`. So the agent only has to remember the newest
// Goldmane bucket it has seen (older ones are complete) and the flow keys it received of that bucket:
// the next stream starts at that bucket, its keys seen already are dropped, the rest are new.
//
// Memory is bounded: the keys of one bucket only, as 16-byte digests, at most `maxKeys`. A bucket
// with more flows than that stops being recorded, and the next stream resumes after it instead
// (dropping that bucket's unseen rest rather than double-counting its seen part; logged by the
// caller). Flows of a bucket older than the newest one (which Goldmane does not send) are dropped.

import { createHash } from 'node:crypto';
import { FLOW_BUCKET_SECONDS } from '@palisade/flows';
import type { GoldmaneFlowKey } from './goldmane-api.js';

export type Admission = 'new' | 'duplicate' | 'stale';

export interface ResumeCursorOptions {
  readonly maxKeys: number;
  /** Goldmane's history in seconds: a resume point older than this is asked for relative to now. */
  readonly maxBackfillSeconds: number;
}

export class ResumeCursor {
  readonly #options: ResumeCursorOptions;
  /** Goldmane start time of the newest bucket seen; null before the first flow. */
  #bucket: number | null = null;
  /** Before the first flow: where a stream after the first one resumes (see startTimeGte). */
  #origin: number | null = null;
  #keys = new Set<string>();
  #overflowed = false;

  constructor(options: ResumeCursorOptions) {
    this.#options = options;
  }

  /** Decides whether a streamed flow of Goldmane bucket `startTime` is delivered. */
  admit(startTime: number, key: GoldmaneFlowKey | null): Admission {
    if (this.#bucket !== null && startTime < this.#bucket) return 'stale';
    if (this.#bucket === null || startTime > this.#bucket) {
      this.#bucket = startTime;
      this.#keys = new Set();
      this.#overflowed = false;
    }
    const digest = digestOf(key);
    if (this.#keys.has(digest)) return 'duplicate';
    if (this.#keys.size < this.#options.maxKeys) this.#keys.add(digest);
    else this.#overflowed = true;
    return 'new';
  }

  /** True when the newest bucket had more flows than can be remembered. */
  overflowed(): boolean {
    return this.#overflowed;
  }

  /**
   * `start_time_gte` of the next stream. The first stream asks from now (0: Goldmane streams the
   * buckets it completes from then on, the first of which began up to two buckets earlier). Later
   * ones ask from the newest bucket seen, or from the bucket after it when that one overflowed; and
   * while no flow has come yet, from two buckets before the first stream began, so a stream that
   * broke before its first flow loses nothing. A point older than Goldmane keeps becomes all it
   * still has (a negative value: relative to Goldmane's clock).
   */
  startTimeGte(nowSeconds: number): number {
    if (this.#bucket === null && this.#origin === null) {
      this.#origin = nowSeconds - 2 * FLOW_BUCKET_SECONDS;
      return 0;
    }
    const from =
      this.#bucket === null
        ? this.#origin!
        : this.#overflowed
          ? this.#bucket + FLOW_BUCKET_SECONDS
          : this.#bucket;
    if (nowSeconds - from > this.#options.maxBackfillSeconds) return -this.#options.maxBackfillSeconds;
    return from;
  }
}

/** The proto-loader object's field order is the proto's, so equal keys serialise equal. */
function digestOf(key: GoldmaneFlowKey | null): string {
  return createHash('sha256').update(JSON.stringify(key)).digest().subarray(0, 16).toString('base64');
}
