// Fleet configuration as the clusters run it (issue 18, decision 0091): reads the nodes gateways
// store and answers coverage, and notes which FelixConfiguration fields are not validated.
// Read-only; FelixConfiguration documents themselves are managed resources of the policies module.
// Depends on no other module's services.
import { Module } from '@nestjs/common';
import { FleetRepository } from './fleet.repository.js';
import { ClusterNodesResolver, OrgEncryptionResolver } from './fleet.resolver.js';
import { FleetService } from './fleet.service.js';
import { FelixNotesResolver } from './felix-notes.resolver.js';

@Module({
  providers: [FleetRepository, FleetService, ClusterNodesResolver, OrgEncryptionResolver, FelixNotesResolver],
})
export class FleetModule {}
