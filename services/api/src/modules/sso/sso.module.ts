// Per-organisation single sign-on (issue 17 item 1): OIDC and SAML connections, verified email
// domains, group → role mappings, the browser endpoints under /sso and the owners' GraphQL. The
// "require SSO" gate for the platform sign-in (sso-sign-in-gate.ts) is provided by AuthModule.
import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { DomainProofResolver } from './domain-proof.js';
import { SsoController } from './sso.controller.js';
import { SsoOidc } from './sso-oidc.js';
import { SsoResolver } from './sso.resolver.js';
import { SsoSaml } from './sso-saml.js';
import { SsoSignInService } from './sso-sign-in.service.js';
import { SsoRepository } from './sso.repository.js';
import { SsoService } from './sso.service.js';

@Module({
  imports: [AuthModule],
  controllers: [SsoController],
  providers: [
    SsoRepository,
    SsoService,
    SsoSignInService,
    SsoOidc,
    SsoSaml,
    DomainProofResolver,
    SsoResolver,
  ],
  exports: [DomainProofResolver],
})
export class SsoModule {}
