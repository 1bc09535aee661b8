// "Flows landed" events for the flowsLive subscription, from the gateways' flow-events channel
// (@palisade/protocol/routing): one per committed batch, naming its cluster and buckets. A hint:
// subscribers re-read the rows through the FlowStore.
import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { redisKeys, type FlowsLandedEvent } from '@palisade/protocol/routing';
import { OrgEventFanout } from '../../platform/queue/org-event-fanout.js';
import { RedisClient } from '../../platform/queue/redis.js';

export type FlowsLanded = FlowsLandedEvent;

export function parseFlowsLanded(message: string): FlowsLanded | null {
  try {
    const e = JSON.parse(message) as Partial<FlowsLanded>;
    const ok =
      typeof e.orgId === 'string' &&
      typeof e.clusterId === 'string' &&
      Array.isArray(e.bucketStarts) &&
      e.bucketStarts.every((s) => Number.isSafeInteger(s));
    return ok ? (e as FlowsLanded) : null;
  } catch {
    return null;
  }
}

@Injectable()
export class FlowEvents implements OnModuleInit, OnModuleDestroy {
  private readonly fanout: OrgEventFanout<FlowsLanded>;

  constructor(@Inject(RedisClient) redis: RedisClient) {
    this.fanout = new OrgEventFanout(redis, redisKeys(redis.prefix).flowEvents, parseFlowsLanded);
  }

  onModuleInit(): Promise<void> {
    return this.fanout.start();
  }

  onModuleDestroy(): Promise<void> {
    return this.fanout.stop();
  }

  stream(orgId: string): AsyncIterableIterator<FlowsLanded> {
    return this.fanout.stream(orgId);
  }
}
