import { Module } from '@nestjs/common';
import { ScimAuthenticator } from './scim-auth.js';
import { ScimController } from './scim.controller.js';
import { ScimProvisioningService } from './scim-provisioning.service.js';
import { ScimRepository } from './scim.repository.js';
import { ScimResolver } from './scim.resolver.js';
import { ScimSettingsService } from './scim-settings.service.js';

@Module({
  controllers: [ScimController],
  providers: [ScimAuthenticator, ScimRepository, ScimProvisioningService, ScimSettingsService, ScimResolver],
})
export class ScimModule {}
