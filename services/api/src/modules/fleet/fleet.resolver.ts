// GraphQL of fleet configuration as clusters run it (decision 0091): Cluster.nodes (batched per
// page of clusters) and Organization.encryptionCoverage. Translation only; the rules are FleetService's.
import { Inject } from '@nestjs/common';
import { Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { RequirePermission, Scope } from '../../platform/access/decorators.js';
import type { OrgScope } from '../../platform/access/principal.js';
import { Loaders, type RequestLoaders } from '../../platform/graphql/request-loaders.js';
import { ClusterModel } from '../clusters/models/cluster.model.js';
import { OrganizationModel } from '../orgs/models/organization.model.js';
import { FleetService } from './fleet.service.js';
import { ClusterNodeModel, EncryptionCoverageModel } from './models/node.model.js';

@Resolver(() => ClusterModel)
export class ClusterNodesResolver {
  constructor(@Inject(FleetService) private readonly fleet: FleetService) {}

  @ResolveField('nodes', () => [ClusterNodeModel], {
    description:
      'Its nodes with dataplane and WireGuard state, by name, as the agent last reported them (empty before the first report). Roles: any.',
  })
  @RequirePermission('clusters:read')
  nodes(
    @Parent() cluster: ClusterModel,
    @Scope() scope: OrgScope,
    @Loaders() loaders: RequestLoaders,
  ): Promise<ClusterNodeModel[]> {
    return loaders.load(
      `cluster-nodes:${scope.orgId}`,
      cluster.id,
      (ids) => this.fleet.nodesOf(scope, ids),
      (id) => id,
    );
  }
}

@Resolver(() => OrganizationModel)
export class OrgEncryptionResolver {
  constructor(@Inject(FleetService) private readonly fleet: FleetService) {}

  @ResolveField('encryptionCoverage', () => EncryptionCoverageModel, {
    description:
      'Nodes encrypting in transit (WireGuard enabled and public key present) over nodes reported, per cluster and in total. Roles: any.',
  })
  @RequirePermission('clusters:read')
  encryptionCoverage(@Scope() scope: OrgScope): Promise<EncryptionCoverageModel> {
    return this.fleet.coverage(scope);
  }
}
