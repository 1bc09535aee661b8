import { Module } from '@nestjs/common';
import { ClustersModule } from '../clusters/clusters.module.js';
import { FlowEvents } from './flow-events.js';
import { FlowSettingsRepository } from './flow-settings.repository.js';
import { FLOW_STORE } from './flow-store.js';
import { FlowsRepository } from './flows.repository.js';
import { ClusterFlowsResolver, OrgFlowsResolver } from './flows.resolver.js';
import { FlowsService } from './flows.service.js';

@Module({
  imports: [ClustersModule],
  providers: [
    { provide: FLOW_STORE, useClass: FlowsRepository },
    FlowSettingsRepository,
    FlowEvents,
    FlowsService,
    OrgFlowsResolver,
    ClusterFlowsResolver,
  ],
  // The impact preview (modules/policy-preview) replays stored flow keys through the same store.
  exports: [FLOW_STORE],
})
export class FlowsModule {}
