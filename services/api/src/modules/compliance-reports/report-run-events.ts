// Report run status changes for GraphQL subscriptions: the worker publishes `{orgId, runId}` on
// `P:report-run-events` whenever a run is created by a tick, claimed, makes progress, succeeds or
// fails; the API fans it out per organisation and each event re-reads the run (level-triggered,
// so a dropped event costs nothing but a missed intermediate state).
import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { OrgEventFanout } from '../../platform/queue/org-event-fanout.js';
import { RedisClient } from '../../platform/queue/redis.js';

export interface ReportRunEvent {
  orgId: string;
  runId: string;
}

export function reportRunEventsChannel(redisPrefix: string): string {
  return `${redisPrefix}:report-run-events`;
}

export function parseReportRunEvent(text: string): ReportRunEvent | null {
  try {
    const v = JSON.parse(text) as Partial<ReportRunEvent>;
    return typeof v.orgId === 'string' && typeof v.runId === 'string'
      ? { orgId: v.orgId, runId: v.runId }
      : null;
  } catch {
    return null;
  }
}

/** Publishes one event; best effort (a subscriber re-reads the run, a poller never needed this). */
export async function publishReportRunEvent(
  redis: Redis,
  redisPrefix: string,
  e: ReportRunEvent,
): Promise<void> {
  await redis.publish(reportRunEventsChannel(redisPrefix), JSON.stringify(e)).catch(() => undefined);
}

@Injectable()
export class ReportRunEvents implements OnModuleInit, OnModuleDestroy {
  private readonly fanout: OrgEventFanout<ReportRunEvent>;

  constructor(@Inject(RedisClient) redis: RedisClient) {
    this.fanout = new OrgEventFanout(redis, reportRunEventsChannel(redis.prefix), parseReportRunEvent);
  }

  onModuleInit(): Promise<void> {
    return this.fanout.start();
  }

  onModuleDestroy(): Promise<void> {
    return this.fanout.stop();
  }

  stream(orgId: string): AsyncIterableIterator<ReportRunEvent> {
    return this.fanout.stream(orgId);
  }
}
