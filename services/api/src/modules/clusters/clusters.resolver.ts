// GraphQL for clusters: Organization.clusters / .cluster, the inventory fields of Cluster, live
// agent health, registration, labels, deletion and the status subscription.
import { Inject } from '@nestjs/common';
import { Args, Mutation, Parent, ResolveField, Resolver, Subscription } from '@nestjs/graphql';
import { RequirePermission, Scope } from '../../platform/access/decorators.js';
import type { OrgScope } from '../../platform/access/principal.js';
import { PageArgs, type ConnectionShape } from '../../platform/graphql/connection.js';
import { offsetPage } from '../../platform/graphql/offset-page.js';
import { validateInput } from '../../platform/graphql/validate.js';
import { OrganizationModel } from '../orgs/models/organization.model.js';
import { ClusterEvents } from './cluster-events.js';
import type { ClusterStatusEvent } from './cluster-keys.js';
import { ClustersService, type ClusterView } from './clusters.service.js';
import {
  DeleteClusterInput,
  EndpointFilterArgs,
  RegisterClusterInput,
  UpdateClusterLabelsInput,
  deleteClusterSchema,
  registerClusterSchema,
  updateClusterLabelsSchema,
} from './dto/cluster.input.js';
import { isScoped } from '../../platform/access/roles.js';
import {
  AgentHealthModel,
  ClusterConnection,
  ClusterModel,
  ClusterNamespaceConnection,
  ClusterNamespaceModel,
  ClusterStatus,
  ClusterStatusEventModel,
  RegisterClusterPayload,
  WorkloadEndpointConnection,
  WorkloadEndpointModel,
} from './models/cluster.model.js';

const toLabels = (r: Record<string, string>) => Object.entries(r).map(([key, value]) => ({ key, value }));

export function toClusterModel(c: ClusterView): ClusterModel {
  return { ...c, labels: toLabels(c.labels), status: c.status as ClusterStatus };
}

@Resolver(() => OrganizationModel)
export class OrgClustersResolver {
  constructor(@Inject(ClustersService) private readonly clusters: ClustersService) {}

  @ResolveField('clusters', () => ClusterConnection, {
    description: 'Registered clusters, by name. Roles: any.',
  })
  @RequirePermission('clusters:read')
  clustersField(@Args() page: PageArgs, @Scope() scope: OrgScope): Promise<ConnectionShape<ClusterModel>> {
    return offsetPage(page, (skip, take) => this.clusters.list(scope, skip, take), toClusterModel);
  }

  @ResolveField('cluster', () => ClusterModel, {
    description: 'One cluster by name; NOT_FOUND when there is none. Roles: any.',
  })
  @RequirePermission('clusters:read')
  async cluster(
    @Args('name', { type: () => String, description: 'Name of the cluster.' }) name: string,
    @Scope() scope: OrgScope,
  ): Promise<ClusterModel> {
    return toClusterModel(await this.clusters.get(scope, name));
  }
}

@Resolver(() => ClusterModel)
export class ClustersResolver {
  constructor(
    @Inject(ClustersService) private readonly clusters: ClustersService,
    @Inject(ClusterEvents) private readonly events: ClusterEvents,
  ) {}

  @ResolveField('namespaces', () => ClusterNamespaceConnection, {
    description: 'Namespaces the agent last reported, by name. Roles: any.',
  })
  @RequirePermission('clusters:read')
  namespaces(
    @Parent() cluster: ClusterModel,
    @Args() page: PageArgs,
    @Args('search', {
      type: () => String,
      nullable: true,
      description: 'Only namespaces whose name contains this (case-sensitive).',
    })
    search: string | null,
    @Scope() scope: OrgScope,
  ): Promise<ConnectionShape<ClusterNamespaceModel>> {
    return offsetPage(
      page,
      (skip, take) => this.clusters.namespaces(scope, cluster.id, search, skip, take),
      (n) => ({ ...n, labels: toLabels(n.labels) }),
    );
  }

  @ResolveField('endpoints', () => WorkloadEndpointConnection, {
    description:
      'Workload endpoints (pods) the agent last reported, by namespace and name; filterable by namespace, name and label selector. Roles: any.',
  })
  @RequirePermission('clusters:read')
  endpoints(
    @Parent() cluster: ClusterModel,
    @Args() page: PageArgs,
    @Args() filter: EndpointFilterArgs,
    @Scope() scope: OrgScope,
  ): Promise<ConnectionShape<WorkloadEndpointModel>> {
    return offsetPage(
      page,
      (skip, take) => this.clusters.endpoints(scope, cluster.id, filter, skip, take),
      (e) => ({ ...e, labels: toLabels(e.labels) }),
    );
  }

