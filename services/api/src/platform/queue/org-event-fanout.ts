// One Redis pub/sub channel of organisation-scoped events, fanned out in process to GraphQL
// subscriptions: a single subscriber connection per API process, and a bounded queue per
// subscription filtered by organisation. A slow subscriber's queue drops its oldest events: every
// stream built on this carries level-triggered status, which a consumer re-reads anyway.
import { EventEmitter } from 'node:events';
import type { Redis } from 'ioredis';
import { MAX_QUEUED_EVENTS_PER_SUBSCRIPTION } from '../../config/limits.js';
import type { RedisClient } from './redis.js';

export class OrgEventFanout<E extends { orgId: string }> {
  private subscriber: Redis | null = null;
  private readonly emitter = new EventEmitter();

  constructor(
    private readonly redis: RedisClient,
    private readonly channel: string,
    private readonly parse: (message: string) => E | null,
  ) {
    this.emitter.setMaxListeners(0);
  }

  async start(): Promise<void> {
    this.subscriber = this.redis.redis.duplicate();
    this.subscriber.on('message', (_c: string, message: string) => {
      const e = this.parse(message);
      if (e) this.emitter.emit(e.orgId, e);
    });
    await this.subscriber.subscribe(this.channel);
  }

  async stop(): Promise<void> {
    this.emitter.removeAllListeners();
    await this.subscriber?.quit().catch(() => undefined);
  }

  /** Events for one organisation until the consumer calls return() (the subscription ends). */
  stream(orgId: string): AsyncIterableIterator<E> {
    const queue: E[] = [];
    let wake: (() => void) | null = null;
    let done = false;
    const listener = (e: E) => {
      if (queue.length >= MAX_QUEUED_EVENTS_PER_SUBSCRIPTION) queue.shift();
      queue.push(e);
      wake?.();
    };
    this.emitter.on(orgId, listener);
    const iterator: AsyncIterableIterator<E> = {
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
