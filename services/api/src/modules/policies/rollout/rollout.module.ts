// The rollout half of policies that other modules may depend on: the clusters module imports this
// (not PoliciesModule) to recompute desired state when a cluster is registered or relabelled, which
// keeps the dependency one-way (policies → clusters → rollout).
import { Module } from '@nestjs/common';
import { DesiredStateService } from './desired-state.service.js';
import { RolloutRepository } from './rollout.repository.js';

@Module({
  providers: [RolloutRepository, DesiredStateService],
  exports: [DesiredStateService],
})
export class RolloutModule {}
