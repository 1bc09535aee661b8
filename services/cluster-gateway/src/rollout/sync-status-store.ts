// Writes what an agent reported (decision 0009) into `cluster_sync_status` and
// `cluster_resource_status`, as one statement (so one round trip and one atomic commit per report):
// - fenced like every other gateway write: only while the reporting tunnel's epoch is ≥ the
//   cluster's `lease_epoch` (the row is share-locked, so a newer connection's takeover waits);
// - never moving `applied_generation` backwards: a late report of an older generation changes
//   nothing, per-resource rows included;
// - the resource rows are replaced: reported ones upserted, every other row of the cluster deleted
//   (the agent pruned it, or it is no longer desired).
// It also returns the cluster's desired generation, read in the same snapshot, so the caller can
// tell at once whether the agent is behind.
import type { Database } from '../store/database.js';
import { retryOnDeadlock } from '../store/database.js';
import type { ApplyReport } from './apply-report.js';

const WRITE = `
WITH fence AS (
  SELECT c.id, c.org_id FROM clusters c WHERE c.id = $1 AND c.lease_epoch <= $2 FOR SHARE
), sync AS (
  INSERT INTO cluster_sync_status AS s (cluster_id, org_id, applied_generation, status, error, reported_at)
  SELECT f.id, f.org_id, $3, $4, $5, now() FROM fence f
  ON CONFLICT (cluster_id) DO UPDATE
     SET applied_generation = EXCLUDED.applied_generation, status = EXCLUDED.status,
         error = EXCLUDED.error, reported_at = now()
   WHERE s.applied_generation <= EXCLUDED.applied_generation
  RETURNING s.cluster_id, s.org_id
), reported AS (
  SELECT r.kind, r.namespace, r.name, r.status, r.message, r.diff
    FROM jsonb_to_recordset($6::jsonb) AS r(kind text, namespace text, name text, status text,
                                            message text, diff jsonb)
), pruned AS (
  DELETE FROM cluster_resource_status x
   WHERE x.cluster_id = $1 AND EXISTS (SELECT 1 FROM sync)
     AND NOT EXISTS (SELECT 1 FROM reported r
                      WHERE r.kind = x.resource_kind AND r.namespace = x.namespace AND r.name = x.name)
), upserted AS (
  INSERT INTO cluster_resource_status AS x (cluster_id, org_id, resource_kind, namespace, name,
                                            generation, status, message, diff, reported_at)
  SELECT s.cluster_id, s.org_id, r.kind, r.namespace, r.name, $3, r.status, r.message, r.diff, now()
    FROM sync s CROSS JOIN reported r
  ON CONFLICT (cluster_id, resource_kind, namespace, name) DO UPDATE
     SET generation = EXCLUDED.generation, status = EXCLUDED.status, message = EXCLUDED.message,
         diff = EXCLUDED.diff, reported_at = now()
)
SELECT (SELECT count(*) FROM sync)::int AS written,
       (SELECT d.generation FROM cluster_desired_state d WHERE d.cluster_id = $1) AS desired`;

export interface WriteOutcome {
  /** False when the tunnel was superseded or the report is older than what is stored. */
  readonly written: boolean;
  /** The cluster's desired generation; null when it has no desired-state row. */
  readonly desiredGeneration: number | null;
}

export class SyncStatusStore {
  readonly #db: Database;

  constructor(db: Database) {
    this.#db = db;
  }

  async write(fence: { clusterId: string; epoch: number }, report: ApplyReport): Promise<WriteOutcome> {
    const { rows } = await retryOnDeadlock(() =>
      this.#db.query<{ written: number; desired: string | null }>(WRITE, [
        fence.clusterId,
        fence.epoch,
        report.generation,
        report.status,
        report.error,
        JSON.stringify(report.resources),
      ]),
    );
    const row = rows[0];
    return {
      written: (row?.written ?? 0) > 0,
      desiredGeneration: row?.desired == null ? null : Number(row.desired),
    };
  }
}
