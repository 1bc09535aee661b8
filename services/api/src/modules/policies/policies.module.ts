// Policy management (docs/decisions/0008, 0009): stored Calico / Kubernetes resources with
// revisions and audit, kubectl-style apply and export, tiers, promotion, drift modes, and the API
// side of rollout (desired state per cluster, sync status, the policySyncChanged subscription).
// Owns the policy_* tables and cluster_desired_state; reads, never writes, what gateways report.
import { Module } from '@nestjs/common';
import { ClustersModule } from '../clusters/clusters.module.js';
import { PoliciesRepository } from './policies.repository.js';
import { ClusterPolicySyncResolver, OrgPoliciesResolver, PoliciesResolver } from './policies.resolver.js';
import { PoliciesService } from './policies.service.js';
import { PolicySyncEvents } from './policy-sync-events.js';
import { PolicySyncService } from './policy-sync.service.js';
import { RolloutModule } from './rollout/rollout.module.js';

@Module({
  imports: [ClustersModule, RolloutModule],
  providers: [
    PoliciesRepository,
    PoliciesService,
    PolicySyncService,
    PolicySyncEvents,
    OrgPoliciesResolver,
    PoliciesResolver,
    ClusterPolicySyncResolver,
  ],
  // Accepting a recommendation (modules/recommendations) writes through the same rules.
  exports: [PoliciesService],
})
export class PoliciesModule {}
