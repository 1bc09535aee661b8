// Redis names shared with the cluster gateways (docs/decisions/0006), from the one definition in
// @palisade/protocol/routing, plus the API's tolerant reader of a lease value.
import { redisKeys, type ClusterEvent, type ClusterLease } from '@palisade/protocol/routing';

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
