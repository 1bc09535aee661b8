// Report definitions and runs: the rules. Definitions are created, changed and deleted with an
// immutable revision and an audit event in the same transaction (like policies); schedules are
// kept as next_run_at/last_tick_at so the worker's tick knows what is due (decision 0066). Runs are
// unique per definition and interval; asking again returns the existing run. Knows nothing of
// GraphQL.
import { Inject, Injectable } from '@nestjs/common';
import { Database, type Tx } from '../../platform/db/database.js';
import { actorOf, type Actor, type OrgScope } from '../../platform/access/principal.js';
import { AuditWriter } from '../../platform/audit/audit-writer.js';
import { checkReportSelector, describeScope } from '../../platform/access/access-scope.js';
import { isScoped } from '../../platform/access/roles.js';
import { AppError } from '../../platform/errors/app-error.js';
import { ApiJobQueue, type JobQueue } from '../../platform/queue/job-queue.js';
import { ComplianceErrors } from './compliance-reports.errors.js';
import {
  ComplianceReportsRepository,
  type DefinitionRow,
  type RunStatus,
  type RunSummary,
} from './compliance-reports.repository.js';
import {
  ReportSpecError,
  parseGlobalReports,
  parseScope,
  parseSpec,
  type NamedReportSpec,
  type ReportSpec,
  type ReportType,
} from './report-definition.js';
import { countInScope, type ScopeCount } from './report-computer.js';
import { nextTicks, previousTick } from './report-schedule.js';
import { ReportSourcesRepository } from './report-sources.repository.js';

export function specOf(d: DefinitionRow): ReportSpec {
  return {
    reportType: d.reportType as ReportType,
    scope: {
      endpointSelector: d.endpointSelector,
      namespaceNames: d.namespaceNames as string[],
      namespaceSelector: d.namespaceSelector,
      serviceAccountNames: d.serviceAccountNames as string[],
      serviceAccountSelector: d.serviceAccountSelector,
      clusterSelector: d.clusterSelector,
    },
    schedule: d.schedule,
    suspend: d.suspend,
  };
}

function sameSpec(a: ReportSpec, b: ReportSpec): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** When the schedule next ticks and where its next interval starts, as of `now`. */
function timing(spec: ReportSpec, now: Date): { nextRunAt: Date | null; lastTickAt: Date } {
  const lastTickAt = previousTick(spec.schedule, now) ?? now;
  if (spec.suspend) return { nextRunAt: null, lastTickAt };
  return { nextRunAt: nextTicks(spec.schedule, now, 1)[0] ?? null, lastTickAt };
}

/** Calico's GlobalReport status keeps 2 successful and 3 failed jobs and at most 5 active ones. */
export const HISTORY = { succeeded: 2, failed: 3, active: 5 } as const;

export interface DefinitionView {
  row: DefinitionRow;
  lastSuccessful: RunSummary[];
  lastFailed: RunSummary[];
  active: RunSummary[];
}

export interface ApplyItem {
  name: string;
  action: 'created' | 'configured' | 'unchanged';
  definition: DefinitionRow;
}

@Injectable()
export class ComplianceReportsService {
  constructor(
    @Inject(Database) private readonly db: Database,
    @Inject(ComplianceReportsRepository) private readonly repo: ComplianceReportsRepository,
    @Inject(AuditWriter) private readonly audit: AuditWriter,
    @Inject(ApiJobQueue) private readonly jobs: JobQueue,
  ) {}

  // ── reads ────────────────────────────────────────────────────────────────────────────────────

  list(scope: OrgScope, skip: number, take: number): Promise<{ rows: DefinitionView[]; total: number }> {
    return this.db.inOrg(scope, async (tx) => {
      const [rows, total] = await this.repo.list(tx, scope.orgId, skip, take);
      return { rows: await this.withHistory(tx, scope.orgId, rows), total };
    });
  }

  get(scope: OrgScope, name: string): Promise<DefinitionView> {
    return this.db.inOrg(scope, async (tx) => {
      const d = await this.repo.find(tx, scope.orgId, name);
      if (!d) throw ComplianceErrors.definitionNotFound(name);
      const [view] = await this.withHistory(tx, scope.orgId, [d]);
      return view!;
    });
  }

  revisions(scope: OrgScope, definitionId: string, skip: number, take: number) {
    return this.db.inOrg(scope, async (tx) => {
      const [rows, total] = await this.repo.revisions(tx, scope.orgId, definitionId, skip, take);
      return { rows, total };
    });
  }

  runs(
    scope: OrgScope,
    definitionId: string,
    statuses: readonly RunStatus[] | null,
    skip: number,
    take: number,
  ) {
    return this.db.inOrg(scope, async (tx) => {
      const [rows, total] = await this.repo.runs(tx, scope.orgId, definitionId, statuses, skip, take);
      return { rows, total };
    });
  }

  run(scope: OrgScope, id: string): Promise<RunSummary> {
    return this.db.inOrg(scope, async (tx) => {
      const r = await this.repo.run(tx, scope.orgId, id);
      if (!r) throw ComplianceErrors.runNotFound();
      return r;
    });
  }

