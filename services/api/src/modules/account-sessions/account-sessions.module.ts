import { Module } from '@nestjs/common';
import { AccountSessionsRepository } from './account-sessions.repository.js';
import { OrgSessionsResolver, ViewerSessionsResolver } from './account-sessions.resolver.js';
import { AccountSessionsService } from './account-sessions.service.js';

@Module({
  providers: [AccountSessionsRepository, AccountSessionsService, ViewerSessionsResolver, OrgSessionsResolver],
})
export class AccountSessionsModule {}
