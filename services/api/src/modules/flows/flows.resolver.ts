// GraphQL for flow history: Organization.flows / .flowFilterHints / .policyStatistics /
// .serviceGraph / .flowRetention, setFlowRetention, Cluster.flowIngestion (batched per request)
// and the flowsLive subscription. Translation only: arguments are validated here, once, and every
// rule lives in FlowsService.
import { Inject } from '@nestjs/common';
import { Args, Context, Mutation, Parent, ResolveField, Resolver, Subscription } from '@nestjs/graphql';
import { hitPolicy, renderPolicyHit, type PolicyHit } from '@palisade/flows';
import { RequirePermission, Scope } from '../../platform/access/decorators.js';
import type { OrgScope } from '../../platform/access/principal.js';
import { BatchLoader, requestLoader } from '../../platform/graphql/batch-loader.js';
import {
  PageArgs,
  decodeCursor,
  isOffsetCursor,
  pageSize,
  toConnection,
  type ConnectionShape,
} from '../../platform/graphql/connection.js';
import type { GqlContext } from '../../platform/graphql/context.js';
import { validateInput } from '../../platform/graphql/validate.js';
import { toClusterModel } from '../clusters/clusters.resolver.js';
import { ClusterModel } from '../clusters/models/cluster.model.js';
import { OrganizationModel } from '../orgs/models/organization.model.js';
import { SetFlowRetentionInput, namespacesSchema, setFlowRetentionSchema } from './dto/flow-args.input.js';
import {
  FlowFilterInput,
  PolicyMatchInput,
  TimeRangeInput,
  clusterNamesSchema,
  flowFilterSchema,
  policyMatchesSchema,
  timeRangeSchema,
  type FlowFilterValue,
} from './dto/flow.input.js';
import type { FlowCursor, FlowQuery, IngestionStatus } from './flow-store.js';
import {
  FlowActionEnum,
  FlowEndpointTypeEnum,
  FlowFilterHintTypeEnum,
  FlowPolicyKindEnum,
  FlowReporterEnum,
  FlowSortEnum,
  PolicyActionEnum,
  PolicyStatisticsGroupEnum,
  ServiceGraphNodeTypeEnum,
} from './models/flow-enums.js';
import {
  FlowConnection,
  FlowFilterHintConnection,
  FlowFilterHintModel,
  FlowIngestionStatusModel,
  FlowLiveBatchModel,
  FlowModel,
  FlowRetentionModel,
  PolicyHitModel,
  PolicyStatisticsConnection,
  PolicyStatisticsModel,
  ServiceGraphModel,
} from './models/flow.model.js';
import { FlowsService, type FlowView, type LiveBatch } from './flows.service.js';

const orNull = (s: string): string | null => (s === '' ? null : s);

function toHitModel(h: PolicyHit): PolicyHitModel {
  // An end-of-tier hit is about the policy that triggered it (hitPolicy): show that one's name.
  const policy = hitPolicy(h);
  return {
    policyIndex: h.policy_index,
    tier: h.tier,
    kind: h.kind as FlowPolicyKindEnum,
    namespace: orNull(policy.namespace),
    name: policy.name,
    action: h.action as PolicyActionEnum,
    ruleIndex: h.rule_index,
    trigger: h.trigger
      ? {
          kind: h.trigger.kind as FlowPolicyKindEnum,
          namespace: orNull(h.trigger.namespace),
          name: h.trigger.name,
        }
      : null,
    trace: renderPolicyHit(h),
  };
}

