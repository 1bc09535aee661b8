// Policy management (docs/decisions/0008): stored Calico / Kubernetes resources with revisions and
// audit, kubectl-style apply and export, tiers, promotion, drift modes, and the GraphQL face of
// their rollout (PolicyResource.clusterStatus, Cluster.policySync, policySyncChanged), served by the
// rollout module (modules/rollout), which owns desired state and sync status. Owns the policy_*
// tables; never writes what gateways report.
import { Module } from '@nestjs/common';
import { PoliciesRepository } from './policies.repository.js';
import { ClusterPolicySyncResolver, OrgPoliciesResolver, PoliciesResolver } from './policies.resolver.js';
import { PoliciesService } from './policies.service.js';
import { PolicyChangesService } from './policy-changes.service.js';
import { PolicyWriter } from './policy-writer.js';
import { RolloutModule } from '../rollout/rollout.module.js';

@Module({
  imports: [RolloutModule],
  providers: [
    PoliciesRepository,
    PoliciesService,
    PolicyChangesService,
    PolicyWriter,
    OrgPoliciesResolver,
    PoliciesResolver,
    ClusterPolicySyncResolver,
  ],
  // Accepting a recommendation (modules/recommendations) writes through the same rules.
  exports: [PoliciesService, PolicyChangesService],
})
export class PoliciesModule {}
