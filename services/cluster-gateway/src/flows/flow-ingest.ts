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
import { concatFlowRows, flowRows, type FlowRows } from './flow-rows.js';
import type { FlowBatchOutcome, FlowBatchSource, FlowWriter } from './flow-writer.js';

/** A batch as received, with what `check` made of it. */
export interface ReceivedBatch {
  readonly batch: FlowBatchInput;
  readonly prepared: PreparedBatch;
}

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

  /**
   * Stores consecutive batches of one tunnel in one transaction (decision 0160); resolves once they
   * are committed (or found already stored) with each one's outcome, in order; rejects, having
   * stored none of them, when they are not.
   */
  async store(source: FlowBatchSource, group: readonly ReceivedBatch[]): Promise<FlowBatchOutcome[]> {
    const { partitions, writer, events, metrics, log } = this.#parts;
    let outcomes: readonly FlowBatchOutcome[];
    let rows: FlowRows;
    try {
      // The rows built on arrival, one batch's after the other's; when two batches hold the same
      // flow and bucket, the rows of all their records, merged, since the statement may write
      // each flow and bucket once.
      const groupRows =
        concatFlowRows(group.map((g) => g.prepared.rows)) ??
        flowRows(group.flatMap((g) => g.prepared.checked.accepted));
      await partitions.ensure(groupRows.days);
      ({ outcomes, rows } = await writer.writeGroup(source, {
        rows: groupRows,
        batches: group.map(({ batch, prepared }) => ({
          sequence: batch.sequence,
          droppedTotal: batch.droppedTotal,
          accepted: prepared.checked.accepted,
          received: batch.records.length,
          rejected: prepared.checked.rejected,
        })),
      }));
    } catch (error) {
      partitions.forget();
      metrics.flowBatches.inc({ outcome: 'failed' }, group.length);
      throw error;
    }
    group.forEach(({ batch, prepared: { checked } }, i) => {
      const outcome = outcomes[i]!;
      if (outcome.kind === 'duplicate') {
        metrics.flowBatches.inc({ outcome: 'duplicate' });
        return;
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
    });
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
    return [...outcomes];
  }
}
