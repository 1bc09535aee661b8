// Liveness (/healthz: the process answers), readiness (/readyz: Postgres and Redis answer) and
// Prometheus metrics (/metrics).
import { Controller, Get, Inject, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
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
  async metricsEndpoint(@Res() reply: FastifyReply): Promise<void> {
    await reply.type(this.metrics.registry.contentType).send(await this.metrics.registry.metrics());
  }
}
