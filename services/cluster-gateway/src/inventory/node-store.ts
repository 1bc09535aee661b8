// Writes a cluster's nodes (decision 0091): an `inventory.nodes` report replaces every row of the
// cluster in `cluster_nodes` in one transaction, fenced like the inventory (the cluster row is locked
// and the writer's epoch checked against `lease_epoch`), so a superseded tunnel cannot overwrite what
// the newer one reported. Reports of one session are written in arrival order (a chain).
import type { NodeInfo } from '@palisade/protocol';
import { inTransaction, type Database } from '../store/database.js';
import type { InventoryWriter } from './inventory-store.js';

const LOCK_FENCED = `SELECT org_id FROM clusters WHERE id = $1 AND lease_epoch <= $2 FOR UPDATE`;
const DELETE_ALL = `DELETE FROM cluster_nodes WHERE cluster_id = $1`;
const INSERT = `
INSERT INTO cluster_nodes (org_id, cluster_id, name, dataplane, wireguard_enabled, wireguard_public_key, mtu, calico_version)
SELECT $1, $2, n.name, n.dataplane, n."wireguardEnabled", n."wireguardPublicKey", n.mtu, n."calicoVersion"
  FROM jsonb_to_recordset($3::jsonb)
    AS n(name text, dataplane text, "wireguardEnabled" boolean, "wireguardPublicKey" boolean, mtu integer, "calicoVersion" text)
ON CONFLICT (cluster_id, name) DO NOTHING`;

export class NodeStore {
  readonly #db: Database;

  constructor(db: Database) {
    this.#db = db;
  }

  /** False when the writer has been superseded and nothing was written. */
  replace(writer: InventoryWriter, nodes: readonly NodeInfo[]): Promise<boolean> {
    return inTransaction(this.#db, async (client) => {
      const { rows } = await client.query<{ org_id: string }>(LOCK_FENCED, [writer.clusterId, writer.epoch]);
      const orgId = rows[0]?.org_id;
      if (orgId === undefined) return false;
      await client.query(DELETE_ALL, [writer.clusterId]);
      if (nodes.length > 0) await client.query(INSERT, [orgId, writer.clusterId, JSON.stringify(nodes)]);
      return true;
    });
  }
}
