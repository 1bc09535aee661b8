// Cluster status changes for GraphQL subscriptions, from the gateways' `P:cluster-events` channel.
import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { OrgEventFanout } from '../../platform/queue/org-event-fanout.js';
import { RedisClient } from '../../platform/queue/redis.js';
import { clusterKeys, type ClusterStatusEvent } from './cluster-keys.js';

function parseClusterEvent(message: string): ClusterStatusEvent | null {
  try {
    const e = JSON.parse(message) as ClusterStatusEvent;
    return typeof e.orgId === 'string' && typeof e.clusterId === 'string' ? e : null;
  } catch {
    return null;
  }
}

@Injectable()
export class ClusterEvents implements OnModuleInit, OnModuleDestroy {
  private readonly fanout: OrgEventFanout<ClusterStatusEvent>;

  constructor(@Inject(RedisClient) redis: RedisClient) {
    this.fanout = new OrgEventFanout(redis, clusterKeys(redis.prefix).clusterEvents(), parseClusterEvent);
  }

  onModuleInit(): Promise<void> {
    return this.fanout.start();
  }

  onModuleDestroy(): Promise<void> {
    return this.fanout.stop();
  }

  stream(orgId: string): AsyncIterableIterator<ClusterStatusEvent> {
    return this.fanout.stream(orgId);
  }
}
