// Redis names shared with the cluster gateways (docs/decisions/0006). Both sides must agree on
// every one of these; the gateway builds the same names from the same prefix.
export interface ClusterLease {
  gatewayId: string;
  sessionId: string;
  epoch: number;
  connectedAt: number;
  lastSeenAt: number;
  agentVersion: string | null;
  kubernetesVersion: string | null;
  calicoVersion: string | null;
  provider: string | null;
}

export interface ClusterStatusEvent {
  orgId: string;
  clusterId: string;
  status: 'CONNECTED' | 'DISCONNECTED';
  lastSeenAt: number | null;
  gatewayId: string | null;
}

export const clusterKeys = (prefix: string) => ({
  lease: (clusterId: string) => `${prefix}:cluster:${clusterId}:lease`,
  gatewayControl: (gatewayId: string) => `${prefix}:gateway:${gatewayId}:control`,
  clusterEvents: () => `${prefix}:cluster-events`,
  revocations: () => `${prefix}:cluster-revocations`,
  apiReplies: (instanceId: string) => `${prefix}:api:${instanceId}:replies`,
});

export function parseLease(raw: string | null): ClusterLease | null {
  if (!raw) return null;
  try {
    const v = JSON.parse(raw) as Partial<ClusterLease>;
    return typeof v.gatewayId === 'string' && typeof v.epoch === 'number' ? (v as ClusterLease) : null;
  } catch {
    return null;
  }
}