export function toFlowModel(f: FlowView): FlowModel {
  const enforced = f.enforced.map(toHitModel);
  const pending = f.pending.map(toHitModel);
  return {
    id: `${f.clusterId}.${f.startTime.getTime() / 1000}.${f.flowKey}`,
    cluster: toClusterModel(f.cluster),
    startTime: f.startTime,
    endTime: f.endTime,
    sourceType: f.sourceType as FlowEndpointTypeEnum,
    sourceNamespace: f.sourceNamespace,
    sourceName: f.sourceName,
    sourceLabels: f.sourceLabels,
    destType: f.destType as FlowEndpointTypeEnum,
    destNamespace: f.destNamespace,
    destName: f.destName,
    destLabels: f.destLabels,
    destPort: f.destPort,
    destServiceNamespace: f.destServiceNamespace,
    destServiceName: f.destServiceName,
    destServicePortName: f.destServicePortName,
    destServicePort: f.destServicePort,
    proto: f.proto,
    reporter: f.reporter as FlowReporterEnum,
    action: f.action as FlowActionEnum,
    pendingAction: f.pendingAction as PolicyActionEnum | null,
    enforcedPolicies: enforced,
    pendingPolicies: pending,
    enforcedTrace: enforced.map((h) => h.trace),
    pendingTrace: pending.map((h) => h.trace),
    packetsIn: f.packetsIn,
    packetsOut: f.packetsOut,
    bytesIn: f.bytesIn,
    bytesOut: f.bytesOut,
    numFlows: f.numFlows,
    numFlowsStarted: f.numFlowsStarted,
    numFlowsCompleted: f.numFlowsCompleted,
  };
}

function toIngestionModel(s: IngestionStatus | undefined): FlowIngestionStatusModel {
  return {
    lastBatchAt: s?.lastBatchAt ?? null,
    recordsPerSecond: s?.recordsPerSecond ?? 0,
    recordsAccepted: s?.recordsAccepted ?? 0,
    recordsRejected: s?.recordsRejected ?? 0,
    droppedTotal: s?.droppedTotal ?? 0,
    rejected: s?.rejected ?? [],
  };
}

function toQuery(f: FlowFilterValue): FlowQuery {
  return {
    clusters: f.clusters,
    from: f.timeRange.from,
    to: f.timeRange.to,
    sourceNames: f.sourceNames,
    sourceNamespaces: f.sourceNamespaces,
    destNames: f.destNames,
    destNamespaces: f.destNamespaces,
    protocols: f.protocols,
    destPorts: f.destPorts,
    actions: f.actions,
    pendingActions: f.pendingActions,
    policies: f.policies,
    reporter: f.reporter,
  };
}

/** The largest time a JavaScript Date holds. */
const MAX_DATE_MS = 8.64e15;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A cursor of this list in this sort: TIME cursors carry no sort value, the others one. */
function isFlowCursor(sort: FlowSortEnum) {
  return (v: unknown): v is FlowCursor => {
    if (typeof v !== 'object' || v === null) return false;
    const c = v as Record<string, unknown>;
    const value = sort === FlowSortEnum.TIME ? c['v'] === null : typeof c['v'] === 'string';
    return (
      value &&
      Number.isSafeInteger(c['t']) &&
      (c['t'] as number) >= 0 &&
      (c['t'] as number) <= MAX_DATE_MS &&
      typeof c['c'] === 'string' &&
      UUID.test(c['c']) &&
      typeof c['k'] === 'string' &&
      /^(?:[0-9a-f]{2}){1,32}$/.test(c['k'])
    );
  };
}

const isHintCursor = (v: unknown): v is { h: string } =>
  typeof v === 'object' && v !== null && typeof (v as { h?: unknown }).h === 'string';

function sortValue(f: FlowView, sort: FlowSortEnum): string | null {
  switch (sort) {
    case FlowSortEnum.TIME:
      return null;
    case FlowSortEnum.SOURCE_NAME:
      return f.sourceName;
    case FlowSortEnum.SOURCE_NAMESPACE:
      return f.sourceNamespace;
    case FlowSortEnum.SOURCE_TYPE:
      return f.sourceType;
    case FlowSortEnum.DEST_NAME:
      return f.destName;
    case FlowSortEnum.DEST_NAMESPACE:
      return f.destNamespace;
    case FlowSortEnum.DEST_TYPE:
      return f.destType;
  }
}

@Resolver(() => OrganizationModel)
export class OrgFlowsResolver {
  constructor(@Inject(FlowsService) private readonly flows: FlowsService) {}

