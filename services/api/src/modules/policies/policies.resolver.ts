// GraphQL for policy management: Organization.policyResources / .policyResource / .tiers /
// .policyRevisionDiff / .defaultDriftMode, PolicyResource.revisions / .clusterStatus,
// exportResources, the write mutations, Cluster.policySync and the policySyncChanged subscription.
// Translation only: inputs are validated here, every rule lives in the services.
import { Inject } from '@nestjs/common';
import { Args, Int, Mutation, Parent, Query, ResolveField, Resolver, Subscription } from '@nestjs/graphql';
import { toCanonicalYaml, type PolicyResource as PolicyDocument } from '@palisade/policy';
import { clusterRefOf, refKey } from '@palisade/policy/managed';
import type { PolicySyncEvent } from '@palisade/protocol/routing';
import { RequirePermission, Scope } from '../../platform/access/decorators.js';
import type { OrgScope } from '../../platform/access/principal.js';
import { PageArgs, type ConnectionShape } from '../../platform/graphql/connection.js';
import { offsetPage } from '../../platform/graphql/offset-page.js';
import { Loaders, type RequestLoaders } from '../../platform/graphql/request-loaders.js';
import { validateInput } from '../../platform/graphql/validate.js';
import { ActorType } from '../audit/models/audit-event.model.js';
import { toClusterModel } from '../clusters/clusters.resolver.js';
import { ClusterModel } from '../clusters/models/cluster.model.js';
import { OrganizationModel } from '../orgs/models/organization.model.js';
import {
  ApplyResourcesInput,
  CreatePolicyResourceInput,
  DeletePolicyResourceInput,
  PolicyResourceFilter,
  PolicyResourceRefInput,
  PromoteStagedPolicyInput,
  ReorderTierPoliciesInput,
  RollbackPolicyResourceInput,
  SetDriftModeInput,
  UpdatePolicyResourceInput,
  applySchema,
  createSchema,
  deleteSchema,
  driftModeSchema,
  filterSchema,
  promoteSchema,
  refSchema,
  reorderSchema,
  rollbackSchema,
  updateSchema,
} from './dto/policy.input.js';
import {
  ApplyActionEnum,
  ApplyResourcesPayload,
  ClusterPolicySyncModel,
  DriftModeEnum,
  PolicyChangeEnum,
  PolicyClusterStatusModel,
  PolicyResourceConnection,
  PolicyResourceKind,
  PolicyResourceModel,
  PolicyRevisionConnection,
  PolicyRevisionDiffModel,
  PolicyRevisionModel,
  PolicySyncEventModel,
  PromoteStagedPolicyPayload,
  SetDriftModePayload,
  TierModel,
} from './models/policy.model.js';
import type { DocumentSource } from './document-source.js';
import { PoliciesService } from './policies.service.js';
import { PolicyChangesService } from './policy-changes.service.js';
import type { PolicyView, RevisionView } from './policy-views.js';
import type { PolicyFieldIssue } from './policies.errors.js';
import { PolicySyncEvents } from '../rollout/policy-sync-events.js';
import { PolicySyncService, type ClusterSyncView, type SyncTarget } from '../rollout/policy-sync.service.js';

export function toPolicyModel(v: PolicyView): PolicyResourceModel {
  return {
    id: v.id,
    orgId: v.orgId,
    kind: v.kind,
    namespace: v.namespace === '' ? null : v.namespace,
    name: v.name,
    tier: v.tier,
    clusterSelector: v.clusterSelector,
    driftMode: v.driftMode,
    effectiveDriftMode: v.effectiveDriftMode,
    revision: v.revision,
    builtIn: v.builtin,
    object: v.document,
    yaml: toCanonicalYaml([v.document]),
    createdAt: v.createdAt,
    updatedAt: v.updatedAt,
  };
}

function toRevisionModel(r: RevisionView): PolicyRevisionModel {
  return {
    revision: r.revision,
    change: r.change as PolicyChangeEnum,
    object: r.document,
    yaml: r.document ? toCanonicalYaml([r.document]) : null,
    actor: { type: r.actor.type as ActorType, id: r.actor.id, label: r.actor.label },
    createdAt: r.createdAt,
  };
}

