// Every queue and job Palisade runs, with its payload type. Payloads carry ids only; processors
// re-read the database and are idempotent.
import type { JobsOptions } from 'bullmq';

export const QUEUES = {
  maintenance: 'maintenance',
  flows: 'flows',
  recommendations: 'recommendations',
  compliance: 'compliance',
} as const;

export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

export interface JobPayloads {
  'maintenance.purge-expired-sessions': Record<string, never>;
  /** Every organisation's at once: partitions are shared (decision 0042), so no orgId. */
  'flows.maintain-partitions': Record<string, never>;
  /** Every organisation's pending minutes and hours at once (decision 0207), so no orgId. */
  'flows.roll-up-edges': Record<string, never>;
  /** Every organisation whose recommendation scope is due (a definer function lists them), so no orgId. */
  'recommendations.refresh-due': Record<string, never>;
  /** Closes the intervals of every due report schedule and enqueues their runs (decision 0066). */
  'compliance.tick': Record<string, never>;
  /** Computes one report run; the job id is the run id, so enqueueing twice runs it once. */
  'compliance.run': { orgId: string; runId: string };
}

export type JobName = keyof JobPayloads;

/** The queue each job goes to. */
export const JOB_QUEUE: Record<JobName, QueueName> = {
  'maintenance.purge-expired-sessions': QUEUES.maintenance,
  'flows.maintain-partitions': QUEUES.flows,
  'flows.roll-up-edges': QUEUES.flows,
  'recommendations.refresh-due': QUEUES.recommendations,
  'compliance.tick': QUEUES.compliance,
  'compliance.run': QUEUES.compliance,
};

/** Options every enqueue of a job gets (retries with backoff, what Redis keeps afterwards). */
export const JOB_OPTIONS: Partial<Record<JobName, JobsOptions>> = {
  'compliance.run': {
    attempts: 5,
    backoff: { type: 'exponential', delay: 15_000 },
    removeOnComplete: { age: 24 * 3600, count: 1000 },
    removeOnFail: { age: 7 * 24 * 3600 },
  },
};

/** Repeatable jobs the worker schedules at start (idempotent: same scheduler id every time). */
export const SCHEDULES: { queue: string; job: JobName; everyMs: number }[] = [
  { queue: QUEUES.maintenance, job: 'maintenance.purge-expired-sessions', everyMs: 15 * 60_000 },
  // Hourly: days are created three ahead, so a missed run or two changes nothing.
  { queue: QUEUES.flows, job: 'flows.maintain-partitions', everyMs: 60 * 60_000 },
  // The edge rollups (decision 0207). Readers take the minutes not rolled up yet from the flows
  // themselves, so the cadence bounds how many they read, not how fresh the answer is.
  { queue: QUEUES.flows, job: 'flows.roll-up-edges', everyMs: 30_000 },
  // The shortest interval a scope may set; each organisation is refreshed at its own interval.
  { queue: QUEUES.recommendations, job: 'recommendations.refresh-due', everyMs: 30_000 },
  // Every minute: report schedules are cron, at most 12 ticks an hour, so a tick is at most a
  // minute late; a missed tick is caught up by the next (the database says what is due).
  { queue: QUEUES.compliance, job: 'compliance.tick', everyMs: 60_000 },
];