  @ResolveField('flows', () => FlowConnection, {
    description:
      'Flow history: Goldmane’s filter plus clusters and a time window, newest first by default. Never older than the retention setting. Roles: any.',
  })
  @RequirePermission('flows:read')
  async flowsField(
    @Args('filter', { type: () => FlowFilterInput, nullable: true, description: 'What to match.' })
    filter: FlowFilterInput | null,
    @Args('sort', {
      type: () => FlowSortEnum,
      nullable: true,
      description: 'Order of the list (default TIME).',
    })
    sort: FlowSortEnum | null,
    @Args() page: PageArgs,
    @Scope() scope: OrgScope,
  ): Promise<FlowConnection> {
    const order = sort ?? FlowSortEnum.TIME;
    const limit = pageSize(page);
    const query = toQuery(validateInput(flowFilterSchema, filter, 'filter'));
    const after = decodeCursor(page.after, isFlowCursor(order));
    const { rows, total, exact } = await this.flows.list(scope, query, order, after, limit + 1);
    const connection = toConnection(
      rows,
      limit,
      total,
      after !== null,
      (r): FlowCursor => ({ v: sortValue(r, order), t: r.startTime.getTime(), c: r.clusterId, k: r.flowKey }),
      toFlowModel,
    );
    return { ...connection, totalCountExact: exact };
  }

  @ResolveField('flowFilterHints', () => FlowFilterHintConnection, {
    description:
      'Values of one field among the flows the filter matches, A to Z: for filter pickers. Roles: any.',
  })
  @RequirePermission('flows:read')
  async flowFilterHints(
    @Args('type', { type: () => FlowFilterHintTypeEnum, description: 'Which field’s values.' })
    type: FlowFilterHintTypeEnum,
    @Args('filter', { type: () => FlowFilterInput, nullable: true, description: 'Flows to look in.' })
    filter: FlowFilterInput | null,
    @Args() page: PageArgs,
    @Scope() scope: OrgScope,
  ): Promise<ConnectionShape<FlowFilterHintModel>> {
    const limit = pageSize(page);
    const query = toQuery(validateInput(flowFilterSchema, filter, 'filter'));
    const after = decodeCursor(page.after, isHintCursor);
    const { values, total } = await this.flows.hints(scope, type, query, after?.h ?? null, limit + 1);
    return toConnection(
      values,
      limit,
      total,
      after !== null,
      (v) => ({ h: v }),
      (v) => ({ value: v }),
    );
  }

  @ResolveField('policyStatistics', () => PolicyStatisticsConnection, {
    description:
      'Traffic each policy (or rule) allowed, denied and passed: the policy board’s hit counters. Per minute of the window. Roles: any.',
  })
  @RequirePermission('flows:read')
  async policyStatistics(
    @Args('timeRange', { type: () => TimeRangeInput, nullable: true, description: 'Default: all retained.' })
    timeRange: TimeRangeInput | null,
    @Args('clusters', { type: () => [String], nullable: true, description: 'Cluster names; default all.' })
    clusters: string[] | null,
    @Args('policies', {
      type: () => [PolicyMatchInput],
      nullable: true,
      description: 'Only these policies (an end-of-tier verdict counts for the policy that triggered it).',
    })
    policies: PolicyMatchInput[] | null,
    @Args('groupBy', {
      type: () => PolicyStatisticsGroupEnum,
      nullable: true,
      description: 'POLICY (default) or RULE.',
    })
    groupBy: PolicyStatisticsGroupEnum | null,
    @Args() page: PageArgs,
    @Scope() scope: OrgScope,
  ): Promise<ConnectionShape<PolicyStatisticsModel>> {
    const limit = pageSize(page);
    const skip = decodeCursor(page.after, isOffsetCursor)?.o ?? 0;
    const window = validateInput(timeRangeSchema, timeRange, 'timeRange');
    const { rows, total } = await this.flows.policyStatistics(
      scope,
      {
        clusters: validateInput(clusterNamesSchema, clusters, 'clusters'),
        from: window.from,
        to: window.to,
        policies: validateInput(policyMatchesSchema, policies, 'policies'),
        byRule: groupBy === PolicyStatisticsGroupEnum.RULE,
      },
      skip,
      limit + 1,
    );
    let i = skip;
    return toConnection(
      rows,
      limit,
      total,
      skip > 0,
      () => ({ o: ++i }),
      (r) => ({ ...r, kind: r.kind as FlowPolicyKindEnum }),
    );
  }

