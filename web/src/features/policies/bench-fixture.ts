// Generated board data for bench/web: `count` policies spread over a handful of tiers, some staged,
// with cluster selectors and sync states, deterministic for a given count.
import type { SyncStatus } from '@palisade/policy/managed';
import type { BoardPolicy, BoardTier } from './model';

const TIERS = ['security', 'platform', 'application', 'default'];
const STATES: SyncStatus[] = ['IN_SYNC', 'IN_SYNC', 'IN_SYNC', 'PENDING', 'FAILED', 'DRIFTED'];

export function benchTiers(): Omit<BoardTier, 'policies'>[] {
  return TIERS.map((name, i) => ({
    name,
    order: name === 'default' ? 1_000_000 : (i + 1) * 100,
    defaultAction: name === 'default' ? 'Deny' : 'Pass',
    builtIn: name === 'default',
  }));
}

export function benchPolicies(count: number): BoardPolicy[] {
  return Array.from({ length: count }, (_, i): BoardPolicy => {
    const staged = i % 17 === 0;
    return {
      id: `p${i}`,
      kind: staged ? 'StagedNetworkPolicy' : i % 5 === 0 ? 'GlobalNetworkPolicy' : 'NetworkPolicy',
      namespace: i % 5 === 0 ? null : `ns-${i % 23}`,
      name: `policy-${String(i).padStart(4, '0')}`,
      tier: TIERS[i % TIERS.length] ?? 'default',
      order: i % 11 === 0 ? null : (i * 7919) % 1000,
      staged,
      clusterSelector: i % 3 === 0 ? '' : `env == "${i % 2 ? 'prod' : 'staging'}"`,
      clusters: [
        { name: 'prod-eu', status: STATES[i % STATES.length] ?? 'IN_SYNC' },
        { name: 'prod-us', status: 'IN_SYNC' },
      ],
    };
  });
}