function toSyncModel(s: ClusterSyncView): ClusterPolicySyncModel {
  return {
    generation: s.generation,
    appliedGeneration: s.appliedGeneration,
    status: s.status,
    error: s.error,
    reportedAt: s.reportedAt,
    resources: s.resources.map((r) => ({
      kind: r.ref.kind,
      namespace: r.ref.namespace === '' ? null : r.ref.namespace,
      name: r.ref.name,
      status: r.status,
      message: r.message,
      diff: r.diff,
      generation: r.generation,
      reportedAt: r.reportedAt,
    })),
  };
}

const issueModel = (i: PolicyFieldIssue) => ({
  field: i.field,
  message: i.message,
  line: i.line ?? null,
  column: i.column ?? null,
});

function documentSource(v: { yaml?: string | null | undefined; object?: unknown }): DocumentSource {
  return typeof v.yaml === 'string' ? { yaml: v.yaml } : { object: v.object };
}

@Resolver(() => OrganizationModel)
export class OrgPoliciesResolver {
  constructor(@Inject(PoliciesService) private readonly policies: PoliciesService) {}

  @ResolveField('policyResources', () => PolicyResourceConnection, {
    description:
      'Stored resources (tiers included) by kind, namespace and name; filterable, including by targeted cluster. Roles: any.',
  })
  @RequirePermission('policies:read')
  policyResources(
    @Args() page: PageArgs,
    @Args('filter', {
      type: () => PolicyResourceFilter,
      nullable: true,
      description: 'Only matching resources.',
    })
    filter: PolicyResourceFilter | null,
    @Scope() scope: OrgScope,
  ): Promise<ConnectionShape<PolicyResourceModel>> {
    const f = validateInput(filterSchema, filter, 'filter');
    return offsetPage(page, (skip, take) => this.policies.list(scope, f, skip, take), toPolicyModel);
  }

  @ResolveField('policyResource', () => PolicyResourceModel, {
    description: 'One resource by kind, namespace and name; NOT_FOUND when there is none. Roles: any.',
  })
  @RequirePermission('policies:read')
  async policyResource(
    @Args('kind', { type: () => PolicyResourceKind, description: 'Its kind.' }) kind: PolicyResourceKind,
    @Args('namespace', {
      type: () => String,
      nullable: true,
      description: 'Its namespace; omit (or null) for cluster-scoped kinds.',
    })
    namespace: string | null,
    @Args('name', { type: () => String, description: 'Its name.' }) name: string,
    @Scope() scope: OrgScope,
  ): Promise<PolicyResourceModel> {
    const ref = validateInput(refSchema, { kind, namespace, name }, 'ref');
    return toPolicyModel(await this.policies.get(scope, ref));
  }

  @ResolveField('tiers', () => [TierModel], {
    description: 'Tiers in evaluation order (order, then name), built-in ones included. Roles: any.',
  })
  @RequirePermission('policies:read')
  async tiers(@Scope() scope: OrgScope): Promise<TierModel[]> {
    return (await this.policies.tiers(scope)).map((t) => ({
      ...t,
      builtIn: t.builtin,
      resource: toPolicyModel(t.resource),
    }));
  }

  @ResolveField('defaultDriftMode', () => DriftModeEnum, {
    description: 'Drift mode of resources that do not set their own (REPORT until changed). Roles: any.',
  })
  @RequirePermission('policies:read')
  async defaultDriftMode(@Scope() scope: OrgScope): Promise<DriftModeEnum> {
    return await this.policies.orgDefault(scope);
  }