  @ResolveField('serviceGraph', () => ServiceGraphModel, {
    description:
      'Who talked to whom in the window (default: the last hour), busiest first, within bounded node and edge counts. Roles: any.',
  })
  @RequirePermission('flows:read')
  async serviceGraph(
    @Args('timeRange', { type: () => TimeRangeInput, nullable: true, description: 'Default: the last hour.' })
    timeRange: TimeRangeInput | null,
    @Args('clusters', { type: () => [String], nullable: true, description: 'Cluster names; default all.' })
    clusters: string[] | null,
    @Args('namespaces', {
      type: () => [String],
      nullable: true,
      description: 'Only traffic with either end in one of these namespaces.',
    })
    namespaces: string[] | null,
    @Scope() scope: OrgScope,
  ): Promise<ServiceGraphModel> {
    const window = validateInput(timeRangeSchema, timeRange, 'timeRange');
    const g = await this.flows.serviceGraph(scope, {
      clusters: validateInput(clusterNamesSchema, clusters, 'clusters'),
      namespaces: validateInput(namespacesSchema, namespaces, 'namespaces'),
      from: window.from,
      to: window.to,
    });
    return { ...g, nodes: g.nodes.map((n) => ({ ...n, type: n.type as ServiceGraphNodeTypeEnum })) };
  }

  @ResolveField('flowRetention', () => FlowRetentionModel, {
    description: 'How long flow history is kept. Roles: any.',
  })
  @RequirePermission('org:read')
  async flowRetention(@Scope() scope: OrgScope): Promise<FlowRetentionModel> {
    const days = await this.flows.retentionDays(scope);
    return { days, oldestVisible: this.flows.oldestVisible(days) };
  }

  @Mutation(() => FlowRetentionModel, {
    description: 'Change how long flow history is kept; audited. Roles: owner, admin.',
  })
  @RequirePermission('org:update')
  async setFlowRetention(
    @Args('input', { type: () => SetFlowRetentionInput, description: 'The organisation and the days.' })
    input: SetFlowRetentionInput,
    @Scope() scope: OrgScope,
  ): Promise<FlowRetentionModel> {
    const v = validateInput(setFlowRetentionSchema, input);
    const days = await this.flows.setRetentionDays(scope, v.days);
    return { days, oldestVisible: this.flows.oldestVisible(days) };
  }

  @Subscription(() => FlowLiveBatchModel, {
    description:
      'Flows of each batch of buckets a cluster stores, that match the filter, as they land (re-read from the store). Roles: any.',
    resolve: (b: LiveBatch): FlowLiveBatchModel => ({
      cluster: toClusterModel(b.cluster),
      flows: b.flows.map(toFlowModel),
      truncated: b.truncated,
    }),
  })
  @RequirePermission('flows:read')
  flowsLive(
    @Args('orgSlug', { type: () => String, description: 'The organisation.' }) _orgSlug: string,
    @Args('filter', { type: () => FlowFilterInput, nullable: true, description: 'What to match.' })
    filter: FlowFilterInput | null,
    @Scope() scope: OrgScope,
  ): AsyncIterableIterator<unknown> {
    return this.flows.live(scope, toQuery(validateInput(flowFilterSchema, filter, 'filter')));
  }
}

@Resolver(() => ClusterModel)
export class ClusterFlowsResolver {
  constructor(@Inject(FlowsService) private readonly flows: FlowsService) {}

  @ResolveField('flowIngestion', () => FlowIngestionStatusModel, {
    description:
      'How the cluster’s flow records are arriving (one read for every cluster of a page). Roles: any.',
  })
  @RequirePermission('flows:read')
  async flowIngestion(
    @Parent() cluster: ClusterModel,
    @Scope() scope: OrgScope,
    @Context() ctx: GqlContext,
  ): Promise<FlowIngestionStatusModel> {
    const loader = requestLoader(
      ctx,
      `flowIngestion:${scope.orgId}`,
      () => new BatchLoader<string, IngestionStatus>((ids) => this.flows.ingestionStatus(scope, ids)),
    );
    return toIngestionModel(await loader.load(cluster.id));
  }
}
