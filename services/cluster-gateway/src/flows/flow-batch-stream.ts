// One tunnel's flow batches, stored strictly in arrival order and acknowledged one by one, each
// only after its COMMIT. Order matters because `flow.ack` means "everything up to this sequence is
// stored": after a failed write no later batch of this connection may be acknowledged, so the
// stream stops and the tunnel is closed; the agent reconnects and resends what was not
// acknowledged, and the idempotency record turns what had been stored into a plain ack. A cluster
// beyond its rate limit is closed the same way, before its batch costs a validation or a write, and
// so is one whose batches pile up unwritten (Postgres far behind): memory per tunnel stays bounded.
import { CLOSE_REASONS, type CloseReason } from '@palisade/protocol';
import {
  INTERNAL_ERROR_RETRY_AFTER_MS,
  MAX_QUEUED_FLOW_BATCHES,
  RATE_LIMITED_RETRY_AFTER_MS,
} from '../limits.js';
import type { FlowBatchInput, FlowIngest } from './flow-ingest.js';
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
  #queued = 0;
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
    if (this.#queued >= MAX_QUEUED_FLOW_BATCHES) {
      this.#stop(
        CLOSE_REASONS.RATE_LIMITED,
        'flow batches arrive faster than they are stored; unacknowledged batches are resent after reconnecting',
        RATE_LIMITED_RETRY_AFTER_MS,
      );
      return;
    }
    const prepared = this.#ingest.check(batch, now);
    const { checked } = prepared;
    this.#queued += 1;
    this.#tail = this.#tail.then(async () => {
      this.#queued -= 1;
      if (this.#stopped) return;
      try {
        const outcome = await this.#ingest.store(this.#source, batch, prepared);
        if (outcome.kind === 'stored' && checked.firstProblem !== null) {
          const rejected = [...checked.rejected.values()].reduce((a, b) => a + b, 0);
          this.#peer.reportRejected(
            `${String(rejected)} of ${String(batch.records.length)} flow records of batch ` +
              `${String(batch.sequence)} were rejected; first: ${checked.firstProblem}`,
          );
        }
        this.#peer.ack(batch.sequence);
      } catch (error) {
        this.#peer.logFailure(error, `storing flow batch ${String(batch.sequence)}`);
        this.#stop(
          CLOSE_REASONS.INTERNAL_ERROR,
          'the gateway could not store a flow batch; unacknowledged batches are resent after reconnecting',
          INTERNAL_ERROR_RETRY_AFTER_MS,
        );
      }
    });
  }

  #stop(reason: CloseReason, detail: string, retryAfterMs: number): void {
    this.#stopped = true;
    this.#peer.close(reason, detail, retryAfterMs);
  }
}