  @ResolveField('policyRevisionDiff', () => PolicyRevisionDiffModel, {
    description:
      'What changed between two revisions of a resource (also after it was deleted); NOT_FOUND for a missing revision. Roles: any.',
  })
  @RequirePermission('policies:read')
  async policyRevisionDiff(
    @Args('resource', { type: () => PolicyResourceRefInput, description: 'The resource.' })
    resource: PolicyResourceRefInput,
    @Args('from', { type: () => Int, description: 'The older revision number.' }) from: number,
    @Args('to', { type: () => Int, description: 'The newer revision number.' }) to: number,
    @Scope() scope: OrgScope,
  ): Promise<PolicyRevisionDiffModel> {
    const ref = validateInput(refSchema, resource, 'resource');
    const d = await this.policies.diff(scope, ref, from, to);
    return {
      from: toRevisionModel(d.from),
      to: toRevisionModel(d.to),
      unified: d.unified,
      changes: d.changes.map((c) => ({
        path: c.path,
        op: c.op,
        before: c.before ?? null,
        after: c.after ?? null,
      })),
    };
  }
}

@Resolver(() => PolicyResourceModel)
export class PoliciesResolver {
  constructor(
    @Inject(PoliciesService) private readonly policies: PoliciesService,
    @Inject(PolicyChangesService) private readonly changes: PolicyChangesService,
    @Inject(PolicySyncService) private readonly sync: PolicySyncService,
  ) {}

  @ResolveField('revisions', () => PolicyRevisionConnection, {
    description: 'Its revisions, newest first. Roles: any.',
  })
  @RequirePermission('policies:read')
  revisions(
    @Parent() resource: PolicyResourceModel,
    @Args() page: PageArgs,
    @Scope() scope: OrgScope,
  ): Promise<ConnectionShape<PolicyRevisionModel>> {
    return offsetPage(
      page,
      (skip, take) => this.policies.revisions(scope, resource.id, skip, take),
      toRevisionModel,
    );
  }

  @ResolveField('clusterStatus', () => [PolicyClusterStatusModel], {
    description: 'Its state in every cluster its clusterSelector targets, by cluster name. Roles: any.',
  })
  @RequirePermission('policies:read')
  async clusterStatus(
    @Parent() resource: PolicyResourceModel,
    @Scope() scope: OrgScope,
    @Loaders() loaders: RequestLoaders,
  ): Promise<PolicyClusterStatusModel[]> {
    const ref = { kind: resource.kind, namespace: resource.namespace ?? '', name: resource.name };
    const target: SyncTarget = {
      ...ref,
      clusterName: clusterRefOf(ref, resource.object as PolicyDocument).name,
      clusterSelector: resource.clusterSelector,
      builtin: resource.builtIn,
    };
    const statuses = await loaders.load(
      `policy-cluster-status:${scope.orgId}`,
      target,
      (targets) => this.sync.resourcesClusters(scope, targets),
      (t) => JSON.stringify([refKey(t), t.clusterName, t.clusterSelector]),
    );
    return statuses.map((s) => ({
      cluster: toClusterModel(s.cluster),
      status: s.status,
      message: s.message,
      diff: s.diff,
    }));
  }

  @Query(() => String, {
    description:
      'Stored resources as canonical multi-document YAML, sorted by kind, namespace and name (applyResources takes it back unchanged). Roles: any.',
  })
  @RequirePermission('policies:read')
  async exportResources(
    @Args('orgSlug', { type: () => String, description: 'Slug of the organisation.' }) _orgSlug: string,
    @Args('filter', {
      type: () => PolicyResourceFilter,
      nullable: true,
      description: 'Only matching resources.',
    })
    filter: PolicyResourceFilter | null,
    @Scope() scope: OrgScope,
  ): Promise<string> {
    return this.policies.export(scope, validateInput(filterSchema, filter, 'filter'));
  }

  @Mutation(() => PolicyResourceModel, {
    description:
      'Create one resource; CONFLICT when it exists, VALIDATION_FAILED (with the field) when it is invalid. Roles: owner, admin, editor.',
  })
  @RequirePermission('policies:write')
  async createPolicyResource(
    @Args('input', {
      type: () => CreatePolicyResourceInput,
      description: 'The organisation and the resource.',
    })
    input: CreatePolicyResourceInput,
    @Scope() scope: OrgScope,
  ): Promise<PolicyResourceModel> {
    const v = validateInput(createSchema, input);
    return toPolicyModel(await this.changes.create(scope, documentSource(v), v.clusterSelector));
  }

