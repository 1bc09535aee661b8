// Redis connections. Every key Palisade writes goes under REDIS_PREFIX so test runs and
// deployments sharing one Redis never collide.
import { Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { Redis } from 'ioredis';
import { ENV } from '../../config/env.module.js';
import type { Env } from '../../config/env.js';

export class RedisClient {
  readonly redis: Redis;
  constructor(
    url: string,
    readonly prefix: string,
  ) {
    this.redis = new Redis(url, { lazyConnect: false, maxRetriesPerRequest: 2, enableOfflineQueue: true });
  }

  key(...parts: string[]): string {
    return [this.prefix, ...parts].join(':');
  }

  async ping(): Promise<void> {
    await this.redis.ping();
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

@Global()
@Module({
  providers: [
    {
      provide: RedisClient,
      inject: [ENV],
      useFactory: (env: Env) => new RedisClient(env.REDIS_URL, env.REDIS_PREFIX),
    },
  ],
  exports: [RedisClient],
})
export class RedisModule implements OnApplicationShutdown {
  constructor(@Inject(RedisClient) private readonly client: RedisClient) {}

  async onApplicationShutdown(): Promise<void> {
    await this.client.close();
  }
}
