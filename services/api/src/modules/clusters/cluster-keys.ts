// Redis names shared with the cluster gateways (docs/decisions/0006), from the one definition in
// @palisade/protocol/routing, plus the API's tolerant reader of lease values (one MGET for many
// clusters: the clusters list, rollout notices and sync status all read leases through it).
import { redisKeys, type ClusterEvent, type ClusterLease } from '@palisade/protocol/routing';
import type { RedisClient } from '../../platform/queue/redis.js';

export type { ClusterLease };
export type ClusterStatusEvent = ClusterEvent;

export const clusterKeys = (prefix: string) => {
  const k = redisKeys(prefix);
  return {
    lease: (clusterId: string) => k.clusterLease(clusterId),
    gatewayControl: (gatewayId: string) => k.gatewayControl(gatewayId),
    clusterEvents: () => k.clusterEvents,
    revocations: () => k.clusterRevocations,
    apiReplies: (instanceId: string) => k.apiReplies(instanceId),
  };
};

export function parseLease(raw: string | null): ClusterLease | null {
  if (!raw) return null;
  try {
    const v = JSON.parse(raw) as Partial<ClusterLease>;
    return typeof v.gatewayId === 'string' && typeof v.epoch === 'number' ? (v as ClusterLease) : null;
  } catch {
    return null;
  }
}

/** The current leases of `clusterIds` (absent: no gateway holds that cluster), in one MGET. */
export async function readLeases(
  redis: RedisClient,
  clusterIds: readonly string[],
): Promise<Map<string, ClusterLease>> {
  const out = new Map<string, ClusterLease>();
  if (clusterIds.length === 0) return out;
  const keys = redisKeys(redis.prefix);
  const raws = await redis.redis.mget(clusterIds.map((id) => keys.clusterLease(id)));
  clusterIds.forEach((id, i) => {
    const lease = parseLease(raws[i] ?? null);
    if (lease) out.set(id, lease);
  });
  return out;
}
