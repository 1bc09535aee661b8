// Rate limits on tunnel set-up, shared by every gateway through Redis (issue 20, decision 0058):
// upgrades and failed authentications per client IP, accepted connections per cluster. Fixed
// windows, one atomic script per check. A Redis failure admits the connection (logged): the
// limits protect the gateway, and their own outage must not disconnect the fleet.
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { GatewayTuning } from '../limits.js';
import { LuaScript } from '../store/lua-script.js';

// Adds ARGV[1] (0 only reads) and returns the window's total and the milliseconds left in it.
const HIT = new LuaScript(`
local n = redis.call('INCRBY', KEYS[1], ARGV[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  ttl = tonumber(ARGV[2])
end
return {n, ttl}`);

type Limits = Pick<
  GatewayTuning,
  'connectRateWindowMs' | 'connectsPerIp' | 'failedAuthsPerIp' | 'connectsPerCluster'
>;

export class ConnectLimiter {
  readonly #redis: Redis;
  readonly #prefix: string;
  readonly #limits: Limits;
  readonly #log: Logger;

  constructor(redis: Redis, redisPrefix: string, limits: Limits, log: Logger) {
    this.#redis = redis;
    this.#prefix = `${redisPrefix}:gateway-rl`;
    this.#limits = limits;
    this.#log = log;
  }

  /**
   * An upgrade from `ip`: refused (the milliseconds to wait) when the IP is over its failed
   * authentications or its upgrades; null when admitted.
   */
  async admitUpgrade(ip: string): Promise<number | null> {
    const failed = await this.#hit(`auth-failed:${ip}`, 0);
    if (failed && failed.total >= this.#limits.failedAuthsPerIp) return failed.retryAfterMs;
    const connects = await this.#hit(`connects:${ip}`, 1);
    return connects && connects.total > this.#limits.connectsPerIp ? connects.retryAfterMs : null;
  }

  /** A hello from `ip` whose token or credential was refused. */
  async authenticationFailed(ip: string): Promise<void> {
    await this.#hit(`auth-failed:${ip}`, 1);
  }

  /** An authenticated connection of `clusterId`: refused (ms to wait) beyond the cluster's limit. */
  async admitCluster(clusterId: string): Promise<number | null> {
    const connects = await this.#hit(`cluster-connects:${clusterId}`, 1);
    return connects && connects.total > this.#limits.connectsPerCluster ? connects.retryAfterMs : null;
  }

  async #hit(bucket: string, amount: number): Promise<{ total: number; retryAfterMs: number } | null> {
    try {
      const [total, ttl] = (await HIT.run(
        this.#redis,
        [`${this.#prefix}:${bucket}`],
        [amount, this.#limits.connectRateWindowMs],
      )) as [number, number];
      return { total, retryAfterMs: Math.max(1, ttl) };
    } catch (error) {
      this.#log.warn({ err: error, bucket }, 'connect rate limiter unavailable; admitting');
      return null;
    }
  }
}
