// The API's root module: platform (db, redis, auth, access, audit, health) plus the domain modules
// and the GraphQL endpoint (code-first, Mercurius on Fastify).
import { type DynamicModule, Module } from '@nestjs/common';
import { GraphQLModule } from '@nestjs/graphql';
import { MercuriusDriver, type MercuriusDriverConfig } from '@nestjs/mercurius';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { ENV, EnvModule } from './config/env.module.js';
import type { Env } from './config/env.js';
import { Authenticator } from './platform/auth/authenticator.js';
import { DbModule } from './platform/db/db.module.js';
import { formatGraphQLErrors } from './platform/graphql/error-formatter.js';
import { logInternalError } from './platform/errors/internal-error.js';
import { limitsRule } from './platform/graphql/complexity.js';
import { DateTimeScalar } from './platform/graphql/date-time.scalar.js';
import { checkIntrospectionAccess } from './platform/graphql/introspection-access.js';
import { rejectNul } from './platform/graphql/reject-nul.js';
import { describeRootTypes } from './platform/graphql/root-types.js';
import { type GuardedSocket, SubscriptionGate } from './platform/graphql/subscription-gate.js';
import { RequestLimits } from './platform/rate-limit/request-limits.js';
import { guardQueryTextHook } from './platform/graphql/text-guard.js';
import type { GqlContext } from './platform/graphql/context.js';
import { LOGGER } from './platform/http/logger.js';
import { PlatformModule } from './platform/platform.module.js';
import { RedisModule } from './platform/queue/redis.js';
import { AuditModule } from './modules/audit/audit.module.js';
import { AuthModule } from './modules/auth/auth.module.js';
import { MembersModule } from './modules/members/members.module.js';
import { OrgsModule } from './modules/orgs/orgs.module.js';
import { TokensModule } from './modules/tokens/tokens.module.js';
import { SsoModule } from './modules/sso/sso.module.js';
import { ViewerModule } from './modules/viewer/viewer.module.js';
import { ClustersModule } from './modules/clusters/clusters.module.js';
import { PoliciesModule } from './modules/policies/policies.module.js';
import { FlowsModule } from './modules/flows/flows.module.js';
import { PolicyPreviewModule } from './modules/policy-preview/policy-preview.module.js';
import { RecommendationsModule } from './modules/recommendations/recommendations.module.js';
import { FleetModule } from './modules/fleet/fleet.module.js';
import { ComplianceReportsModule } from './modules/compliance-reports/compliance-reports.module.js';
import { JobQueueModule } from './platform/queue/job-queue.js';
import { AccountSessionsModule } from './modules/account-sessions/account-sessions.module.js';
import { ScimModule } from './modules/scim/scim.module.js';

@Module({})
export class LoggerModule {
  static forRoot(logger: Logger): DynamicModule {
    return {
      module: LoggerModule,
      global: true,
      providers: [{ provide: LOGGER, useValue: logger }],
      exports: [LOGGER],
    };
  }
}

export function graphqlModule(): DynamicModule {
  return GraphQLModule.forRootAsync<MercuriusDriverConfig>({
    driver: MercuriusDriver,
    inject: [Authenticator, ENV, LOGGER, SubscriptionGate, RequestLimits],
    useFactory: (
      auth: Authenticator,
      env: Env,
      log: Logger,
      gate: SubscriptionGate,
      limits: RequestLimits,
    ): MercuriusDriverConfig => {
      const authenticate = (req: Parameters<Authenticator['authenticate']>[0], requireCsrf: boolean) =>
        auth.authenticate(req, { requireCsrf }).catch((err: unknown) => ({
          principal: null,
          error: logInternalError(log, err, 'authentication'),
        }));
      return {
        autoSchemaFile: true,
        sortSchema: true,
        transformSchema: describeRootTypes,
        buildSchemaOptions: { scalarsMap: [{ type: Date, scalar: DateTimeScalar }] },
        path: '/graphql',
        graphiql: env.NODE_ENV === 'development',
        fieldResolverEnhancers: ['guards'],
        validationRules: [
          limitsRule({
            maxDepth: env.GRAPHQL_MAX_DEPTH,
            maxComplexity: env.GRAPHQL_MAX_COMPLEXITY,
            maxAliases: env.GRAPHQL_MAX_ALIASES,
          }),
        ],
        hooks: {
          preParsing: [guardQueryTextHook],
          preSubscriptionParsing: [guardQueryTextHook],
          preExecution: [
            // A rate-limited request is refused as a whole, before anything runs; a caller's
            // operation is charged its cost (decision 0058).
            async (_schema, document, context) => {
              const ctx = context as unknown as GqlContext;
              if (ctx.authError?.code === 'RATE_LIMITED') throw ctx.authError;
              checkIntrospectionAccess(env.graphqlIntrospection, document, ctx.principal !== null);
              if (!ctx.principal) return;
              const refused = await limits.chargeGraphQL(ctx.principal, document);
              if (!refused) return;
              void ctx.reply.header('retry-after', String(refused.retryAfterSeconds));
              throw refused;
            },
            rejectNul,
          ],
        },
        errorFormatter: (execution) => formatGraphQLErrors(execution, log),
        // Must not throw: Mercurius would call it again to format the error and then hand the raw
        // error to Fastify, which prints its message. A failure becomes the request's auth error.
        context: async (req: FastifyRequest, reply: FastifyReply): Promise<GqlContext> => {
          const base = { req, reply, orgScopes: new Map(), fieldScopes: new WeakMap() };
          const limited = await limits.beforeAuthentication(req);
          if (limited) {
            void reply.header('retry-after', String(limited.retryAfterSeconds));
            return { ...base, principal: null, authError: limited };
          }
          const { principal, error } = await authenticate({ headers: req.headers }, true);
          if (error && error.code !== 'INTERNAL') await limits.authenticationFailed(req.ip);
          return { ...base, principal, authError: error };
        },
        // Subscriptions (graphql-ws over WebSocket): SubscriptionGate authenticates connection_init
        // (bearer token in the payload, or the session cookie from the console's own origin), closes
        // sockets that never send it or have no credential, and re-checks access while they live.
        subscription: {
          context: async (socket: GuardedSocket, req: FastifyRequest): Promise<Partial<GqlContext>> => ({
            req,
            fieldScopes: new WeakMap(),
            ...(await gate.contextFor(socket)),
          }),
        },
      };
    },
  });
}

@Module({})
export class AppModule {
  static forRoot(env: Env, logger: Logger): DynamicModule {
    return {
      module: AppModule,
      imports: [
        EnvModule.forRoot(env),
        LoggerModule.forRoot(logger),
        DbModule,
        RedisModule,
        JobQueueModule,
        PlatformModule,
        graphqlModule(),
        AuthModule,
        OrgsModule,
        MembersModule,
        TokensModule,
        SsoModule,
        AuditModule,
        ViewerModule,
        ClustersModule,
        PoliciesModule,
        FlowsModule,
        PolicyPreviewModule,
        RecommendationsModule,
        FleetModule,
        ComplianceReportsModule,
        AccountSessionsModule,
        ScimModule,
      ],
    };
  }
}
