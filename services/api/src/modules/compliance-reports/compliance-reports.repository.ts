// The only Prisma caller for report_definitions, their revisions and report_runs. Every method takes
// the organisation id first and puts it in every `where` (RLS backs this up).
import { Injectable } from '@nestjs/common';
import { Prisma } from '../../generated/prisma/client.js';
import type { Tx } from '../../platform/db/database.js';
import type { Actor } from '../../platform/access/principal.js';
import type { ReportSpec } from './report-definition.js';

export type DefinitionRow = Prisma.ReportDefinitionGetPayload<object>;
export type RevisionRow = Prisma.ReportDefinitionRevisionGetPayload<object>;
export type RunRow = Prisma.ReportRunGetPayload<object>;
/** A run without its (possibly large) result. */
export type RunSummary = Omit<RunRow, 'result'>;

export type RunStatus = 'queued' | 'running' | 'succeeded' | 'failed';

const RUN_SUMMARY = {
  id: true,
  orgId: true,
  definitionId: true,
  definitionName: true,
  reportType: true,
  spec: true,
  trigger: true,
  intervalStart: true,
  intervalEnd: true,
  status: true,
  progress: true,
  attempts: true,
  error: true,
  requestedBy: true,
  createdAt: true,
  startedAt: true,
  finishedAt: true,
} as const satisfies Prisma.ReportRunSelect;

function columns(spec: ReportSpec, nextRunAt: Date | null) {
  return {
    reportType: spec.reportType,
    endpointSelector: spec.scope.endpointSelector,
    namespaceNames: spec.scope.namespaceNames,
    namespaceSelector: spec.scope.namespaceSelector,
    serviceAccountNames: spec.scope.serviceAccountNames,
    serviceAccountSelector: spec.scope.serviceAccountSelector,
    clusterSelector: spec.scope.clusterSelector,
    schedule: spec.schedule,
    suspend: spec.suspend,
    nextRunAt,
  };
}

@Injectable()
export class ComplianceReportsRepository {
  // ── definitions ──────────────────────────────────────────────────────────────────────────────

  list(tx: Tx, orgId: string, skip: number, take: number) {
    return Promise.all([
      tx.reportDefinition.findMany({ where: { orgId }, orderBy: { name: 'asc' }, skip, take }),
      tx.reportDefinition.count({ where: { orgId } }),
    ]);
  }

  find(tx: Tx, orgId: string, name: string) {
    return tx.reportDefinition.findFirst({ where: { orgId, name } });
  }

  findById(tx: Tx, orgId: string, id: string) {
    return tx.reportDefinition.findFirst({ where: { orgId, id } });
  }

  /** Locks the definition row for the rest of the transaction (ticks and edits serialise on it). */
  async lock(tx: Tx, orgId: string, id: string): Promise<DefinitionRow | null> {
    const rows = await tx.$queryRaw<{ id: string }[]>`
      SELECT id FROM report_definitions WHERE org_id = ${orgId}::uuid AND id = ${id}::uuid FOR UPDATE`;
    return rows.length ? this.findById(tx, orgId, id) : null;
  }

  create(tx: Tx, orgId: string, name: string, spec: ReportSpec, nextRunAt: Date | null, lastTickAt: Date) {
    return tx.reportDefinition.create({
      data: { orgId, name, revision: 1, lastTickAt, ...columns(spec, nextRunAt) },
    });
  }

  async update(
    tx: Tx,
    orgId: string,
    id: string,
    revision: number,
    spec: ReportSpec,
    nextRunAt: Date | null,
    lastTickAt: Date | null,
  ) {
    await tx.reportDefinition.updateMany({
      where: { orgId, id },
      data: { revision, updatedAt: new Date(), lastTickAt, ...columns(spec, nextRunAt) },
    });
    return (await this.findById(tx, orgId, id))!;
  }

  async advance(tx: Tx, orgId: string, id: string, lastTickAt: Date, nextRunAt: Date | null): Promise<void> {
    await tx.reportDefinition.updateMany({ where: { orgId, id }, data: { lastTickAt, nextRunAt } });
  }

  async delete(tx: Tx, orgId: string, id: string): Promise<void> {
    await tx.reportDefinition.deleteMany({ where: { orgId, id } });
  }

  addRevision(
    tx: Tx,
    orgId: string,
    d: { id: string; name: string },
    revision: number,
    spec: ReportSpec | null,
    change: 'created' | 'configured' | 'deleted',
    actor: Actor,
  ) {
    return tx.reportDefinitionRevision.create({
      data: {
        orgId,
        definitionId: d.id,
        name: d.name,
        revision,
        spec: spec === null ? Prisma.DbNull : (spec as unknown as Prisma.InputJsonValue),
        change,
        actorType: actor.type,
        actorId: actor.id,
        actorLabel: actor.label,
      },
    });
  }

  revisions(tx: Tx, orgId: string, definitionId: string, skip: number, take: number) {
    return Promise.all([
      tx.reportDefinitionRevision.findMany({
        where: { orgId, definitionId },
        orderBy: { revision: 'desc' },
        skip,
        take,
      }),
      tx.reportDefinitionRevision.count({ where: { orgId, definitionId } }),
    ]);
  }

  // ── runs ─────────────────────────────────────────────────────────────────────────────────────

