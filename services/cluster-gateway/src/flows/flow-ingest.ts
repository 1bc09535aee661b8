// Flow ingestion as the whole gateway shares it (issue 13 item 4, decisions 0040 and 0041): the
// per-cluster rate limits, the batch check, the partitions, the transactional writer, the
// landed-flows event and the metrics. Each tunnel feeds it through its own FlowBatchStream, which
// keeps that tunnel's batches in order.
import type { Logger } from 'pino';
import type { GatewayMetrics } from '../server/metrics.js';
import { checkBatch, type CheckedBatch } from './flow-batch-check.js';
import type { FlowEvents } from './flow-events.js';
import type { FlowPartitions } from './flow-partitions.js';
import type { FlowRateLimits } from './flow-rate-limits.js';
import { flowRows, type FlowRows } from './flow-rows.js';
import type { FlowBatchOutcome, FlowBatchSource, FlowWriter } from './flow-writer.js';

export interface FlowBatchInput {
  readonly sequence: number;
  readonly droppedTotal: number;
  readonly records: readonly unknown[];
}

export interface FlowIngestParts {
  readonly limits: FlowRateLimits;
  readonly partitions: FlowPartitions;
  readonly writer: FlowWriter;
  readonly events: FlowEvents;
  readonly metrics: GatewayMetrics;
  readonly log: Logger;
}

/** A batch as checked on arrival: the verdict per record and the rows of the accepted ones. */
export interface PreparedBatch {
  readonly checked: CheckedBatch;
  readonly rows: FlowRows;
}

export class FlowIngest {
  readonly #parts: FlowIngestParts;

  constructor(parts: FlowIngestParts) {
    this.#parts = parts;
  }

  /** Spends the cluster's rate budget for a batch of `records`; false: the cluster floods. */
  admit(clusterId: string, records: number, now: number): boolean {
    if (this.#parts.limits.take(clusterId, records, now)) return true;
    this.#parts.metrics.flowBatches.inc({ outcome: 'rate_limited' });
    return false;
  }

  /**
   * Validates a batch and builds its rows, on arrival: the stream does this while the tunnel's
   * previous batch is still being written, so only the write itself is serial per tunnel.
   */
  check(batch: FlowBatchInput, now: number): PreparedBatch {
    const checked = checkBatch(batch.records, Math.floor(now / 1000));
    return { checked, rows: flowRows(checked.accepted) };
  }

  /** Resolves once the batch is committed (or found already stored); rejects when it is not. */
  async store(
    source: FlowBatchSource,
    batch: FlowBatchInput,
    { checked, rows }: PreparedBatch,
  ): Promise<FlowBatchOutcome> {
    const { partitions, writer, events, metrics, log } = this.#parts;
    let outcome: FlowBatchOutcome;
    try {
      await partitions.ensure(rows.days);
      outcome = await writer.write(source, {
        sequence: batch.sequence,
        droppedTotal: batch.droppedTotal,
        rows,
        received: batch.records.length,
        rejected: checked.rejected,
      });
    } catch (error) {
      partitions.forget();
      metrics.flowBatches.inc({ outcome: 'failed' });
      throw error;
    }
    if (outcome.kind === 'duplicate') {
      metrics.flowBatches.inc({ outcome: 'duplicate' });
      return outcome;
    }
    metrics.flowBatches.inc({ outcome: 'stored' });
    metrics.flowRecords.inc({ outcome: 'accepted' }, checked.accepted.length);
    for (const [reason, count] of checked.rejected) {
      metrics.flowRecords.inc({ outcome: 'rejected' }, count);
      metrics.flowRejections.inc({ reason }, count);
    }
    if (outcome.droppedIncrease > 0) metrics.flowAgentDropped.inc(outcome.droppedIncrease);
    if (checked.firstProblem !== null) {
      log.info(
        {
          clusterId: source.clusterId,
          sequence: batch.sequence,
          rejected: Object.fromEntries(checked.rejected),
        },
        `flow records rejected, first: ${checked.firstProblem}`,
      );
    }
    if (rows.count > 0) {
      events
        .publish({
          orgId: source.orgId,
          clusterId: source.clusterId,
          bucketStarts: rows.bucketStarts,
          records: rows.count,
        })
        .catch((error: unknown) =>
          log.warn({ err: error, clusterId: source.clusterId }, 'flow event failed'),
        );
    }
    return outcome;
  }
}
