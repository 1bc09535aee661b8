import { Module } from '@nestjs/common';
import { OrgsRepository } from './orgs.repository.js';
import { OrgsResolver } from './orgs.resolver.js';
import { OrgsService } from './orgs.service.js';

@Module({ providers: [OrgsRepository, OrgsService, OrgsResolver], exports: [OrgsService] })
export class OrgsModule {}
