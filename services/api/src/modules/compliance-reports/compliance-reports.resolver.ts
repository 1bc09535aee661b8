// GraphQL for compliance reports: Organization.reportDefinitions / .reportDefinition / .reportRun,
// ReportDefinition.nextRunTimes / .runs / .revisions and Calico's status history, and the
// mutations. Translation only: inputs are validated here, every rule lives in the service.
// Access: owners and admins manage definitions; auditors (and owners, admins) run reports; every
// role sees that reports exist and how their runs went.
import { Inject } from '@nestjs/common';
import { Args, Int, Mutation, Parent, ResolveField, Resolver, Subscription } from '@nestjs/graphql';
import { stringify } from 'yaml';
import { z } from 'zod';
import { RequirePermission, Scope } from '../../platform/access/decorators.js';
import type { OrgScope } from '../../platform/access/principal.js';
import { PageArgs, type ConnectionShape } from '../../platform/graphql/connection.js';
import { offsetPage } from '../../platform/graphql/offset-page.js';
import { validateInput } from '../../platform/graphql/validate.js';
import { ActorType } from '../audit/models/audit-event.model.js';
import { OrganizationModel } from '../orgs/models/organization.model.js';
import type { RevisionRow, RunStatus, RunSummary } from './compliance-reports.repository.js';
import { ComplianceReportsService, specOf, type DefinitionView } from './compliance-reports.service.js';
import {
  ApplyGlobalReportsInput,
  CreateReportDefinitionInput,
  DeleteReportDefinitionInput,
  RunReportInput,
  UpdateReportDefinitionInput,
  nameSchema,
  runSchema,
} from './dto/report.input.js';
import {
  ApplyGlobalReportsItemModel,
  ReportDefinitionChangeEnum,
  ReportDefinitionConnection,
  ReportDefinitionModel,
  ReportDefinitionRevisionConnection,
  ReportDefinitionRevisionModel,
  ReportRunConnection,
  ReportRunModel,
  ReportRunStatusEnum,
  ReportRunTriggerEnum,
  ReportScopeCountModel,
  ReportScopeInput,
  ReportTypeEnum,
} from './models/report.model.js';
import { reportName, toGlobalReport, type ReportSpec } from './report-definition.js';
import { ReportRunEvents, type ReportRunEvent } from './report-run-events.js';
import { isScoped } from '../../platform/access/roles.js';
import { AppError } from '../../platform/errors/app-error.js';

const MAX_NEXT_RUN_TIMES = 20;

export function toRunModel(r: RunSummary): ReportRunModel {
  const spec = r.spec as unknown as ReportSpec;
  return {
    id: r.id,
    orgId: r.orgId,
    definitionName: r.definitionName,
    type: r.reportType as ReportTypeEnum,
    scope: spec.scope,
    trigger: r.trigger as ReportRunTriggerEnum,
    intervalStart: r.intervalStart,
    intervalEnd: r.intervalEnd,
    status: r.status as ReportRunStatusEnum,
    progress: r.progress,
    attempts: r.attempts,
    error: r.error,
    requestedBy: r.requestedBy,
    createdAt: r.createdAt,
    startedAt: r.startedAt,
    finishedAt: r.finishedAt,
  };
}

function toDefinitionModel(v: DefinitionView): ReportDefinitionModel {
  const d = v.row;
  const spec = specOf(d);
  const globalReport = toGlobalReport({ name: d.name, ...spec });
  return {
    id: d.id,
    orgId: d.orgId,
    name: d.name,
    type: d.reportType as ReportTypeEnum,
    scope: spec.scope,
    schedule: d.schedule,
    suspend: d.suspend,
    revision: d.revision,
    globalReport,
    yaml: stringify(globalReport),
    createdAt: d.createdAt,
    updatedAt: d.updatedAt,
    nextRunAt: d.nextRunAt,
    lastSuccessfulRuns: v.lastSuccessful.map(toRunModel),
    lastFailedRuns: v.lastFailed.map(toRunModel),
    activeRuns: v.active.map(toRunModel),
  };
}

function toRevisionModel(r: RevisionRow): ReportDefinitionRevisionModel {
  const spec = r.spec as unknown as ReportSpec | null;
  return {
    revision: r.revision,
    change: r.change as ReportDefinitionChangeEnum,
    globalReport: spec ? toGlobalReport({ name: r.name, ...spec }) : null,
    actor: { type: r.actorType as ActorType, id: r.actorId, label: r.actorLabel },
    createdAt: r.createdAt,
  };
}

function scopeInput(s: ReportScopeInput | null | undefined): Record<string, unknown> | undefined {
  if (!s) return undefined;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(s)) if (v !== null && v !== undefined) out[k] = v;
  return out;
}

const runStatuses = z.array(z.enum(ReportRunStatusEnum)).max(4).nullish();

@Resolver(() => OrganizationModel)
export class OrgComplianceReportsResolver {
  constructor(@Inject(ComplianceReportsService) private readonly reports: ComplianceReportsService) {}