  @ResolveField('agentHealth', () => AgentHealthModel, {
    description:
      'Asks the agent, live, through its tunnel. UNAVAILABLE when it is offline or does not answer within 10 s (CLUSTER_REQUEST_TIMEOUT). Roles: any.',
  })
  @RequirePermission('clusters:read')
  async agentHealth(@Parent() cluster: ClusterModel, @Scope() scope: OrgScope): Promise<AgentHealthModel> {
    return {
      report: await this.clusters.agentHealth(scope, cluster.id, cluster.name),
      receivedAt: new Date(),
    };
  }

  @Mutation(() => RegisterClusterPayload, {
    description:
      'Register a cluster (or re-register one to get a new enrollment token) and get its install command. Roles: owner, admin, editor.',
  })
  @RequirePermission('clusters:write')
  async registerCluster(
    @Args('input', {
      type: () => RegisterClusterInput,
      description: 'The organisation, the cluster name and labels.',
    })
    input: RegisterClusterInput,
    @Scope() scope: OrgScope,
  ): Promise<RegisterClusterPayload> {
    const v = validateInput(registerClusterSchema, input);
    const r = await this.clusters.register(scope, { name: v.name, labels: v.labels });
    return {
      cluster: toClusterModel(r.cluster),
      enrollmentToken: r.token,
      enrollmentExpiresAt: r.enrollmentExpiresAt,
      installCommand: r.installCommand,
      gatewayUrl: r.gatewayUrl,
    };
  }

  @Mutation(() => ClusterModel, {
    description:
      "Replace a cluster's labels; policies whose clusterSelector now matches (or no longer does) are rolled out. Roles: owner, admin, editor.",
  })
  @RequirePermission('clusters:write')
  async updateClusterLabels(
    @Args('input', {
      type: () => UpdateClusterLabelsInput,
      description: 'The organisation, the cluster name and its new labels.',
    })
    input: UpdateClusterLabelsInput,
    @Scope() scope: OrgScope,
  ): Promise<ClusterModel> {
    const v = validateInput(updateClusterLabelsSchema, input);
    return toClusterModel(await this.clusters.setLabels(scope, v.name, v.labels));
  }

  @Mutation(() => ClusterModel, {
    description:
      "Delete a cluster: revokes its agent's credential and closes its tunnel. Returns it as it was. Roles: owner, admin, editor.",
  })
  @RequirePermission('clusters:write')
  async deleteCluster(
    @Args('input', { type: () => DeleteClusterInput, description: 'The organisation and the cluster name.' })
    input: DeleteClusterInput,
    @Scope() scope: OrgScope,
  ): Promise<ClusterModel> {
    const v = validateInput(deleteClusterSchema, input);
    return toClusterModel(await this.clusters.delete(scope, v.name));
  }

  @Subscription(() => ClusterStatusEventModel, {
    description:
      'Connection status changes of the organisation’s clusters, as they happen (no initial snapshot: read Organization.clusters first). Roles: any.',
    resolve: (e: ClusterStatusEvent & { name: string }): ClusterStatusEventModel => ({
      clusterId: e.clusterId,
      name: e.name,
      status: e.status as ClusterStatus,
      lastSeenAt: e.lastSeenAt ? new Date(e.lastSeenAt) : null,
    }),
  })
  @RequirePermission('clusters:read')
  clusterStatusChanged(
    @Args('orgSlug', { type: () => String, description: 'Slug of the organisation.' }) _orgSlug: string,
    @Scope() scope: OrgScope,
  ): AsyncIterableIterator<unknown> {
    const source = this.events.stream(scope.orgId);
    const clusters = this.clusters;
    const named: AsyncIterableIterator<unknown> = {
      async next() {
        for (;;) {
          const r = await source.next();
          if (r.done) return r;
          const name = await clusters.statusEventName(scope, r.value.clusterId);
          // Outside a limited caller's scope the cluster reads as missing: say nothing of it.
          if (name === null && isScoped(scope.access)) continue;
          return { done: false, value: { ...r.value, name: name ?? r.value.clusterId } };
        }
      },
      return: () => source.return?.() ?? Promise.resolve({ done: true, value: undefined }),
      [Symbol.asyncIterator]: () => named,
    };
    return named;
  }
}
