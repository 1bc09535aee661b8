// Fixed-window counters in Redis, shared by every API replica: one atomic script adds to a bucket
// and returns its total and the time left in its window. Buckets live under REDIS_PREFIX:rl:.
// A Redis failure lets the request through (logged): the limits protect the API, and an outage of
// the limiter must not become an outage of the API.
import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { LOGGER } from '../http/logger.js';
import { RedisClient } from '../queue/redis.js';

const HIT = `
local n = redis.call('INCRBY', KEYS[1], ARGV[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  ttl = tonumber(ARGV[2])
end
return {n, ttl}`;

export interface Verdict {
  allowed: boolean;
  /** When the window ends; meaningful when not allowed. */
  retryAfterMs: number;
}

@Injectable()
export class RateLimiter {
  constructor(
    @Inject(RedisClient) private readonly redis: RedisClient,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  /** Adds `amount` to `bucket`; allowed while the window's total stays within `limit`. */
  async hit(bucket: string, amount: number, limit: number, windowMs: number): Promise<Verdict> {
    try {
      const [total, ttl] = (await this.redis.redis.eval(
        HIT,
        1,
        this.redis.key('rl', bucket),
        String(Math.max(0, Math.ceil(amount))),
        String(windowMs),
      )) as [number, number];
      return { allowed: total <= limit, retryAfterMs: Math.max(1, ttl) };
    } catch (err) {
      this.log.warn(
        { err: (err as Error).message, bucket },
        'rate limiter unavailable; letting the request through',
      );
      return { allowed: true, retryAfterMs: 0 };
    }
  }

  /** Whether `bucket` is already over `limit`, without adding to it. */
  async over(bucket: string, limit: number): Promise<Verdict> {
    try {
      const key = this.redis.key('rl', bucket);
      const [[, total], [, ttl]] = (await this.redis.redis.multi().get(key).pttl(key).exec()) as [
        [unknown, string | null],
        [unknown, number],
      ];
      return { allowed: Number(total ?? 0) < limit, retryAfterMs: Math.max(1, ttl) };
    } catch (err) {
      this.log.warn(
        { err: (err as Error).message, bucket },
        'rate limiter unavailable; letting the request through',
      );
      return { allowed: true, retryAfterMs: 0 };
    }
  }
}
