import { Module } from '@nestjs/common';
import { AuthController } from './auth.controller.js';
import { OidcClient } from './oidc-client.js';
import { SessionsService } from './sessions.service.js';
import { UsersRepository } from './users.repository.js';
import { SsoSignInGate } from '../sso/sso-sign-in-gate.js';

@Module({
  controllers: [AuthController],
  providers: [OidcClient, SessionsService, UsersRepository, SsoSignInGate],
  exports: [SessionsService, UsersRepository],
})
export class AuthModule {}
