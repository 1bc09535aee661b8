import { Module } from '@nestjs/common';
import { ClusterEvents } from './cluster-events.js';
import { ClusterRouter } from './cluster-router.js';
import { ClustersRepository } from './clusters.repository.js';
import { ClustersResolver, OrgClustersResolver } from './clusters.resolver.js';
import { ClustersService } from './clusters.service.js';
import { InstallCodes } from './install-codes.js';
import { InstallController } from './install.controller.js';
import { RolloutModule } from '../rollout/rollout.module.js';

@Module({
  imports: [RolloutModule],
  controllers: [InstallController],
  providers: [
    ClustersRepository,
    ClustersService,
    ClusterRouter,
    ClusterEvents,
    InstallCodes,
    ClustersResolver,
    OrgClustersResolver,
  ],
  exports: [ClustersService, ClusterRouter],
})
export class ClustersModule {}
