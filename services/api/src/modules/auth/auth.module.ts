import { Module } from '@nestjs/common';
import { AuthController } from './auth.controller.js';
import { OidcClient } from './oidc-client.js';
import { SessionsService } from './sessions.service.js';
import { UsersRepository } from './users.repository.js';

@Module({
  controllers: [AuthController],
  providers: [OidcClient, SessionsService, UsersRepository],
  exports: [SessionsService, UsersRepository],
})
export class AuthModule {}
