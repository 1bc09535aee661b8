// Connection status in `clusters`, the history half of decision 0006 (the lease is the "now" half).
// Every write is fenced: it applies only while the writing connection's epoch is ≥ the row's
// `lease_epoch`, so a superseded or half-dead tunnel can never overwrite a newer one's status.
import type { ClusterFacts } from '@palisade/protocol';
import type { Database } from '../store/database.js';

const CONNECTED = `
UPDATE clusters
   SET lease_epoch = $2, connected = true, gateway_id = $3,
       first_connected_at = coalesce(first_connected_at, now()), last_seen_at = now(),
       agent_version = $4, kubernetes_version = $5, calico_version = $6, provider = $7
 WHERE id = $1 AND lease_epoch <= $2
RETURNING last_seen_at`;

const SEEN = `
UPDATE clusters c SET last_seen_at = now()
  FROM unnest($1::uuid[], $2::bigint[]) AS s(id, epoch)
 WHERE c.id = s.id AND c.lease_epoch <= s.epoch`;

const DISCONNECTED = `
UPDATE clusters SET connected = false, last_seen_at = $3
 WHERE id = $1 AND lease_epoch <= $2`;

export interface FencedTunnel {
  readonly clusterId: string;
  readonly epoch: number;
}

export class StatusWriter {
  readonly #db: Database;
  readonly #gatewayId: string;

  constructor(db: Database, gatewayId: string) {
    this.#db = db;
    this.#gatewayId = gatewayId;
  }

  /** The time recorded as last seen, or undefined when a newer connection already owns the row. */
  async connected(
    tunnel: FencedTunnel,
    agentVersion: string,
    facts: ClusterFacts,
  ): Promise<Date | undefined> {
    const { rows } = await this.#db.query<{ last_seen_at: Date }>(CONNECTED, [
      tunnel.clusterId,
      tunnel.epoch,
      this.#gatewayId,
      agentVersion,
      facts.kubernetesVersion,
      facts.calicoVersion,
      facts.provider,
    ]);
    return rows[0]?.last_seen_at;
  }

  /** One statement for every tunnel whose last-seen is due. */
  async seen(tunnels: readonly FencedTunnel[]): Promise<void> {
    if (tunnels.length === 0) return;
    await this.#db.query(SEEN, [tunnels.map((t) => t.clusterId), tunnels.map((t) => t.epoch)]);
  }

  async disconnected(tunnel: FencedTunnel, lastSeenAt: Date): Promise<void> {
    await this.#db.query(DISCONNECTED, [tunnel.clusterId, tunnel.epoch, lastSeenAt]);
  }
}
