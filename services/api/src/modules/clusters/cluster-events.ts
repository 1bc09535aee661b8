// Cluster status changes for GraphQL subscriptions: one Redis subscription per API process to the
// gateways' event channel, fanned out in process to per-subscriber queues filtered by organisation.
// A slow subscriber's queue is bounded: the oldest events are dropped (status is level-triggered;
// the console re-reads the cluster list anyway).
import { EventEmitter } from 'node:events';
import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { RedisClient } from '../../platform/queue/redis.js';
import { clusterKeys, type ClusterStatusEvent } from './cluster-keys.js';

const MAX_QUEUED = 1000;

@Injectable()
export class ClusterEvents implements OnModuleInit, OnModuleDestroy {
  private subscriber: Redis | null = null;
  private readonly emitter = new EventEmitter();

  constructor(@Inject(RedisClient) private readonly redis: RedisClient) {
    this.emitter.setMaxListeners(0);
  }

  async onModuleInit(): Promise<void> {
    this.subscriber = this.redis.redis.duplicate();
    this.subscriber.on('message', (_c: string, message: string) => {
      try {
        const e = JSON.parse(message) as ClusterStatusEvent;
        if (typeof e.orgId === 'string' && typeof e.clusterId === 'string') this.emitter.emit(e.orgId, e);
      } catch {
        // not an event
      }
    });
    await this.subscriber.subscribe(clusterKeys(this.redis.prefix).clusterEvents());
  }

  async onModuleDestroy(): Promise<void> {
    this.emitter.removeAllListeners();
    await this.subscriber?.quit().catch(() => undefined);
  }

  /** Events for one organisation until the consumer calls return() (the subscription ends). */
  stream(orgId: string): AsyncIterableIterator<ClusterStatusEvent> {
    const queue: ClusterStatusEvent[] = [];
    let wake: (() => void) | null = null;
    let done = false;
    const listener = (e: ClusterStatusEvent) => {
      if (queue.length >= MAX_QUEUED) queue.shift();
      queue.push(e);
      wake?.();
    };
    this.emitter.on(orgId, listener);
    const iterator: AsyncIterableIterator<ClusterStatusEvent> = {
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
