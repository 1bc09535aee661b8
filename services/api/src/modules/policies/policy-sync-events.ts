// Policy sync changes for GraphQL subscriptions: one Redis subscription per API process to
// `P:policy-sync-events` (gateways publish after writing apply results, the API after a new
// generation), fanned out in process to per-subscriber queues filtered by organisation. A slow
// subscriber's queue is bounded and drops the oldest events: status is level-triggered, and each
// delivered event re-reads the cluster's current status anyway.
import { EventEmitter } from 'node:events';
import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { RedisClient } from '../../platform/queue/redis.js';
import { parsePolicySyncEvent, rolloutKeys, type PolicySyncEvent } from './rollout/rollout-keys.js';

const MAX_QUEUED = 1000;

@Injectable()
export class PolicySyncEvents implements OnModuleInit, OnModuleDestroy {
  private subscriber: Redis | null = null;
  private readonly emitter = new EventEmitter();

  constructor(@Inject(RedisClient) private readonly redis: RedisClient) {
    this.emitter.setMaxListeners(0);
  }

  async onModuleInit(): Promise<void> {
    this.subscriber = this.redis.redis.duplicate();
    this.subscriber.on('message', (_c: string, message: string) => {
      const e = parsePolicySyncEvent(message);
      if (e) this.emitter.emit(e.orgId, e);
    });
    await this.subscriber.subscribe(rolloutKeys(this.redis.prefix).policySyncEvents());
  }

  async onModuleDestroy(): Promise<void> {
    this.emitter.removeAllListeners();
    await this.subscriber?.quit().catch(() => undefined);
  }

  /** Events for one organisation until the consumer calls return() (the subscription ends). */
  stream(orgId: string): AsyncIterableIterator<PolicySyncEvent> {
    const queue: PolicySyncEvent[] = [];
    let wake: (() => void) | null = null;
    let done = false;
    const listener = (e: PolicySyncEvent) => {
      if (queue.length >= MAX_QUEUED) queue.shift();
      queue.push(e);
      wake?.();
    };
    this.emitter.on(orgId, listener);
    const iterator: AsyncIterableIterator<PolicySyncEvent> = {
      next: async () => {
        while (!done && queue.length === 0) await new Promise<void>((r) => (wake = r));
        wake = null;
        const value = queue.shift();
        return done || value === undefined ? { done: true, value: undefined } : { done: false, value };
      },
      return: () => {
        done = true;
        this.emitter.off(orgId, listener);
        wake?.();
        return Promise.resolve({ done: true, value: undefined });
      },
      [Symbol.asyncIterator]: () => iterator,
    };
    return iterator;
  }
}