  @ResolveField('reportDefinitions', () => ReportDefinitionConnection, {
    description: 'Compliance report definitions by name, with their recent runs. Roles: any.',
  })
  @RequirePermission('compliance:read')
  reportDefinitions(
    @Args() page: PageArgs,
    @Scope() scope: OrgScope,
  ): Promise<ConnectionShape<ReportDefinitionModel>> {
    return offsetPage(page, (skip, take) => this.reports.list(scope, skip, take), toDefinitionModel);
  }

  @ResolveField('reportDefinition', () => ReportDefinitionModel, {
    description: 'One report definition by name; NOT_FOUND when there is none. Roles: any.',
  })
  @RequirePermission('compliance:read')
  async reportDefinition(
    @Args('name', { type: () => String, description: 'Its name.' }) name: string,
    @Scope() scope: OrgScope,
  ): Promise<ReportDefinitionModel> {
    return toDefinitionModel(await this.reports.get(scope, validateInput(nameSchema, name, 'name')));
  }

  @ResolveField('reportScopeCount', () => ReportScopeCountModel, {
    description:
      "What a report scope would select right now: endpoints, namespaces and service accounts of each in-scope cluster's last inventory, by the rule a run applies; VALIDATION_FAILED (with the field) for a bad selector. Roles: any.",
  })
  @RequirePermission('compliance:read')
  reportScopeCount(
    @Args('scope', { type: () => ReportScopeInput, nullable: true, description: 'The scope (default all).' })
    input: ReportScopeInput | null | undefined,
    @Scope() scope: OrgScope,
  ): Promise<ReportScopeCountModel> {
    return this.reports.scopeCount(scope, scopeInput(input) ?? {});
  }

  @ResolveField('reportRun', () => ReportRunModel, {
    description:
      'One report run by id (also of a deleted definition); NOT_FOUND when there is none. Roles: any.',
  })
  @RequirePermission('compliance:read')
  async reportRun(
    @Args('id', { type: () => String, description: 'Its id.' }) id: string,
    @Scope() scope: OrgScope,
  ): Promise<ReportRunModel> {
    return toRunModel(await this.reports.run(scope, validateInput(z.uuid('must be a run id'), id, 'id')));
  }
}

@Resolver(() => ReportDefinitionModel)
export class ComplianceReportsResolver {
  constructor(
    @Inject(ComplianceReportsService) private readonly reports: ComplianceReportsService,
    @Inject(ReportRunEvents) private readonly events: ReportRunEvents,
  ) {}

  @Subscription(() => ReportRunModel, {
    description:
      "Report runs of the organisation as they change (created, running with progress, succeeded, failed); each event carries the run's current state, no initial snapshot. Roles: any.",
    resolve: (r: ReportRunModel) => r,
  })
  @RequirePermission('compliance:read')
  reportRunChanged(
    @Args('orgSlug', { type: () => String, description: 'Slug of the organisation.' }) _orgSlug: string,
    @Scope() scope: OrgScope,
  ): AsyncIterableIterator<unknown> {
    const source = this.events.stream(scope.orgId);
    const reports = this.reports;
    const resolved: AsyncIterableIterator<unknown> = {
      async next() {
        for (;;) {
          const r: IteratorResult<ReportRunEvent> = await source.next();
          if (r.done) return r;
          // A run outside a limited caller's scope reads as missing: skip it, do not end the stream.
          const run = await reports.run(scope, r.value.runId).catch((err: unknown) => {
            if (isScoped(scope.access) && err instanceof AppError && err.code === 'NOT_FOUND') return null;
            throw err;
          });
          if (run) return { done: false, value: toRunModel(run) };
        }
      },
      return: () => source.return?.() ?? Promise.resolve({ done: true, value: undefined }),
      [Symbol.asyncIterator]: () => resolved,
    };
    return resolved;
  }

  @ResolveField('nextRunTimes', () => [Date], {
    description: `When its schedule next ticks (UTC), soonest first; empty while suspended. Roles: any.`,
  })
  @RequirePermission('compliance:read')
  nextRunTimes(
    @Parent() d: ReportDefinitionModel,
    @Args('count', {
      type: () => Int,
      nullable: true,
      description: `How many, 1 to ${MAX_NEXT_RUN_TIMES} (default 5).`,
    })
    count: number | null,
  ): Date[] {
    const n = validateInput(z.number().int().min(1).max(MAX_NEXT_RUN_TIMES).nullish(), count, 'count') ?? 5;
    if (d.suspend) return [];
    return this.reports.nextRunTimes(d.schedule, n);
  }

  @ResolveField('runs', () => ReportRunConnection, {
    description: 'Its runs, newest interval first; optionally only some statuses. Roles: any.',
  })
  @RequirePermission('compliance:read')
  runs(
    @Parent() d: ReportDefinitionModel,
    @Args() page: PageArgs,
    @Args('status', {
      type: () => [ReportRunStatusEnum],
      nullable: true,
      description: 'Only runs with one of these statuses.',
    })
    status: ReportRunStatusEnum[] | null,
    @Scope() scope: OrgScope,
  ): Promise<ConnectionShape<ReportRunModel>> {
    const statuses = validateInput(runStatuses, status, 'status') as RunStatus[] | null | undefined;
    return offsetPage(
      page,
      (skip, take) => this.reports.runs(scope, d.id, statuses ?? null, skip, take),
      toRunModel,
    );
  }

