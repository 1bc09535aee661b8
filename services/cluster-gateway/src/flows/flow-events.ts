// Publishes `P:flow-events` after a batch is committed, so the API's `flowsLive` subscribers read
// the new buckets at once. Best effort, like the other events: the rows are the truth, and a lost
// event costs freshness, never data. Never published for a resend that changed nothing.
import type { Redis } from 'ioredis';
import type { FlowsLandedEvent, RedisKeys } from '../routing/keys.js';

export class FlowEvents {
  readonly #redis: Redis;
  readonly #channel: string;

  constructor(redis: Redis, keys: RedisKeys) {
    this.#redis = redis;
    this.#channel = keys.flowEvents;
  }

  async publish(event: FlowsLandedEvent): Promise<void> {
    await this.#redis.publish(this.#channel, JSON.stringify(event));
  }
}
