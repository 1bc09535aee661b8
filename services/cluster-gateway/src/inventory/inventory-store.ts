// Writes a cluster's inventory. A snapshot replaces every row of the cluster in one transaction; a
// delta deletes then upserts in one transaction; both bump `clusters.inventory_revision`. Each
// transaction first locks the cluster row and checks the writer's epoch against `lease_epoch`, so
// a superseded tunnel cannot overwrite what the newer one reported, and two writers of the same
// cluster are serialised.
import type pg from 'pg';
import { inTransaction, type Database } from '../store/database.js';
import type { InventoryRow, RowKey } from './inventory-rows.js';

const LOCK_FENCED = `SELECT org_id FROM clusters WHERE id = $1 AND lease_epoch <= $2 FOR UPDATE`;

const UPSERT = `
INSERT INTO cluster_inventory (org_id, cluster_id, kind, namespace, name, labels, data)
SELECT $1, $2, r.kind, r.namespace, r.name, r.labels, r.data
  FROM jsonb_to_recordset($3::jsonb) AS r(kind text, namespace text, name text, labels jsonb, data jsonb)
ON CONFLICT (cluster_id, kind, namespace, name) DO UPDATE SET labels = EXCLUDED.labels, data = EXCLUDED.data`;

const DELETE_ALL = `DELETE FROM cluster_inventory WHERE cluster_id = $1`;

const DELETE_NAMESPACES = `
DELETE FROM cluster_inventory
 WHERE cluster_id = $1 AND ((kind = 'namespace' AND name = ANY($2::text[])) OR namespace = ANY($2::text[]))`;

const DELETE_KEYS = `
DELETE FROM cluster_inventory i
 USING jsonb_to_recordset($2::jsonb) AS k(kind text, namespace text, name text)
 WHERE i.cluster_id = $1 AND i.kind = k.kind AND i.namespace = k.namespace AND i.name = k.name`;

const BUMP = `
UPDATE clusters SET inventory_revision = inventory_revision + 1, inventory_updated_at = now() WHERE id = $1`;

export interface InventoryWriter {
  readonly clusterId: string;
  readonly epoch: number;
}

export class InventoryStore {
  readonly #db: Database;
  readonly #batch: number;

  constructor(db: Database, batchRows: number) {
    this.#db = db;
    this.#batch = batchRows;
  }

  /** False when the writer has been superseded and nothing was written. */
  replace(writer: InventoryWriter, rows: readonly InventoryRow[]): Promise<boolean> {
    return this.#fenced(writer, async (client, orgId) => {
      await client.query(DELETE_ALL, [writer.clusterId]);
      await this.#upsert(client, orgId, writer.clusterId, rows);
    });
  }

  applyDelta(
    writer: InventoryWriter,
    upserts: readonly InventoryRow[],
    deletes: { namespaces: readonly string[]; keys: readonly RowKey[] },
  ): Promise<boolean> {
    return this.#fenced(writer, async (client, orgId) => {
      if (deletes.namespaces.length > 0) {
        await client.query(DELETE_NAMESPACES, [writer.clusterId, deletes.namespaces]);
      }
      if (deletes.keys.length > 0) {
        await client.query(DELETE_KEYS, [writer.clusterId, JSON.stringify(deletes.keys)]);
      }
      await this.#upsert(client, orgId, writer.clusterId, upserts);
    });
  }

  #fenced(
    writer: InventoryWriter,
    work: (client: pg.PoolClient, orgId: string) => Promise<void>,
  ): Promise<boolean> {
    return inTransaction(this.#db, async (client) => {
      const { rows } = await client.query<{ org_id: string }>(LOCK_FENCED, [writer.clusterId, writer.epoch]);
      const orgId = rows[0]?.org_id;
      if (orgId === undefined) return false;
      await work(client, orgId);
      await client.query(BUMP, [writer.clusterId]);
      return true;
    });
  }

  async #upsert(
    client: pg.PoolClient,
    orgId: string,
    clusterId: string,
    rows: readonly InventoryRow[],
  ): Promise<void> {
    for (let start = 0; start < rows.length; start += this.#batch) {
      const slice = rows.slice(start, start + this.#batch);
      await client.query(UPSERT, [orgId, clusterId, JSON.stringify(slice)]);
    }
  }
}
