// Cross-cutting providers shared by every domain module.
import { Global, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { AccessGuard } from './access/access.guard.js';
import { OrgAccessService } from './access/org-access.service.js';
import { AuditWriter } from './audit/audit-writer.js';
import { AccessRevocations } from './auth/access-revocations.js';
import { Authenticator } from './auth/authenticator.js';
import { HealthController } from './health/health.controller.js';
import { ApiMetrics } from './health/metrics.js';
import { GraphQLPassthroughFilter } from './graphql/passthrough.filter.js';
import { SubscriptionGate } from './graphql/subscription-gate.js';
import { RateLimiter } from './rate-limit/rate-limiter.js';
import { RequestLimits } from './rate-limit/request-limits.js';

@Global()
@Module({
  controllers: [HealthController],
  providers: [
    ApiMetrics,
    AccessRevocations,
    Authenticator,
    OrgAccessService,
    AuditWriter,
    SubscriptionGate,
    RateLimiter,
    RequestLimits,
    { provide: APP_GUARD, useClass: AccessGuard },
    { provide: APP_FILTER, useClass: GraphQLPassthroughFilter },
  ],
  exports: [
    ApiMetrics,
    AccessRevocations,
    Authenticator,
    OrgAccessService,
    AuditWriter,
    SubscriptionGate,
    RequestLimits,
  ],
})
export class PlatformModule {}
