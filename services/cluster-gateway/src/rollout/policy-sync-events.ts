// Publishes `P:policy-sync-events` (decision 0009) after an agent's report is stored, so the API's
// `policySyncChanged` subscribers re-read the cluster's status at once. Best effort: the rows are
// the truth, and a lost event costs freshness, never correctness.
import type { Redis } from 'ioredis';
import type { PolicySyncEvent, RedisKeys } from '../routing/keys.js';

export class PolicySyncEvents {
  readonly #redis: Redis;
  readonly #channel: string;

  constructor(redis: Redis, keys: RedisKeys) {
    this.#redis = redis;
    this.#channel = keys.policySyncEvents;
  }

  async publish(orgId: string, clusterId: string, generation: number): Promise<void> {
    const event: PolicySyncEvent = { orgId, clusterId, generation, source: 'gateway' };
    await this.#redis.publish(this.#channel, JSON.stringify(event));
  }
}
