// Redis names and messages of the rollout contract (docs/decisions/0009), shared with the cluster
// gateways, which build the same names from the same prefix. Lease and control channel are those of
// decision 0006 (modules/clusters/cluster-keys.ts).

/** On `P:gateway:{gatewayId}:control`: "cluster X should run generation N; push it if it does not". */
export interface DesiredStateNotice {
  kind: 'desired';
  clusterId: string;
  generation: number;
}

/**
 * On `P:policy-sync-events`: something about a cluster's policy sync changed. Gateways publish it
 * after writing apply results (source 'gateway'); the API after a new generation (source 'api').
 * Subscribers re-read the status: the event only says where to look.
 */
export interface PolicySyncEvent {
  orgId: string;
  clusterId: string;
  generation: number | null;
  source: 'api' | 'gateway';
}

export const rolloutKeys = (prefix: string) => ({
  policySyncEvents: () => `${prefix}:policy-sync-events`,
});

export function parsePolicySyncEvent(text: string): PolicySyncEvent | null {
  try {
    const v = JSON.parse(text) as Partial<PolicySyncEvent>;
    if (typeof v.orgId !== 'string' || typeof v.clusterId !== 'string') return null;
    return {
      orgId: v.orgId,
      clusterId: v.clusterId,
      generation: typeof v.generation === 'number' ? v.generation : null,
      source: v.source === 'api' ? 'api' : 'gateway',
    };
  } catch {
    return null;
  }
}