  @ResolveField('revisions', () => ReportDefinitionRevisionConnection, {
    description: 'Its revisions, newest first. Roles: any.',
  })
  @RequirePermission('compliance:read')
  revisions(
    @Parent() d: ReportDefinitionModel,
    @Args() page: PageArgs,
    @Scope() scope: OrgScope,
  ): Promise<ConnectionShape<ReportDefinitionRevisionModel>> {
    return offsetPage(page, (skip, take) => this.reports.revisions(scope, d.id, skip, take), toRevisionModel);
  }

  @Mutation(() => ReportDefinitionModel, {
    description:
      'Create a report definition; CONFLICT when the name is taken, VALIDATION_FAILED (with the field) for a bad schedule, selector or name. Roles: owner, admin.',
  })
  @RequirePermission('compliance:manage')
  async createReportDefinition(
    @Args('input', { type: () => CreateReportDefinitionInput, description: 'The definition.' })
    input: CreateReportDefinitionInput,
    @Scope() scope: OrgScope,
  ): Promise<ReportDefinitionModel> {
    const { name } = validateInput(z.object({ name: reportName }), { name: input.name }, 'input');
    const d = await this.reports.create(scope, name, {
      reportType: input.type,
      schedule: input.schedule,
      ...(input.suspend !== null && input.suspend !== undefined ? { suspend: input.suspend } : {}),
      ...(input.scope ? { scope: scopeInput(input.scope) } : {}),
    });
    return toDefinitionModel({ row: d, lastSuccessful: [], lastFailed: [], active: [] });
  }

  @Mutation(() => ReportDefinitionModel, {
    description:
      'Change a report definition (a new revision and audit event when anything changed); a new schedule or a resume starts from its latest tick. Roles: owner, admin.',
  })
  @RequirePermission('compliance:manage')
  async updateReportDefinition(
    @Args('input', { type: () => UpdateReportDefinitionInput, description: 'The changes.' })
    input: UpdateReportDefinitionInput,
    @Scope() scope: OrgScope,
  ): Promise<ReportDefinitionModel> {
    const name = validateInput(nameSchema, input.name, 'input');
    await this.reports.update(scope, name, {
      ...(input.type ? { reportType: input.type } : {}),
      ...(input.schedule !== null && input.schedule !== undefined ? { schedule: input.schedule } : {}),
      ...(input.suspend !== null && input.suspend !== undefined ? { suspend: input.suspend } : {}),
      ...(input.scope ? { scope: scopeInput(input.scope) } : {}),
    });
    return toDefinitionModel(await this.reports.get(scope, name));
  }

  @Mutation(() => ReportDefinitionModel, {
    description: 'Delete a report definition; its runs and files are kept. Roles: owner, admin.',
  })
  @RequirePermission('compliance:manage')
  async deleteReportDefinition(
    @Args('input', { type: () => DeleteReportDefinitionInput, description: 'Which definition.' })
    input: DeleteReportDefinitionInput,
    @Scope() scope: OrgScope,
  ): Promise<ReportDefinitionModel> {
    const d = await this.reports.delete(scope, validateInput(nameSchema, input.name, 'input'));
    return toDefinitionModel({ row: d, lastSuccessful: [], lastFailed: [], active: [] });
  }

  @Mutation(() => [ApplyGlobalReportsItemModel], {
    description:
      'Apply GlobalReport YAML as kubectl apply does: creates or updates each document; one bad document (errors name it and its field) changes nothing. Roles: owner, admin.',
  })
  @RequirePermission('compliance:manage')
  async applyGlobalReports(
    @Args('input', { type: () => ApplyGlobalReportsInput, description: 'The YAML.' })
    input: ApplyGlobalReportsInput,
    @Scope() scope: OrgScope,
  ): Promise<ApplyGlobalReportsItemModel[]> {
    const items = await this.reports.apply(scope, input.yaml);
    return items.map((i) => ({
      name: i.name,
      action: i.action,
      definition: toDefinitionModel({ row: i.definition, lastSuccessful: [], lastFailed: [], active: [] }),
    }));
  }

  @Mutation(() => ReportRunModel, {
    description:
      'Run a definition now for a past interval [start, end) of at most 92 days; asking again for the same interval returns the same run. Roles: owner, admin, auditor.',
  })
  @RequirePermission('compliance:run')
  async runReport(
    @Args('input', { type: () => RunReportInput, description: 'The definition and the interval.' })
    input: RunReportInput,
    @Scope() scope: OrgScope,
  ): Promise<ReportRunModel> {
    const v = validateInput(runSchema, input);
    return toRunModel(await this.reports.requestRun(scope, v.name, v.start, v.end));
  }
}
