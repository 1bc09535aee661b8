// Reads what the API decided each cluster should run (`cluster_desired_state`, decision 0009). The
// gateway never computes a desired set or a hash; it only reads rows by primary key. Reads are
// batched: a gateway restart (every agent reconnecting) or a policy that targets the whole fleet
// (a notice per cluster) becomes a few `= ANY($1)` queries instead of one per cluster.
import type { JsonObject } from '@palisade/protocol';
import { DESIRED_READ_BATCH } from '../limits.js';
import type { Database } from '../store/database.js';
import { MicroBatcher } from '../store/micro-batcher.js';

export interface DesiredState {
  readonly generation: number;
  readonly resources: JsonObject[];
  /** What `cluster_sync_status` says the agent applied; null without a row. */
  readonly storedApplied: number | null;
}

const READ = `
SELECT d.cluster_id, d.generation, d.resources, s.applied_generation
  FROM cluster_desired_state d LEFT JOIN cluster_sync_status s ON s.cluster_id = d.cluster_id
 WHERE d.cluster_id = ANY($1::uuid[])`;

const GENERATIONS = `
SELECT cluster_id, generation FROM cluster_desired_state WHERE cluster_id = ANY($1::uuid[])`;

export class DesiredStateStore {
  readonly #db: Database;
  readonly #reads: MicroBatcher<string, DesiredState | undefined>;

  constructor(db: Database) {
    this.#db = db;
    this.#reads = new MicroBatcher((ids) => this.#read(ids), DESIRED_READ_BATCH);
  }

  /** The cluster's desired state; undefined when it has no row (it desires nothing). */
  read(clusterId: string): Promise<DesiredState | undefined> {
    return this.#reads.submit(clusterId);
  }

  /** Desired generations of many clusters, for the sweep; clusters without a row are absent. */
  async generations(clusterIds: readonly string[]): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    for (let i = 0; i < clusterIds.length; i += DESIRED_READ_BATCH) {
      const { rows } = await this.#db.query<{ cluster_id: string; generation: string }>(GENERATIONS, [
        clusterIds.slice(i, i + DESIRED_READ_BATCH),
      ]);
      for (const row of rows) out.set(row.cluster_id, Number(row.generation));
    }
    return out;
  }

  async #read(ids: readonly string[]): Promise<(DesiredState | undefined)[]> {
    const unique = [...new Set(ids)];
    const { rows } = await this.#db.query<{
      cluster_id: string;
      generation: string;
      resources: unknown;
      applied_generation: string | null;
    }>(READ, [unique]);
    const byId = new Map(
      rows.map((r) => [
        r.cluster_id,
        {
          generation: Number(r.generation),
          resources: Array.isArray(r.resources) ? (r.resources as JsonObject[]) : [],
          storedApplied: r.applied_generation === null ? null : Number(r.applied_generation),
        },
      ]),
    );
    return ids.map((id) => byId.get(id));
  }
}
