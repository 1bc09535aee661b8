// A cluster's ingestion rate as of now, from the one the gateway stored at its last batch. The
// gateway updates an exponentially weighted average only when a batch lands, so a cluster that
// stops sending would show its last rate forever. Read later, the rate is what the gateway's own
// update would make of it if an empty batch landed now (the weight exp(-idle / τ), τ shared with the
// gateway in @palisade/flows), after a grace of two buckets: agents send once per closed 15 s
// bucket, so a live cluster is never shown slowing down between two of its batches.
import { FLOW_BUCKET_SECONDS, INGESTION_RATE_TIME_CONSTANT_SECONDS } from '@palisade/flows';

/** Idle time before the rate starts to decay: two buckets and the agent's close grace. */
export const INGESTION_RATE_GRACE_SECONDS = 2 * FLOW_BUCKET_SECONDS + 5;

/** Below this many records per second the decayed rate reads as 0 (about 5 τ after the grace). */
export const INGESTION_RATE_FLOOR = 0.01;

/**
 * `storedRate` as of `secondsSinceLastBatch` after the batch that set it (by the database's clock,
 * which also stamped the batch); 0 for a cluster that never sent one.
 */
export function currentIngestionRate(storedRate: number, secondsSinceLastBatch: number | null): number {
  if (secondsSinceLastBatch === null) return 0;
  const idle = Math.max(0, secondsSinceLastBatch - INGESTION_RATE_GRACE_SECONDS);
  const rate = storedRate * Math.exp(-idle / INGESTION_RATE_TIME_CONSTANT_SECONDS);
  return rate < INGESTION_RATE_FLOOR ? 0 : rate;
}
