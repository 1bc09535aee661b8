// GraphQL of the impact preview: the previewPolicyChanges query and the paginated flows of its
// answer. Translation only. Guarded by policies:write: only a user allowed to make a change may
// preview it (the preview shows flows as evidence of what the change would do).
import { Inject } from '@nestjs/common';
import { Args, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import type { ClassCounts } from '@palisade/policy';
import { RequirePermission, Scope } from '../../platform/access/decorators.js';
import type { OrgScope } from '../../platform/access/principal.js';
import {
  PageArgs,
  decodeCursor,
  isOffsetCursor,
  pageSize,
  toConnection,
  type ConnectionShape,
} from '../../platform/graphql/connection.js';
import { validateInput } from '../../platform/graphql/validate.js';
import { FlowActionEnum, FlowEndpointTypeEnum, FlowReporterEnum } from '../flows/models/flow-enums.js';
import { PreviewPolicyChangesInput, previewSchema } from './dto/preview.input.js';
import {
  PolicyChangeOpEnum,
  PolicyChangePreviewModel,
  PreviewClassEnum,
  PreviewUncertaintyReasonEnum,
  PreviewedFlowConnection,
  type PreviewClassCountsModel,
  type PreviewedFlowModel,
} from './models/preview.model.js';
import { PolicyPreviewService, type ChangeSource, type PreviewRow } from './policy-preview.service.js';

function counts(c: ClassCounts): PreviewClassCountsModel {
  return {
    newlyAllowed: c.NEWLY_ALLOWED,
    newlyDenied: c.NEWLY_DENIED,
    uncertain: c.UNCERTAIN,
    unchanged: c.UNCHANGED,
  };
}

function toFlowModel(r: PreviewRow): PreviewedFlowModel {
  const f = r.flow;
  return {
    id: `${r.clusterName}.${r.id}`,
    cluster: r.clusterName,
    class: r.class as PreviewClassEnum,
    before: r.before && { action: r.before.action as FlowActionEnum, trace: [...r.before.trace] },
    after: r.after && { action: r.after.action as FlowActionEnum, trace: [...r.after.trace] },
    uncertainties: r.uncertainties.map((u) => ({ ...u, reason: u.reason as PreviewUncertaintyReasonEnum })),
    recordedAction: f.action as FlowActionEnum,
    recordedTrace: [...f.enforced],
    firstSeen: new Date(f.first_seen * 1000),
    lastSeen: new Date(f.last_seen * 1000),
    numFlows: f.num_flows,
    sourceType: f.source_type as FlowEndpointTypeEnum,
    sourceNamespace: f.source_namespace,
    sourceName: f.source_name,
    sourceLabels: f.source_labels,
    destType: f.dest_type as FlowEndpointTypeEnum,
    destNamespace: f.dest_namespace,
    destName: f.dest_name,
    destLabels: f.dest_labels,
    destPort: f.dest_port === 0 ? null : f.dest_port,
    destServiceNamespace: f.dest_service_namespace,
    destServiceName: f.dest_service_name,
    destServicePortName: f.dest_service_port_name,
    destServicePort: f.dest_service_port === 0 ? null : f.dest_service_port,
    proto: f.proto,
    reporter: f.reporter as FlowReporterEnum,
  };
}

@Resolver(() => PolicyChangePreviewModel)
export class PolicyPreviewResolver {
  constructor(@Inject(PolicyPreviewService) private readonly preview: PolicyPreviewService) {}

  @Query(() => PolicyChangePreviewModel, {
    description:
      "Replays the window's stored flows of the targeted clusters with unsaved edits (create, update or delete of any stored kind, tier changes, reordering, or a staged policy's promotion) and classifies each flow key; changes nothing. VALIDATION_FAILED for invalid edits (with path and line) or a window beyond retention. Roles: owner, admin, editor.",
  })
  @RequirePermission('policies:write')
  async previewPolicyChanges(
    @Args('input', {
      type: () => PreviewPolicyChangesInput,
      description: 'The organisation, the edits and the flows.',
    })
    input: PreviewPolicyChangesInput,
    @Scope() scope: OrgScope,
  ): Promise<PolicyChangePreviewModel> {
    const v = validateInput(previewSchema, input);
    const changes: ChangeSource[] = [];
    if (v.yaml) changes.push({ op: 'apply', yaml: v.yaml, path: ['input', 'yaml'] });
    (v.changes ?? []).forEach((c, i) => {
      const path = ['input', 'changes', i];
      if (c.op === PolicyChangeOpEnum.DELETE)
        changes.push({ op: 'delete', ref: c.resource!, path: [...path, 'resource'] });
      else changes.push({ op: 'apply', object: c.object, path: [...path, 'object'] });
    });
    const f = v.filter;
    const r = await this.preview.preview(scope, {
      changes,
      promote: v.promote ?? null,
      query: {
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
      },
    });
    return {
      from: r.from,
      to: r.to,
      clusters: r.clusters,
      totals: counts(r.totals),
      byCluster: r.byCluster.map((c) => ({ cluster: c.cluster, counts: counts(c.counts) })),
      byNamespace: r.byNamespace.map((n) => ({ ...n, counts: counts(n.counts) })),
      rows: r.rows,
      orgId: scope.orgId,
    };
  }

  @ResolveField('flows', () => PreviewedFlowConnection, {
    description:
      'The previewed flow keys: newly denied first, then uncertain, newly allowed, unchanged; optionally only some classes. Roles: owner, admin, editor.',
  })
  @RequirePermission('policies:write')
  flows(
    @Parent() preview: PolicyChangePreviewModel,
    @Args() page: PageArgs,
    @Args('classes', {
      type: () => [PreviewClassEnum],
      nullable: true,
      description: 'Only these classes (default: all).',
    })
    classes: PreviewClassEnum[] | null,
  ): ConnectionShape<PreviewedFlowModel> {
    const take = pageSize(page);
    const skip = decodeCursor(page.after, isOffsetCursor)?.o ?? 0;
    const rows = classes?.length
      ? preview.rows.filter((r) => classes.includes(r.class as PreviewClassEnum))
      : preview.rows;
    const window = rows.slice(skip, skip + take + 1).map((row, i) => ({ row, o: skip + i + 1 }));
    return toConnection(
      window,
      take,
      rows.length,
      skip > 0,
      (p) => ({ o: p.o }),
      (p) => toFlowModel(p.row),
    );
  }
}
