// The repeatable `compliance.tick` job (decision 0066): for every definition whose schedule is
// due, closes the intervals since its last tick (each starts at the previous tick), creates one
// run per interval and enqueues it. The definitions table is the schedule's source of truth, not
// BullMQ: a definition edited, suspended or deleted needs no scheduler kept in step, and a tick
// missed while no worker ran is caught up (its newest MAX_CATCH_UP_INTERVALS intervals).
// Idempotent: the definition row is locked, runs are unique per interval, job ids are run ids.
import type { Database } from '../../../platform/db/database.js';
import { sql } from '../../../platform/db/sql.js';
import { ComplianceReportsRepository } from '../compliance-reports.repository.js';
import { specOf } from '../compliance-reports.service.js';
import { nextTicks, previousTick } from '../report-schedule.js';

export const MAX_CATCH_UP_INTERVALS = 3;
/** Definitions handled per tick; the rest are due still and handled by the next tick. */
const DUE_BATCH = 500;
/** Ticks looked at past the last one (a five-minute schedule missed for a day is 288). */
const MAX_TICKS_SCANNED = 10_000;

export interface TickResult {
  definitions: number;
  runs: string[];
}

export type EnqueueRun = (orgId: string, runId: string) => Promise<void>;

export class ReportTickProcessor {
  private readonly repo = new ComplianceReportsRepository();

  constructor(
    private readonly db: Database,
    private readonly enqueue: EnqueueRun,
  ) {}

  async run(now = new Date()): Promise<TickResult> {
    const due = await this.db.queryGlobal(
      sql<{ org_id: string; definition_id: string }>`
        SELECT org_id, definition_id FROM report_definitions_due(${now.toISOString()}::timestamptz, ${DUE_BATCH}::int)`,
    );
    const runs: string[] = [];
    for (const { org_id: orgId, definition_id: id } of due) {
      const queued = await this.db.inOrg({ orgId }, (tx) => this.tick(tx, orgId, id, now));
      for (const runId of queued) {
        await this.enqueue(orgId, runId);
        runs.push(runId);
      }
    }
    return { definitions: due.length, runs };
  }

  private async tick(
    tx: Parameters<Parameters<Database['inOrg']>[1]>[0],
    orgId: string,
    id: string,
    now: Date,
  ): Promise<string[]> {
    const d = await this.repo.lock(tx, orgId, id);
    if (!d || d.suspend || !d.nextRunAt || d.nextRunAt > now) return [];
    const from = d.lastTickAt ?? previousTick(d.schedule, d.createdAt) ?? d.createdAt;
    const ticks = [from, ...nextTicks(d.schedule, from, MAX_TICKS_SCANNED).filter((t) => t <= now)];
    const intervals: [Date, Date][] = [];
    for (let i = 1; i < ticks.length; i++) intervals.push([ticks[i - 1]!, ticks[i]!]);
    const spec = specOf(d);
    const queued: string[] = [];
    for (const [start, end] of intervals.slice(-MAX_CATCH_UP_INTERVALS)) {
      const { run } = await this.repo.upsertRun(tx, orgId, {
        definitionId: d.id,
        definitionName: d.name,
        spec,
        trigger: 'scheduled',
        intervalStart: start,
        intervalEnd: end,
        requestedBy: 'schedule',
      });
      if (run.status === 'queued') queued.push(run.id);
    }
    const last = ticks[ticks.length - 1] ?? from;
    await this.repo.advance(tx, orgId, d.id, last, nextTicks(d.schedule, now, 1)[0] ?? null);
    return queued;
  }
}
