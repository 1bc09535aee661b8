// Connection status in `clusters`, the history half of decision 0006 (the lease is the "now" half).
// Every write is fenced: it applies only while the writing connection's epoch is ≥ the row's
// `lease_epoch`, so a superseded or half-dead tunnel can never overwrite a newer one's status.
// Writes are batched (MicroBatcher): a gateway restart brings every agent back at once, and one
// commit per agent would make Postgres the bottleneck of reconnecting.
import type { ClusterFacts } from '@palisade/protocol';
import { retryOnDeadlock, type Database } from '../store/database.js';
import { MicroBatcher } from '../store/micro-batcher.js';
import { STATUS_WRITE_BATCH } from '../limits.js';

const CONNECTED = `
UPDATE clusters c
   SET lease_epoch = s.epoch, connected = true, gateway_id = $1,
       first_connected_at = coalesce(c.first_connected_at, now()), last_seen_at = now(),
       agent_version = s.agent_version, kubernetes_version = s.kubernetes_version,
       calico_version = s.calico_version, provider = s.provider
  FROM unnest($2::uuid[], $3::bigint[], $4::text[], $5::text[], $6::text[], $7::text[])
       AS s(id, epoch, agent_version, kubernetes_version, calico_version, provider)
 WHERE c.id = s.id AND c.lease_epoch <= s.epoch
RETURNING c.id, c.last_seen_at`;

const SEEN = `
UPDATE clusters c SET last_seen_at = now()
  FROM unnest($1::uuid[], $2::bigint[]) AS s(id, epoch)
 WHERE c.id = s.id AND c.lease_epoch <= s.epoch`;

const DISCONNECTED = `
UPDATE clusters c SET connected = false, last_seen_at = s.last_seen_at
  FROM unnest($1::uuid[], $2::bigint[], $3::timestamptz[]) AS s(id, epoch, last_seen_at)
 WHERE c.id = s.id AND c.lease_epoch <= s.epoch`;

export interface FencedTunnel {
  readonly clusterId: string;
  readonly epoch: number;
}

interface Connected extends FencedTunnel {
  readonly agentVersion: string;
  readonly facts: ClusterFacts;
}

interface Disconnected extends FencedTunnel {
  readonly lastSeenAt: Date;
}

export class StatusWriter {
  readonly #db: Database;
  readonly #connected: MicroBatcher<Connected, Date | undefined>;
  readonly #disconnected: MicroBatcher<Disconnected, void>;

  constructor(db: Database, gatewayId: string) {
    this.#db = db;
    this.#connected = new MicroBatcher((items) => this.#writeConnected(gatewayId, items), STATUS_WRITE_BATCH);
    this.#disconnected = new MicroBatcher((items) => this.#writeDisconnected(items), STATUS_WRITE_BATCH);
  }

  /** The time recorded as last seen, or undefined when a newer connection already owns the row. */
  connected(tunnel: FencedTunnel, agentVersion: string, facts: ClusterFacts): Promise<Date | undefined> {
    return this.#connected.submit({ clusterId: tunnel.clusterId, epoch: tunnel.epoch, agentVersion, facts });
  }

  /** One statement for every tunnel whose last-seen is due. */
  async seen(tunnels: readonly FencedTunnel[]): Promise<void> {
    if (tunnels.length === 0) return;
    const rows = [...tunnels].sort(byClusterId);
    await retryOnDeadlock(() =>
      this.#db.query(SEEN, [rows.map((t) => t.clusterId), rows.map((t) => t.epoch)]),
    );
  }

  disconnected(tunnel: FencedTunnel, lastSeenAt: Date): Promise<void> {
    return this.#disconnected.submit({ clusterId: tunnel.clusterId, epoch: tunnel.epoch, lastSeenAt });
  }

  async #writeConnected(gatewayId: string, items: readonly Connected[]): Promise<(Date | undefined)[]> {
    // A row can be updated once per statement: of two connections of one cluster, the newer writes.
    const newest = new Map<string, Connected>();
    for (const item of items) {
      const seen = newest.get(item.clusterId);
      if (seen === undefined || seen.epoch < item.epoch) newest.set(item.clusterId, item);
    }
    const rows = [...newest.values()].sort(byClusterId);
    const { rows: written } = await retryOnDeadlock(() =>
      this.#db.query<{ id: string; last_seen_at: Date }>(CONNECTED, [
        gatewayId,
        rows.map((r) => r.clusterId),
        rows.map((r) => r.epoch),
        rows.map((r) => r.agentVersion),
        rows.map((r) => r.facts.kubernetesVersion),
        rows.map((r) => r.facts.calicoVersion),
        rows.map((r) => r.facts.provider),
      ]),
    );
    const at = new Map(written.map((w) => [w.id, w.last_seen_at]));
    return items.map((item) => (newest.get(item.clusterId) === item ? at.get(item.clusterId) : undefined));
  }

  async #writeDisconnected(items: readonly Disconnected[]): Promise<void[]> {
    const newest = new Map<string, Disconnected>();
    for (const item of items) {
      const seen = newest.get(item.clusterId);
      if (seen === undefined || seen.epoch < item.epoch) newest.set(item.clusterId, item);
    }
    const rows = [...newest.values()].sort(byClusterId);
    await retryOnDeadlock(() =>
      this.#db.query(DISCONNECTED, [
        rows.map((r) => r.clusterId),
        rows.map((r) => r.epoch),
        rows.map((r) => r.lastSeenAt),
      ]),
    );
    return items.map(() => undefined);
  }
}

function byClusterId(a: FencedTunnel, b: FencedTunnel): number {
  return a.clusterId < b.clusterId ? -1 : a.clusterId > b.clusterId ? 1 : 0;
}
