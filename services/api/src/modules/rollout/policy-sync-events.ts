// Policy sync changes for GraphQL subscriptions, from `P:policy-sync-events` (gateways publish after
// writing apply results, the API after a new generation). The channel and the event's shape are the
// rollout contract with the gateways (docs/decisions/0009) and come from @palisade/protocol/routing;
// this file only reads them, tolerantly, and must never redefine them.
import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { redisKeys, type PolicySyncEvent } from '@palisade/protocol/routing';
import { OrgEventFanout } from '../../platform/queue/org-event-fanout.js';
import { RedisClient } from '../../platform/queue/redis.js';

export function parsePolicySyncEvent(text: string): PolicySyncEvent | null {
  try {
    const v = JSON.parse(text) as Partial<PolicySyncEvent>;
    if (typeof v.orgId !== 'string' || typeof v.clusterId !== 'string') return null;
    return {
      orgId: v.orgId,
      clusterId: v.clusterId,
      generation: typeof v.generation === 'number' ? v.generation : null,
      source: v.source === 'api' ? 'api' : 'gateway',
    };
  } catch {
    return null;
  }
}

@Injectable()
export class PolicySyncEvents implements OnModuleInit, OnModuleDestroy {
  private readonly fanout: OrgEventFanout<PolicySyncEvent>;

  constructor(@Inject(RedisClient) redis: RedisClient) {
    this.fanout = new OrgEventFanout(redis, redisKeys(redis.prefix).policySyncEvents, parsePolicySyncEvent);
  }

  onModuleInit(): Promise<void> {
    return this.fanout.start();
  }

  onModuleDestroy(): Promise<void> {
    return this.fanout.stop();
  }

  stream(orgId: string): AsyncIterableIterator<PolicySyncEvent> {
    return this.fanout.stream(orgId);
  }
}
