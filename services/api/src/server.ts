// Builds the API's Fastify/Nest application (used by main.ts, the tests and the benchmarks).
import 'reflect-metadata';
import fastifyWebsocket from '@fastify/websocket';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Logger } from 'pino';
import { AppModule } from './app.module.js';
import type { Env } from './config/env.js';
import { ApiMetrics } from './platform/health/metrics.js';
import { RequestLimits } from './platform/rate-limit/request-limits.js';
import { registerSecurityHeaders } from './platform/http/security-headers.js';
import { registerStaticConsole } from './platform/http/static-console.js';
import { SubscriptionGate } from './platform/graphql/subscription-gate.js';
import { registerScimContentType } from './modules/scim/scim.controller.js';

export async function createApiServer(env: Env, logger: Logger): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({ bodyLimit: env.BODY_LIMIT_BYTES, trustProxy: env.TRUST_PROXY });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(env, logger), adapter, {
    logger: ['error', 'warn'],
    abortOnError: false,
  });
  await registerSecurityHeaders(app, env);
  const metrics = app.get(ApiMetrics);
  const fastify = app.getHttpAdapter().getInstance();
  registerScimContentType(fastify);
  fastify.addHook('onResponse', async (req, reply) => {
    const route = req.routeOptions.url ?? 'unmatched';
    metrics.httpRequests.inc({ route, status: `${Math.floor(reply.statusCode / 100)}xx` });
    metrics.httpDuration.observe({ route }, reply.elapsedTime / 1000);
  });
  // Anonymous HTTP routes (sign-in, install manifests) count per client IP (decision 0058).
  const limits = app.get(RequestLimits);
  const limited = (url: string) => /^\/(auth|sso|v1\/install)(\/|\?|$)/.test(url);
  fastify.addHook('onRequest', async (req, reply) => {
    if (limited(req.url)) await limits.guardHttp(req, reply);
  });
  fastify.addHook('onResponse', async (req, reply) => {
    if (limited(req.url) && reply.statusCode !== 429) await limits.afterHttp(req, reply);
  });
  // The built web console, when there is one (npm start builds it first).
  registerStaticConsole(fastify, env.CONSOLE_DIR);
  // The WebSocket server for subscriptions is registered here, at the root, so that the gate can
  // guard it; Mercurius uses an already registered one (it would otherwise hide its own in a child
  // context). 1 MiB frames, Mercurius's own default.
  await app.register(fastifyWebsocket, { options: { maxPayload: 1024 * 1024 } });
  app.get(SubscriptionGate).attach(fastify.websocketServer);
  app.enableShutdownHooks();
  await app.init();
  return app;
}