  @Mutation(() => PolicyResourceModel, {
    description:
      'Replace a resource (identified by its kind, namespace and name). Without a cluster selector in the input or the annotation, the current one is kept. Roles: owner, admin, editor.',
  })
  @RequirePermission('policies:write')
  async updatePolicyResource(
    @Args('input', {
      type: () => UpdatePolicyResourceInput,
      description: 'The organisation and the new content of the resource.',
    })
    input: UpdatePolicyResourceInput,
    @Scope() scope: OrgScope,
  ): Promise<PolicyResourceModel> {
    const v = validateInput(updateSchema, input);
    return toPolicyModel(await this.changes.update(scope, documentSource(v), v.clusterSelector));
  }

  @Mutation(() => PolicyResourceModel, {
    description:
      'Delete a resource; returns it as it was. A tier that still has policies, or a built-in tier, cannot be deleted (PRECONDITION_FAILED). Roles: owner, admin, editor.',
  })
  @RequirePermission('policies:write')
  async deletePolicyResource(
    @Args('input', {
      type: () => DeletePolicyResourceInput,
      description: 'The organisation and the resource.',
    })
    input: DeletePolicyResourceInput,
    @Scope() scope: OrgScope,
  ): Promise<PolicyResourceModel> {
    const { orgSlug: _s, ...ref } = validateInput(deleteSchema, input);
    return toPolicyModel(await this.changes.delete(scope, ref));
  }

  @Mutation(() => ApplyResourcesPayload, {
    description:
      'Create or update every resource of a multi-document YAML, like kubectl apply: all or nothing. Invalid documents are reported in results, not as an error. Roles: owner, admin, editor.',
  })
  @RequirePermission('policies:write')
  async applyResources(
    @Args('input', {
      type: () => ApplyResourcesInput,
      description: 'The organisation, the YAML and whether this is a dry run.',
    })
    input: ApplyResourcesInput,
    @Scope() scope: OrgScope,
  ): Promise<ApplyResourcesPayload> {
    const v = validateInput(applySchema, input);
    const out = await this.changes.apply(scope, v.yaml, v.dryRun);
    return {
      dryRun: out.dryRun,
      applied: out.applied,
      results: out.items.map((i) => ({
        index: i.index,
        line: i.line,
        kind: i.ref?.kind ?? null,
        namespace: i.ref && i.ref.namespace !== '' ? i.ref.namespace : null,
        name: i.ref?.name ?? null,
        action: i.action as ApplyActionEnum,
        errors: i.errors.map(issueModel),
        resource: i.resource ? toPolicyModel(i.resource) : null,
      })),
    };
  }

  @Mutation(() => [PolicyResourceModel], {
    description:
      "Set the evaluation order of a tier's policies; returns them in that order. Roles: owner, admin, editor.",
  })
  @RequirePermission('policies:write')
  async reorderTierPolicies(
    @Args('input', {
      type: () => ReorderTierPoliciesInput,
      description: 'The organisation, the tier and the new order.',
    })
    input: ReorderTierPoliciesInput,
    @Scope() scope: OrgScope,
  ): Promise<PolicyResourceModel[]> {
    const v = validateInput(reorderSchema, input);
    return (await this.changes.reorder(scope, v.tier, v.order)).map(toPolicyModel);
  }

  @Mutation(() => PromoteStagedPolicyPayload, {
    description:
      'Enforce a staged policy: it becomes (or, for stagedAction Delete, removes) its enforced kind, and the staged policy is deleted. Roles: owner, admin, editor.',
  })
  @RequirePermission('policies:write')
  async promoteStagedPolicy(
    @Args('input', {
      type: () => PromoteStagedPolicyInput,
      description: 'The organisation and the staged policy.',
    })
    input: PromoteStagedPolicyInput,
    @Scope() scope: OrgScope,
  ): Promise<PromoteStagedPolicyPayload> {
    const { orgSlug: _s, ...ref } = validateInput(promoteSchema, input);
    const r = await this.changes.promote(scope, ref);
    return {
      enforced: r.enforced ? toPolicyModel(r.enforced) : null,
      enforcedKind: r.enforcedRef.kind,
    };
  }

