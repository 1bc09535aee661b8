// The per-cluster ownership lease (decision 0006). Every accepted connection takes a new epoch
// (INCR), and every write to the lease is a compare-and-set on that epoch inside one Lua script,
// so a connection that lost the epoch can neither renew nor delete the newer owner's lease. The
// epoch never goes below the database's `lease_epoch`, so status fencing survives a Redis that
// lost its data.
import type { Redis } from 'ioredis';
import { LuaScript } from '../store/lua-script.js';
import type { ClusterLease, RedisKeys } from './keys.js';

const ACQUIRE = new LuaScript(`
local epoch = redis.call('INCR', KEYS[1])
local floor = tonumber(ARGV[1])
if epoch <= floor then
  epoch = floor + 1
  redis.call('SET', KEYS[1], epoch)
end
local previous = redis.call('GET', KEYS[2])
local lease = cjson.decode(ARGV[2])
lease.epoch = epoch
redis.call('SET', KEYS[2], cjson.encode(lease), 'PX', ARGV[3])
return {epoch, previous or ''}
`);

const RENEW = new LuaScript(`
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[3])
return 1
`);

const RELEASE = new LuaScript(`
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[2])
return 1
`);

export interface AcquiredLease {
  readonly epoch: number;
  /** The lease this one replaced, if it had not expired: its gateway must close its tunnel. */
  readonly previous: ClusterLease | undefined;
}

export type LeaseDraft = Omit<ClusterLease, 'epoch'>;

export class LeaseStore {
  readonly #redis: Redis;
  readonly #keys: RedisKeys;
  readonly #ttlMs: number;

  constructor(redis: Redis, keys: RedisKeys, ttlMs: number) {
    this.#redis = redis;
    this.#keys = keys;
    this.#ttlMs = ttlMs;
  }

  async acquire(clusterId: string, draft: LeaseDraft, epochFloor: number): Promise<AcquiredLease> {
    const reply = await ACQUIRE.run(
      this.#redis,
      [this.#keys.clusterEpoch(clusterId), this.#keys.clusterLease(clusterId)],
      [epochFloor, JSON.stringify({ ...draft, epoch: 0 }), this.#ttlMs],
    );
    if (!Array.isArray(reply) || typeof reply[0] !== 'number' || typeof reply[1] !== 'string') {
      throw new Error('unexpected reply from the lease script');
    }
    return { epoch: reply[0], previous: parseLease(reply[1]) };
  }

  /** False when a newer connection holds the epoch: the caller has been superseded. */
  async renew(clusterId: string, lease: ClusterLease): Promise<boolean> {
    const reply = await RENEW.run(
      this.#redis,
      [this.#keys.clusterEpoch(clusterId), this.#keys.clusterLease(clusterId)],
      [String(lease.epoch), JSON.stringify(lease), this.#ttlMs],
    );
    return reply === 1;
  }

  /** Deletes the lease only while `epoch` is still current. */
  async release(clusterId: string, epoch: number): Promise<boolean> {
    const reply = await RELEASE.run(
      this.#redis,
      [this.#keys.clusterEpoch(clusterId), this.#keys.clusterLease(clusterId)],
      [String(epoch)],
    );
    return reply === 1;
  }
}

function parseLease(text: string): ClusterLease | undefined {
  if (text === '') return undefined;
  try {
    const value = JSON.parse(text) as Partial<ClusterLease> | null;
    return value !== null && typeof value.gatewayId === 'string' && typeof value.epoch === 'number'
      ? (value as ClusterLease)
      : undefined;
  } catch {
    return undefined;
  }
}
