// GraphQL of policy recommendations: Organization.policyRecommendations / .recommendationScope,
// refresh, accept, dismiss and the scope setting. Translation only. Reading needs policies:read;
// changing anything policies:write (accepting writes a staged policy).
import { Inject } from '@nestjs/common';
import { Args, Mutation, ResolveField, Resolver } from '@nestjs/graphql';
import { toCanonicalYaml, type PolicyResource } from '@palisade/policy';
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
import { OrganizationModel } from '../orgs/models/organization.model.js';
import {
  PolicyRecommendationRefInput,
  RefreshPolicyRecommendationsInput,
  SetRecommendationScopeInput,
  refSchema,
  refreshSchema,
  scopeSchema,
} from './dto/recommendation.input.js';
import {
  IntraNamespaceEnum,
  PolicyRecommendationConnection,
  PolicyRecommendationModel,
  RecommendationScopeModel,
  RecommendationStateEnum,
} from './models/recommendation.model.js';
import type { ScopeRow } from './recommendations.repository.js';
import { RecommendationsService, type RecommendationView } from './recommendations.service.js';

function toModel(
  r: RecommendationView,
  stabilizationSeconds: number,
  now = Date.now(),
): PolicyRecommendationModel {
  const rules = r.rules as { direction: string; index: number; flows: string[] }[];
  return {
    id: r.id,
    cluster: r.clusterName,
    namespace: r.namespace,
    state: r.state as RecommendationStateEnum,
    yaml: toCanonicalYaml([r.policy as PolicyResource]),
    rules: rules.map((x) => ({ direction: x.direction, index: x.index, flowKeys: x.flows })),
    unmatchedFlows: (r.unmatched as unknown[]).length,
    windowFrom: r.windowFrom,
    windowTo: r.windowTo,
    changedAt: r.changedAt,
    stable: now - r.changedAt.getTime() >= stabilizationSeconds * 1000,
  };
}

function toScopeModel(s: ScopeRow): RecommendationScopeModel {
  return { ...s, intraNamespace: s.intraNamespace as IntraNamespaceEnum };
}

@Resolver(() => OrganizationModel)
export class OrgRecommendationsResolver {
  constructor(@Inject(RecommendationsService) private readonly recommendations: RecommendationsService) {}

  @ResolveField('policyRecommendations', () => PolicyRecommendationConnection, {
    description:
      'Recommended staged policies per cluster and namespace, by cluster and namespace. Roles: any.',
  })
  @RequirePermission('policies:read')
  async policyRecommendations(
    @Args() page: PageArgs,
    @Args('cluster', { type: () => String, nullable: true, description: 'Only this cluster (by name).' })
    cluster: string | null,
    @Args('states', {
      type: () => [RecommendationStateEnum],
      nullable: true,
      description: 'Only these states.',
    })
    states: RecommendationStateEnum[] | null,
    @Scope() scope: OrgScope,
  ): Promise<ConnectionShape<PolicyRecommendationModel>> {
    const take = pageSize(page);
    const skip = decodeCursor(page.after, isOffsetCursor)?.o ?? 0;
    const [rows, settings] = await Promise.all([
      this.recommendations.list(scope, cluster ?? null, states ?? []),
      this.recommendations.scope(scope),
    ]);
    const window = rows.slice(skip, skip + take + 1).map((row, i) => ({ row, o: skip + i + 1 }));
    return toConnection(
      window,
      take,
      rows.length,
      skip > 0,
      (w) => ({ o: w.o }),
      (w) => toModel(w.row, settings.stabilizationSeconds),
    );
  }

  @ResolveField('recommendationScope', () => RecommendationScopeModel, {
    description: "How the organisation's recommendations are made. Roles: any.",
  })
  @RequirePermission('policies:read')
  async recommendationScope(@Scope() scope: OrgScope): Promise<RecommendationScopeModel> {
    return toScopeModel(await this.recommendations.scope(scope));
  }
}

@Resolver(() => PolicyRecommendationModel)
export class RecommendationsResolver {
  constructor(@Inject(RecommendationsService) private readonly recommendations: RecommendationsService) {}

  @Mutation(() => [PolicyRecommendationModel], {
    description:
      "Builds (or refreshes) the recommendations of one cluster now from the scope's lookback of flows; returns that cluster's recommendations. Roles: owner, admin, editor.",
  })
  @RequirePermission('policies:write')
  async refreshPolicyRecommendations(
    @Args('input', {
      type: () => RefreshPolicyRecommendationsInput,
      description: 'The cluster and namespaces.',
    })
    input: RefreshPolicyRecommendationsInput,
    @Scope() scope: OrgScope,
  ): Promise<PolicyRecommendationModel[]> {
    const v = validateInput(refreshSchema, input);
    const settings = await this.recommendations.scope(scope);
    return (await this.recommendations.refresh(scope, v.cluster, v.namespaces)).map((r) =>
      toModel(r, settings.stabilizationSeconds),
    );
  }

  @Mutation(() => PolicyRecommendationModel, {
    description:
      "Stores a recommendation as its staged policy (and the namespace-isolation tier when missing), targeted at its cluster by the cluster's labels; it is then ACCEPTED. PRECONDITION_FAILED when dismissed or enforced. Roles: owner, admin, editor.",
  })
  @RequirePermission('policies:write')
  async acceptPolicyRecommendation(
    @Args('input', { type: () => PolicyRecommendationRefInput, description: 'The recommendation.' })
    input: PolicyRecommendationRefInput,
    @Scope() scope: OrgScope,
  ): Promise<PolicyRecommendationModel> {
    const v = validateInput(refSchema, input);
    const settings = await this.recommendations.scope(scope);
    return toModel(await this.recommendations.accept(scope, v.id), settings.stabilizationSeconds);
  }

  @Mutation(() => PolicyRecommendationModel, {
    description: 'Sets a recommendation aside: DISMISSED, never updated again. Roles: owner, admin, editor.',
  })
  @RequirePermission('policies:write')
  async dismissPolicyRecommendation(
    @Args('input', { type: () => PolicyRecommendationRefInput, description: 'The recommendation.' })
    input: PolicyRecommendationRefInput,
    @Scope() scope: OrgScope,
  ): Promise<PolicyRecommendationModel> {
    const v = validateInput(refSchema, input);
    const settings = await this.recommendations.scope(scope);
    return toModel(await this.recommendations.dismiss(scope, v.id), settings.stabilizationSeconds);
  }

  @Mutation(() => RecommendationScopeModel, {
    description: "Changes the organisation's recommendation scope. Roles: owner, admin, editor.",
  })
  @RequirePermission('policies:write')
  async setRecommendationScope(
    @Args('input', { type: () => SetRecommendationScopeInput, description: 'The new settings.' })
    input: SetRecommendationScopeInput,
    @Scope() scope: OrgScope,
  ): Promise<RecommendationScopeModel> {
    const { orgSlug: _s, ...v } = validateInput(scopeSchema, input);
    const current = await this.recommendations.scope(scope);
    const next = {
      enabled: v.enabled ?? current.enabled,
      intervalSeconds: v.intervalSeconds ?? current.intervalSeconds,
      initialLookbackSeconds: v.initialLookbackSeconds ?? current.initialLookbackSeconds,
      stabilizationSeconds: v.stabilizationSeconds ?? current.stabilizationSeconds,
      excludedNamespacePrefixes: v.excludedNamespacePrefixes ?? current.excludedNamespacePrefixes,
      intraNamespace: v.intraNamespace ?? current.intraNamespace,
    };
    return toScopeModel(await this.recommendations.setScope(scope, next));
  }
}