  nextRunTimes(schedule: string, count: number, now = new Date()): Date[] {
    return nextTicks(schedule, now, count);
  }

  // ── writes ───────────────────────────────────────────────────────────────────────────────────

  async create(scope: OrgScope, name: string, input: unknown): Promise<DefinitionRow> {
    const spec = confined(scope, this.parse(input, ['input']));
    return this.db.inOrg(scope, async (tx) => {
      if (await this.repo.find(tx, scope.orgId, name))
        throw ComplianceErrors.definitionExists(name, ['input', 'name']);
      await this.refuseHidden(tx, scope, name);
      return this.insert(tx, scope.orgId, actorOf(scope.principal), name, spec);
    });
  }

  /** `patch` holds the fields to change; the rest keep their value. */
  async update(scope: OrgScope, name: string, patch: Record<string, unknown>): Promise<DefinitionRow> {
    return this.db.inOrg(scope, async (tx) => {
      const existing = await this.repo.find(tx, scope.orgId, name);
      if (!existing) throw ComplianceErrors.definitionNotFound(name);
      const spec = confined(scope, this.parse({ ...specOf(existing), ...patch }, ['input']));
      return (await this.change(tx, scope.orgId, actorOf(scope.principal), existing, spec)).row;
    });
  }

  async delete(scope: OrgScope, name: string): Promise<DefinitionRow> {
    return this.db.inOrg(scope, async (tx) => {
      const existing = await this.repo.find(tx, scope.orgId, name);
      if (!existing) throw ComplianceErrors.definitionNotFound(name);
      const actor = actorOf(scope.principal);
      await this.repo.addRevision(tx, scope.orgId, existing, existing.revision + 1, null, 'deleted', actor);
      await this.repo.delete(tx, scope.orgId, existing.id);
      await this.audit.append(tx, scope.orgId, actor, {
        action: 'report_definition.delete',
        targetType: 'report_definition',
        targetId: existing.id,
        before: { name, ...specOf(existing) },
      });
      return existing;
    });
  }

  /** kubectl apply for GlobalReport YAML: every document validated before anything is written. */
  apply(scope: OrgScope, yaml: string): Promise<ApplyItem[]> {
    return this.applyAs(scope.orgId, actorOf(scope.principal), yaml, scope);
  }

  /** The same for an operator (the demo seed): the actor is given, not a caller's. */
  async applyAs(orgId: string, actor: Actor, yaml: string, caller?: OrgScope): Promise<ApplyItem[]> {
    let docs: NamedReportSpec[];
    try {
      docs = parseGlobalReports(yaml);
    } catch (err) {
      if (err instanceof ReportSpecError)
        throw ComplianceErrors.invalidSpec(
          new ReportSpecError(
            err.issues.map((i) => ({
              ...i,
              path: ['input', 'yaml', ...i.path.slice(i.path[0] === 'yaml' ? 1 : 0)],
            })),
          ),
        );
      throw err;
    }
    return this.db.inOrg(caller ?? { orgId }, async (tx) => {
      const out: ApplyItem[] = [];
      for (const { name, ...given } of docs) {
        const spec = caller ? confined(caller, given) : given;
        const existing = await this.repo.find(tx, orgId, name);
        if (!existing && caller) await this.refuseHidden(tx, caller, name);
        if (!existing) {
          out.push({ name, action: 'created', definition: await this.insert(tx, orgId, actor, name, spec) });
          continue;
        }
        const { row, changed } = await this.change(tx, orgId, actor, existing, spec);
        out.push({ name, action: changed ? 'configured' : 'unchanged', definition: row });
      }
      return out;
    });
  }

  /**
   * An on-demand run of a definition over a past interval (validated by the caller): created once
   * per definition and interval, enqueued after commit. Asking again returns the same run.
   */
  async requestRun(scope: OrgScope, name: string, start: Date, end: Date): Promise<RunSummary> {
    const { run, created } = await this.db.inOrg(scope, async (tx) => {
      const d = await this.repo.find(tx, scope.orgId, name);
      if (!d) throw ComplianceErrors.definitionNotFound(name);
      const actor = actorOf(scope.principal);
      const r = await this.repo.upsertRun(tx, scope.orgId, {
        definitionId: d.id,
        definitionName: d.name,
        spec: specOf(d),
        trigger: 'on_demand',
        intervalStart: start,
        intervalEnd: end,
        requestedBy: actor.label,
      });
      if (r.created)
        await this.audit.append(tx, scope.orgId, actor, {
          action: 'report_run.request',
          targetType: 'report_run',
          targetId: r.run.id,
          after: { definition: d.name, start: start.toISOString(), end: end.toISOString() },
        });
      return r;
    });
    // A run whose job was lost (Redis flushed) is re-enqueued by asking again; the job id makes it
    // a no-op while the job still exists.
    if (created || run.status === 'queued')
      await this.jobs.add('compliance.run', { orgId: scope.orgId, runId: run.id }, run.id);
    return run;
  }

  // ── internals ────────────────────────────────────────────────────────────────────────────────

