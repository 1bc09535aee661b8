// Publishes `P:cluster-events` (decision 0006) so the API's status subscription hears every
// connect and disconnect at once. Best effort by design: the database row and the lease remain
// the source of truth, so a lost event costs freshness, never correctness.
import type { Redis } from 'ioredis';
import type { ClusterConnectionStatus, ClusterEvent, RedisKeys } from '../routing/keys.js';

export class ClusterEvents {
  readonly #redis: Redis;
  readonly #channel: string;
  readonly #gatewayId: string;

  constructor(redis: Redis, keys: RedisKeys, gatewayId: string) {
    this.#redis = redis;
    this.#channel = keys.clusterEvents;
    this.#gatewayId = gatewayId;
  }

  async publish(
    orgId: string,
    clusterId: string,
    status: ClusterConnectionStatus,
    lastSeenAt: Date,
  ): Promise<void> {
    const event: ClusterEvent = {
      orgId,
      clusterId,
      status,
      lastSeenAt: lastSeenAt.getTime(),
      gatewayId: this.#gatewayId,
    };
    await this.#redis.publish(this.#channel, JSON.stringify(event));
  }
}
