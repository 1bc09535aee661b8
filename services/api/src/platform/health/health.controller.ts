// Liveness (/healthz: the process answers), readiness (/readyz: Postgres and Redis answer) and
// Prometheus metrics (/metrics). /metrics shares the public origin, so it is behind METRICS_TOKEN
// (Bearer), and absent in production without one: route and error counts are reconnaissance.
import { Controller, Get, Inject, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ENV } from '../../config/env.module.js';
import type { Env } from '../../config/env.js';
import { safeEqual } from '../auth/secrets.js';
import { Database } from '../db/database.js';
import { check } from './check.js';
import { RedisClient } from '../queue/redis.js';
import { ApiMetrics } from './metrics.js';

@Controller()
export class HealthController {
  constructor(
    @Inject(Database) private readonly db: Database,
    @Inject(RedisClient) private readonly redis: RedisClient,
    @Inject(ApiMetrics) private readonly metrics: ApiMetrics,
    @Inject(ENV) private readonly env: Env,
  ) {}

  @Get('healthz')
  healthz(): { status: string } {
    return { status: 'ok' };
  }

  @Get('readyz')
  async readyz(@Res() reply: FastifyReply): Promise<void> {
    const [database, redis] = await Promise.all([
      check(() => this.db.ping()),
      check(() => this.redis.ping()),
    ]);
    const ready = database === 'ok' && redis === 'ok';
    await reply
      .code(ready ? 200 : 503)
      .send({ status: ready ? 'ready' : 'not ready', checks: { database, redis } });
  }

  @Get('metrics')
  async metricsEndpoint(@Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const token = this.env.METRICS_TOKEN;
    if (token === undefined && this.env.NODE_ENV === 'production') {
      await reply.code(404).send({ error: 'not found' });
      return;
    }
    if (token !== undefined && !safeEqual(req.headers.authorization ?? '', `Bearer ${token}`)) {
      await reply
        .code(401)
        .header('www-authenticate', 'Bearer')
        .send({ error: 'a metrics token is required' });
      return;
    }
    await reply.type(this.metrics.registry.contentType).send(await this.metrics.registry.metrics());
  }
}
