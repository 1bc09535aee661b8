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
import { rejectNul } from './platform/graphql/reject-nul.js';
import { describeRootTypes } from './platform/graphql/root-types.js';
import type { GqlContext } from './platform/graphql/context.js';
import { LOGGER } from './platform/http/logger.js';
import { PlatformModule } from './platform/platform.module.js';
import { RedisModule } from './platform/queue/redis.js';
import { AuditModule } from './modules/audit/audit.module.js';
import { AuthModule } from './modules/auth/auth.module.js';
import { MembersModule } from './modules/members/members.module.js';
import { OrgsModule } from './modules/orgs/orgs.module.js';
import { TokensModule } from './modules/tokens/tokens.module.js';
import { ViewerModule } from './modules/viewer/viewer.module.js';
import { ClustersModule } from './modules/clusters/clusters.module.js';
import { PoliciesModule } from './modules/policies/policies.module.js';
import { ComplianceReportsModule } from './modules/compliance-reports/compliance-reports.module.js';
import { JobQueueModule } from './platform/queue/job-queue.js';

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
    inject: [Authenticator, ENV, LOGGER],
    useFactory: (auth: Authenticator, env: Env, log: Logger): MercuriusDriverConfig => {
      const authenticate = (req: Parameters<Authenticator['authenticate']>[0], requireCsrf: boolean) =>
        auth.authenticate(req, { requireCsrf }).catch((err: unknown) => ({
          principal: null,
          error: logInternalError(log, err, 'authentication'),
        }));
      return {
        autoSchemaFile: true,
        sortSchema: true,
        transformSchema: describeRootTypes,
        path: '/graphql',
        graphiql: env.NODE_ENV === 'development',
        fieldResolverEnhancers: ['guards'],
        validationRules: [limitsRule(env.GRAPHQL_MAX_DEPTH, env.GRAPHQL_MAX_COMPLEXITY)],
        hooks: { preExecution: rejectNul },
        errorFormatter: (execution) => formatGraphQLErrors(execution, log),
        // Must not throw: Mercurius would call it again to format the error and then hand the raw
        // error to Fastify, which prints its message. A failure becomes the request's auth error.
        context: async (req: FastifyRequest, reply: FastifyReply): Promise<GqlContext> => {
          const { principal, error } = await authenticate({ headers: req.headers }, true);
          return {
            req,
            reply,
            principal,
            authError: error,
            orgScopes: new Map(),
            fieldScopes: new WeakMap(),
          };
        },
        // Subscriptions (graphql-ws over WebSocket): a browser authenticates with its session cookie,
        // accepted only from the console's own origin (a WebSocket carries no CSRF header);
        // automation sends `{"authorization": "Bearer pal_…"}` as the connection_init payload.
        subscription: {
          context: async (_socket: unknown, req: FastifyRequest): Promise<Partial<GqlContext>> => {
            const base = { req, orgScopes: new Map(), fieldScopes: new WeakMap() };
            const fromBrowserOrigin = req.headers.origin === new URL(env.PUBLIC_ORIGIN).origin;
            if (!req.headers.cookie || !fromBrowserOrigin)
              return { ...base, principal: null, authError: null };
            const { principal, error } = await authenticate(
              { headers: { cookie: req.headers.cookie } },
              false,
            );
            return { ...base, principal, authError: error };
          },
          onConnect: async ({ payload }: { payload: unknown }) => {
            const authorization =
              payload && typeof payload === 'object'
                ? (payload as Record<string, unknown>)['authorization']
                : undefined;
            if (typeof authorization !== 'string') return true;
            const { principal, error } = await authenticate({ headers: { authorization } }, false);
            return { principal, authError: error };
          },
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
        AuditModule,
        ViewerModule,
        ClustersModule,
        PoliciesModule,
        ComplianceReportsModule,
      ],
    };
  }
}
