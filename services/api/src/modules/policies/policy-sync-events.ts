// Policy sync changes for GraphQL subscriptions, from `P:policy-sync-events` (gateways publish after
// writing apply results, the API after a new generation).
import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { OrgEventFanout } from '../../platform/queue/org-event-fanout.js';
import { RedisClient } from '../../platform/queue/redis.js';
import { parsePolicySyncEvent, rolloutKeys, type PolicySyncEvent } from './rollout/rollout-keys.js';

@Injectable()
export class PolicySyncEvents implements OnModuleInit, OnModuleDestroy {
  private readonly fanout: OrgEventFanout<PolicySyncEvent>;

  constructor(@Inject(RedisClient) redis: RedisClient) {
    this.fanout = new OrgEventFanout(
      redis,
      rolloutKeys(redis.prefix).policySyncEvents(),
      parsePolicySyncEvent,
    );
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
