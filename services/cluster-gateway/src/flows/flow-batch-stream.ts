// One tunnel's flow batches, stored strictly in arrival order and acknowledged one by one, each
// only after its COMMIT. Order matters because `flow.ack` means "everything up to this sequence is
// stored": after a failed write no later batch of this connection may be acknowledged, so the
// stream stops and the tunnel is closed; the agent reconnects and resends what was not
// acknowledged, and the idempotency record turns what had been stored into a plain ack. A cluster
// beyond its rate limit is closed the same way, before its batch costs a validation or a write, and
// so is one whose batches pile up unwritten (Postgres far behind): memory per tunnel stays bounded.
// Batches that arrived while a write was running are written together by the next one, up to
// MAX_FLOW_BATCHES_PER_WRITE (decision 0160), then acknowledged in order.
import { CLOSE_REASONS, type CloseReason } from '@palisade/protocol';
import {
  INTERNAL_ERROR_RETRY_AFTER_MS,
  MAX_FLOW_BATCHES_PER_WRITE,
  MAX_QUEUED_FLOW_BATCHES,
  RATE_LIMITED_RETRY_AFTER_MS,
} from '../limits.js';
import type { FlowBatchInput, FlowIngest, ReceivedBatch } from './flow-ingest.js';
import type { FlowBatchSource } from './flow-writer.js';

export interface FlowBatchPeer {
  ack(sequence: number): void;
  /** Some records of a stored batch were rejected: tell the agent why (they are not resent). */
  reportRejected(message: string): void;
  close(reason: CloseReason, detail: string, retryAfterMs: number | null): void;
  logFailure(error: unknown, what: string): void;
}

export class FlowBatchStream {
  readonly #ingest: FlowIngest;
  readonly #source: FlowBatchSource;
  readonly #peer: FlowBatchPeer;
  #tail: Promise<void> = Promise.resolve();
  /** Received and not yet being written. */
  readonly #queue: ReceivedBatch[] = [];
  #writing = false;
  #stopped = false;

  constructor(ingest: FlowIngest, source: FlowBatchSource, peer: FlowBatchPeer) {
    this.#ingest = ingest;
    this.#source = source;
    this.#peer = peer;
  }

  /** Resolves when every batch received so far has been stored or given up (shutdown waits on it). */
  get settled(): Promise<void> {
    return this.#tail;
  }

  receive(batch: FlowBatchInput): void {
    if (this.#stopped) return;
    const now = Date.now();
    if (!this.#ingest.admit(this.#source.clusterId, batch.records.length, now)) {
      this.#stop(
        CLOSE_REASONS.FLOW_RATE_EXCEEDED,
        'the cluster exceeds its flow record rate; unacknowledged batches are resent after reconnecting',
        RATE_LIMITED_RETRY_AFTER_MS,
      );
      return;
    }
    if (this.#queue.length >= MAX_QUEUED_FLOW_BATCHES) {
      this.#stop(
        CLOSE_REASONS.RATE_LIMITED,
        'flow batches arrive faster than they are stored; unacknowledged batches are resent after reconnecting',
        RATE_LIMITED_RETRY_AFTER_MS,
      );
      return;
    }
    this.#queue.push({ batch, prepared: this.#ingest.check(batch, now) });
    if (!this.#writing) {
      this.#writing = true;
      this.#tail = this.#drain();
    }
  }

  /** Writes what is queued, a group at a time, until nothing is; stops at the first failure. */
  async #drain(): Promise<void> {
    while (this.#queue.length > 0 && !this.#stopped) {
      const group = this.#queue.splice(0, MAX_FLOW_BATCHES_PER_WRITE);
      try {
        const outcomes = await this.#ingest.store(this.#source, group);
        group.forEach(({ batch, prepared: { checked } }, i) => {
          if (outcomes[i]?.kind === 'stored' && checked.firstProblem !== null) {
            const rejected = [...checked.rejected.values()].reduce((a, b) => a + b, 0);
            this.#peer.reportRejected(
              `${String(rejected)} of ${String(batch.records.length)} flow records of batch ` +
                `${String(batch.sequence)} were rejected; first: ${checked.firstProblem}`,
            );
          }
          this.#peer.ack(batch.sequence);
        });
      } catch (error) {
        const sequences = group.map((g) => g.batch.sequence);
        this.#peer.logFailure(
          error,
          `storing flow batch${sequences.length > 1 ? 'es' : ''} ${sequences.join(', ')}`,
        );
        this.#stop(
          CLOSE_REASONS.INTERNAL_ERROR,
          'the gateway could not store a flow batch; unacknowledged batches are resent after reconnecting',
          INTERNAL_ERROR_RETRY_AFTER_MS,
        );
      }
    }
    this.#queue.length = 0;
    this.#writing = false;
  }

  #stop(reason: CloseReason, detail: string, retryAfterMs: number): void {
    this.#stopped = true;
    this.#peer.close(reason, detail, retryAfterMs);
  }
}
