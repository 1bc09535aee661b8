// The agent's bounded store of flow records between the aggregator and the gateway's ack, so that
// flows survive a gateway outage (issue 13: zero loss within the bound). Records wait in arrival
// order until a batch is cut; a cut batch keeps its sequence number and its records until the
// gateway acknowledges it, and is resent unchanged after a reconnect, so a sequence always names
// the same records (the gateway deduplicates on it). When more than `capacity` records are held,
// the oldest go: a whole unacknowledged batch first (never half of one), else the oldest waiting
// records; every dropped record is counted in `dropped`, which never decreases.

import type { FlowRecord } from '@palisade/flows';
import { packBatch } from './pack-batch.js';

export interface FlowBatch {
  readonly sequence: number;
  /** Never changed once cut. */
  readonly records: FlowRecord[];
}

export class FlowBuffer {
  readonly #capacity: number;
  #waiting: FlowRecord[] = [];
  /** Index of the first live entry of #waiting (dropping from the front without copying). */
  #head = 0;
  readonly #unacked: FlowBatch[] = [];
  #unackedRecords = 0;
  #nextSequence = 1;
  #dropped = 0;

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new RangeError('capacity must be a positive integer');
    this.#capacity = capacity;
  }

  get capacity(): number {
    return this.#capacity;
  }

  /** Records held: waiting plus cut and unacknowledged. */
  get size(): number {
    return this.waiting + this.#unackedRecords;
  }

  get waiting(): number {
    return this.#waiting.length - this.#head;
  }

  /** Records dropped for lack of room (or too large for any frame), ever. */
  get dropped(): number {
    return this.#dropped;
  }

  add(records: readonly FlowRecord[]): void {
    for (const record of records) this.#waiting.push(record);
    this.#makeRoom();
  }

  /**
   * Cuts the next batch from the oldest waiting records: at most `maxRecords`, encoding to at most
   * `maxBytes` of records. Null when nothing waits. A record that could never fit is dropped.
   */
  cut(maxRecords: number, maxBytes: number): FlowBatch | null {
    while (this.waiting > 0) {
      const { count, oversized } = packBatch(this.#waiting, this.#head, maxRecords, maxBytes);
      if (oversized) {
        this.#head++;
        this.#dropped++;
        continue;
      }
      const records = this.#waiting.slice(this.#head, this.#head + count);
      this.#head += count;
      this.#compact();
      const batch: FlowBatch = { sequence: this.#nextSequence++, records };
      this.#unacked.push(batch);
      this.#unackedRecords += records.length;
      return batch;
    }
    return null;
  }

  /** Cut batches the gateway has not acknowledged, oldest first: what a new session resends. */
  unacked(): readonly FlowBatch[] {
    return this.#unacked;
  }

  /** The gateway stored every batch up to and including `sequence`; returns how many records that freed. */
  acknowledge(sequence: number): number {
    let freed = 0;
    while (this.#unacked.length > 0 && this.#unacked[0]!.sequence <= sequence) {
      freed += this.#unacked.shift()!.records.length;
    }
    this.#unackedRecords -= freed;
    return freed;
  }

  #makeRoom(): void {
    while (this.size > this.#capacity) {
      const oldest = this.#unacked[0];
      if (oldest !== undefined) {
        this.#unacked.shift();
        this.#unackedRecords -= oldest.records.length;
        this.#dropped += oldest.records.length;
        continue;
      }
      const excess = this.size - this.#capacity;
      this.#head += excess;
      this.#dropped += excess;
    }
    this.#compact();
  }

  /**
   * Releases the front of #waiting (records already cut into batches or dropped). When nothing waits
   * the array starts over, which is the steady state of an agent that keeps up; otherwise the front
   * is copied away once it is most of the array. Without the first rule a slow agent (a few records
   * per bucket) kept every record it ever sent until its front passed 1,024 records, which a soak of
   * many such agents saw as steadily growing heaps.
   */
  #compact(): void {
    if (this.#head === this.#waiting.length) {
      this.#waiting = [];
      this.#head = 0;
    } else if (this.#head > 1_024 && this.#head * 2 > this.#waiting.length) {
      this.#waiting = this.#waiting.slice(this.#head);
      this.#head = 0;
    }
  }
}