  /**
   * Attaches Calico's status history to each definition: the last 2 successful runs, the last 3
   * failed ones and the active ones, for a whole page in two statements.
   */
  private async withHistory(tx: Tx, orgId: string, rows: DefinitionRow[]): Promise<DefinitionView[]> {
    const ids = rows.map((r) => r.id);
    const picked = ids.length ? await this.repo.latestRuns(tx, orgId, ids, HISTORY) : [];
    const runs = picked.length
      ? await this.repo.runsByIds(
          tx,
          orgId,
          picked.map((p) => p.id),
        )
      : [];
    const byDefinition = new Map<string, RunSummary[]>();
    for (const r of runs) byDefinition.set(r.definitionId, [...(byDefinition.get(r.definitionId) ?? []), r]);
    const newest = (a: RunSummary, b: RunSummary) =>
      (b.finishedAt ?? b.createdAt).getTime() - (a.finishedAt ?? a.createdAt).getTime();
    return rows.map((row) => {
      const list = (byDefinition.get(row.id) ?? []).sort(newest);
      return {
        row,
        lastSuccessful: list.filter((r) => r.status === 'succeeded'),
        lastFailed: list.filter((r) => r.status === 'failed'),
        active: list.filter((r) => r.status === 'queued' || r.status === 'running'),
      };
    });
  }

  /**
   * What a scope (as a definition would take it) selects right now, from each in-scope cluster's
   * last inventory, by the rule a run applies; for the console's live count while editing.
   */
  async scopeCount(scope: OrgScope, input: unknown): Promise<ScopeCount> {
    let parsed;
    try {
      parsed = parseScope(input, ['scope']);
    } catch (err) {
      if (err instanceof ReportSpecError) throw ComplianceErrors.invalidSpec(err);
      throw err;
    }
    const sources = new ReportSourcesRepository();
    // The caller's scope: a cluster-limited binding counts only its own clusters (decision 0120).
    const clusters = await this.db.inOrg(scope, async (tx) => {
      const out = [];
      for (const c of await sources.clusters(tx, scope.orgId))
        out.push({
          name: c.name,
          labels: (c.labels ?? {}) as Record<string, string>,
          inventory: await sources.inventory(tx, scope.orgId, c.id),
        });
      return out;
    });
    return countInScope(parsed, clusters);
  }

  private parse(input: unknown, prefix: (string | number)[]): ReportSpec {
    try {
      return parseSpec(input, prefix);
    } catch (err) {
      if (err instanceof ReportSpecError) throw ComplianceErrors.invalidSpec(err);
      throw err;
    }
  }

  /** A name taken by a definition outside a limited caller's scope: refuse plainly. */
  private async refuseHidden(tx: Tx, scope: OrgScope, name: string): Promise<void> {
    if (!isScoped(scope.access)) return;
    if (await Database.unrestricted(tx, () => this.repo.find(tx, scope.orgId, name)))
      throw new AppError(
        'CONFLICT',
        `a report definition of that name exists outside your access (${describeScope(scope.access)})`,
      );
  }

  private async insert(tx: Tx, orgId: string, actor: Actor, name: string, spec: ReportSpec) {
    const { nextRunAt, lastTickAt } = timing(spec, new Date());
    const row = await this.repo.create(tx, orgId, name, spec, nextRunAt, lastTickAt);
    await this.repo.addRevision(tx, orgId, row, 1, spec, 'created', actor);
    await this.audit.append(tx, orgId, actor, {
      action: 'report_definition.create',
      targetType: 'report_definition',
      targetId: row.id,
      after: { name, ...spec },
    });
    return row;
  }

  private async change(
    tx: Tx,
    orgId: string,
    actor: Actor,
    existing: DefinitionRow,
    spec: ReportSpec,
  ): Promise<{ row: DefinitionRow; changed: boolean }> {
    const before = specOf(existing);
    if (sameSpec(before, spec)) return { row: existing, changed: false };
    // A new schedule, or a resume, starts from its latest tick: suspended time is not backfilled.
    const retimed = before.schedule !== spec.schedule || before.suspend !== spec.suspend;
    const t = retimed
      ? timing(spec, new Date())
      : { nextRunAt: existing.nextRunAt, lastTickAt: existing.lastTickAt };
    const revision = existing.revision + 1;
    const row = await this.repo.update(tx, orgId, existing.id, revision, spec, t.nextRunAt, t.lastTickAt);
    await this.repo.addRevision(tx, orgId, row, revision, spec, 'configured', actor);
    await this.audit.append(tx, orgId, actor, {
      action: 'report_definition.update',
      targetType: 'report_definition',
      targetId: row.id,
      before: { name: existing.name, ...before },
      after: { name: existing.name, ...spec },
    });
    return { row, changed: true };
  }
}

/** A limited caller's report covers only its clusters: its cluster selector must keep the scope's. */
function confined(scope: OrgScope, spec: ReportSpec): ReportSpec {
  const clusterSelector = checkReportSelector(scope.access, spec.scope.clusterSelector);
  return clusterSelector === spec.scope.clusterSelector
    ? spec
    : { ...spec, scope: { ...spec.scope, clusterSelector } };
}
