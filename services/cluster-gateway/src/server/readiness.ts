// `/readyz`: the gateway can accept tunnels only when both Postgres (authentication, status) and
// Redis (leases, routing) answer. Each check is bounded, so a hung dependency reports not-ready
// instead of hanging the probe.
import type { Redis } from 'ioredis';
import { READINESS_CHECK_TIMEOUT_MS } from '../limits.js';
import type { Database } from '../store/database.js';

export interface Readiness {
  readonly ready: boolean;
  readonly checks: { readonly database: boolean; readonly redis: boolean };
}

export async function checkReadiness(db: Database, redis: Redis): Promise<Readiness> {
  const [database, cache] = await Promise.all([
    bounded(db.query('SELECT 1').then(() => true)),
    bounded(redis.ping().then((reply) => reply === 'PONG')),
  ]);
  return { ready: database && cache, checks: { database, redis: cache } };
}

function bounded(check: Promise<boolean>): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), READINESS_CHECK_TIMEOUT_MS);
  });
  return Promise.race([check.catch(() => false), timeout]).finally(() => clearTimeout(timer));
}