  /**
   * Inserts the run for (definition, interval) unless it exists; returns the run either way and
   * whether this call created it. Idempotent per definition and interval.
   */
  async upsertRun(
    tx: Tx,
    orgId: string,
    run: {
      definitionId: string;
      definitionName: string;
      spec: ReportSpec;
      trigger: 'scheduled' | 'on_demand';
      intervalStart: Date;
      intervalEnd: Date;
      requestedBy: string;
    },
  ): Promise<{ run: RunSummary; created: boolean }> {
    const inserted = await tx.$queryRaw<{ id: string }[]>`
      INSERT INTO report_runs (org_id, definition_id, definition_name, report_type, spec, trigger,
                               interval_start, interval_end, requested_by)
      VALUES (${orgId}::uuid, ${run.definitionId}::uuid, ${run.definitionName}, ${run.spec.reportType},
              ${JSON.stringify(run.spec)}::jsonb, ${run.trigger}, ${run.intervalStart}, ${run.intervalEnd},
              ${run.requestedBy})
      ON CONFLICT (definition_id, interval_start, interval_end) DO NOTHING
      RETURNING id`;
    const row = await tx.reportRun.findFirst({
      where: {
        orgId,
        definitionId: run.definitionId,
        intervalStart: run.intervalStart,
        intervalEnd: run.intervalEnd,
      },
      select: RUN_SUMMARY,
    });
    if (!row) throw new Error('report run vanished after upsert');
    return { run: row, created: inserted.length > 0 };
  }

  run(tx: Tx, orgId: string, id: string) {
    return tx.reportRun.findFirst({ where: { orgId, id }, select: RUN_SUMMARY });
  }

  runWithResult(tx: Tx, orgId: string, id: string) {
    return tx.reportRun.findFirst({ where: { orgId, id } });
  }

  runs(
    tx: Tx,
    orgId: string,
    definitionId: string,
    statuses: readonly RunStatus[] | null,
    skip: number,
    take: number,
  ) {
    const where: Prisma.ReportRunWhereInput = {
      orgId,
      definitionId,
      ...(statuses ? { status: { in: [...statuses] } } : {}),
    };
    return Promise.all([
      tx.reportRun.findMany({
        where,
        orderBy: [{ intervalEnd: 'desc' }, { createdAt: 'desc' }],
        skip,
        take,
        select: RUN_SUMMARY,
      }),
      tx.reportRun.count({ where }),
    ]);
  }

  /**
   * Per definition, the newest `keep.succeeded` succeeded, `keep.failed` failed and `keep.active`
   * queued or running runs, in one statement.
   */
  latestRuns(
    tx: Tx,
    orgId: string,
    definitionIds: readonly string[],
    keep: { succeeded: number; failed: number; active: number },
  ) {
    return tx.$queryRaw<{ id: string }[]>`
      SELECT id FROM (
        SELECT id, bucket, row_number() OVER (PARTITION BY definition_id, bucket
                 ORDER BY coalesce(finished_at, created_at) DESC, id) AS n
          FROM (SELECT id, definition_id, finished_at, created_at,
                       CASE WHEN status IN ('queued', 'running') THEN 'active' ELSE status END AS bucket
                  FROM report_runs
                 WHERE org_id = ${orgId}::uuid AND definition_id = ANY(${[...definitionIds]}::uuid[])) b) r
       WHERE n <= CASE bucket WHEN 'succeeded' THEN ${keep.succeeded}::int
                              WHEN 'failed' THEN ${keep.failed}::int ELSE ${keep.active}::int END`;
  }

  runsByIds(tx: Tx, orgId: string, ids: readonly string[]) {
    return tx.reportRun.findMany({ where: { orgId, id: { in: [...ids] } }, select: RUN_SUMMARY });
  }

  /**
   * Claims a run for execution: takes the organisation's run lock, and moves the run to running
   * when fewer than `limit` other runs of the organisation are running. Returns 'claimed',
   * 'busy' (the limit is reached: try later), or 'done' (nothing to do: finished or gone).
   */
  async claim(tx: Tx, orgId: string, id: string, limit: number): Promise<'claimed' | 'busy' | 'done'> {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended('report_runs:' || ${orgId}, 0))`;
    const run = await tx.reportRun.findFirst({ where: { orgId, id }, select: { status: true } });
    if (!run || run.status === 'succeeded' || run.status === 'failed') return 'done';
    const running = await tx.reportRun.count({ where: { orgId, status: 'running', id: { not: id } } });
    if (running >= limit) return 'busy';
    await tx.reportRun.updateMany({
      where: { orgId, id },
      data: { status: 'running', progress: 0, startedAt: new Date(), attempts: { increment: 1 } },
    });
    return 'claimed';
  }

  async progress(tx: Tx, orgId: string, id: string, progress: number): Promise<void> {
    await tx.reportRun.updateMany({ where: { orgId, id, status: 'running' }, data: { progress } });
  }

  async succeed(tx: Tx, orgId: string, id: string, result: unknown): Promise<void> {
    await tx.reportRun.updateMany({
      where: { orgId, id },
      data: {
        status: 'succeeded',
        progress: 100,
        error: null,
        finishedAt: new Date(),
        result: result as Prisma.InputJsonValue,
      },
    });
  }

  /** A failed attempt: back to queued (keeping the reason) for the next retry, or failed for good. */
  async attemptFailed(tx: Tx, orgId: string, id: string, reason: string, final: boolean): Promise<void> {
    await tx.reportRun.updateMany({
      where: { orgId, id, status: { in: ['queued', 'running'] } },
      data: final
        ? { status: 'failed', error: reason, finishedAt: new Date() }
        : { status: 'queued', error: reason, progress: 0 },
    });
  }
}
