// Every queue and job Palisade runs, with its payload type. Payloads carry ids only; processors
// re-read the database and are idempotent.
export const QUEUES = {
  maintenance: 'maintenance',
  flows: 'flows',
  recommendations: 'recommendations',
} as const;

export interface JobPayloads {
  'maintenance.purge-expired-sessions': Record<string, never>;
  /** Every organisation's at once: partitions are shared (decision 0042), so no orgId. */
  'flows.maintain-partitions': Record<string, never>;
  /** Every organisation whose recommendation scope is due (a definer function lists them), so no orgId. */
  'recommendations.refresh-due': Record<string, never>;
}

export type JobName = keyof JobPayloads;

/** Repeatable jobs the worker schedules at start (idempotent: same scheduler id every time). */
export const SCHEDULES: { queue: string; job: JobName; everyMs: number }[] = [
  { queue: QUEUES.maintenance, job: 'maintenance.purge-expired-sessions', everyMs: 15 * 60_000 },
  // Hourly: days are created three ahead, so a missed run or two changes nothing.
  { queue: QUEUES.flows, job: 'flows.maintain-partitions', everyMs: 60 * 60_000 },
  // The shortest interval a scope may set; each organisation is refreshed at its own interval.
  { queue: QUEUES.recommendations, job: 'recommendations.refresh-due', everyMs: 30_000 },
];
