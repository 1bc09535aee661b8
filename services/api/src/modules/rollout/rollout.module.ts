// Rollout, API side (docs/decisions/0009): each cluster's desired state (computed in the transaction
// of the change that caused it, published to the owning gateway after commit) and the sync status
// the gateways report back, with its event stream. Beside policies and clusters, below both: the
// clusters module imports it to recompute desired state when a cluster is registered or relabelled,
// the policies module after every policy change and to serve sync status. It must never import
// either module (the dependency stays one-way: policies → clusters → rollout).
import { Module } from '@nestjs/common';
import { DesiredStateService } from './desired-state.service.js';
import { PolicySyncEvents } from './policy-sync-events.js';
import { PolicySyncService } from './policy-sync.service.js';
import { RolloutRepository } from './rollout.repository.js';

@Module({
  providers: [RolloutRepository, DesiredStateService, PolicySyncService, PolicySyncEvents],
  exports: [DesiredStateService, PolicySyncService, PolicySyncEvents],
})
export class RolloutModule {}