  @Mutation(() => PolicyResourceModel, {
    description:
      'Make the object of an earlier revision current again, as a new revision (also re-creates a deleted resource). Roles: owner, admin, editor.',
  })
  @RequirePermission('policies:write')
  async rollbackPolicyResource(
    @Args('input', {
      type: () => RollbackPolicyResourceInput,
      description: 'The organisation, the resource and the revision.',
    })
    input: RollbackPolicyResourceInput,
    @Scope() scope: OrgScope,
  ): Promise<PolicyResourceModel> {
    const { orgSlug: _s, revision, ...ref } = validateInput(rollbackSchema, input);
    return toPolicyModel(await this.changes.rollback(scope, ref, revision));
  }

  @Mutation(() => SetDriftModePayload, {
    description:
      "Set the drift mode of one resource, or (without resource) the organisation's default. Roles: owner, admin, editor.",
  })
  @RequirePermission('policies:write')
  async setDriftMode(
    @Args('input', {
      type: () => SetDriftModeInput,
      description: 'The organisation, optionally a resource, and the mode.',
    })
    input: SetDriftModeInput,
    @Scope() scope: OrgScope,
  ): Promise<SetDriftModePayload> {
    const v = validateInput(driftModeSchema, input);
    const r = await this.changes.setDriftMode(scope, v.resource, v.mode);
    return {
      defaultDriftMode: r.defaultDriftMode,
      resource: r.resource ? toPolicyModel(r.resource) : null,
    };
  }
}

@Resolver(() => ClusterModel)
export class ClusterPolicySyncResolver {
  constructor(
    @Inject(PolicySyncService) private readonly sync: PolicySyncService,
    @Inject(PolicySyncEvents) private readonly events: PolicySyncEvents,
  ) {}

  @ResolveField('policySync', () => ClusterPolicySyncModel, {
    description: 'Desired vs applied policy generation and per-resource results. Roles: any.',
  })
  @RequirePermission('policies:read')
  async policySync(
    @Parent() cluster: ClusterModel,
    @Scope() scope: OrgScope,
    @Loaders() loaders: RequestLoaders,
  ): Promise<ClusterPolicySyncModel> {
    const sync = await loaders.load(
      `cluster-policy-sync:${scope.orgId}`,
      cluster.id,
      (ids) => this.sync.clusterSyncs(scope, ids),
      (id) => id,
    );
    return toSyncModel(sync);
  }

  @Subscription(() => PolicySyncEventModel, {
    description:
      "Policy sync changes of the organisation's clusters (each event carries the current status; no initial snapshot). Roles: any.",
    resolve: (e: PolicySyncEventModel) => e,
  })
  @RequirePermission('policies:read')
  policySyncChanged(
    @Args('orgSlug', { type: () => String, description: 'Slug of the organisation.' }) _orgSlug: string,
    @Scope() scope: OrgScope,
  ): AsyncIterableIterator<unknown> {
    const source = this.events.stream(scope.orgId);
    const sync = this.sync;
    const resolved: AsyncIterableIterator<unknown> = {
      async next() {
        for (;;) {
          const r: IteratorResult<PolicySyncEvent> = await source.next();
          if (r.done) return r;
          const name = await sync.clusterName(scope, r.value.clusterId);
          if (name === null) continue; // deleted meanwhile
          const value: PolicySyncEventModel = {
            clusterId: r.value.clusterId,
            clusterName: name,
            policySync: toSyncModel(await sync.clusterSync(scope, r.value.clusterId)),
          };
          return { done: false, value };
        }
      },
      return: () => source.return?.() ?? Promise.resolve({ done: true, value: undefined }),
      [Symbol.asyncIterator]: () => resolved,
    };
    return resolved;
  }
}
