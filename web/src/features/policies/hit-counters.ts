// The board's hit counters: connections each policy allowed, denied and passed in the last 24
// hours, from policyStatistics (decision 0078). Statistics name policies by their trace kind; the
// board by the managed kind — both meet at the managed reference key.
import { refKey } from '@palisade/policy/managed';
import { useQuery } from '@tanstack/react-query';
import { PolicyHitCountsDocument } from '../../generated/graphql';
import { gqlRequest } from '../../lib/graphql-client';
import { keys } from '../../lib/query-keys';
import { managedKindOf } from '../flows/policy-link';
import type { BoardPolicy, BoardTier } from './model';

export const HIT_WINDOW_MS = 24 * 3_600_000;
/** At most this many pages of 100 policies are read (10,000 policies). */
const MAX_PAGES = 100;

export interface PolicyHits {
  allowed: number;
  denied: number;
  passed: number;
}

export function usePolicyHits(slug: string, enabled: boolean) {
  return useQuery({
    queryKey: [...keys.policies(slug), 'hits'],
    enabled,
    refetchInterval: 60_000,
    queryFn: async ({ signal }) => {
      const timeRange = { from: new Date(Date.now() - HIT_WINDOW_MS).toISOString() };
      const out = new Map<string, PolicyHits>();
      let after: string | undefined;
      for (let page = 0; page < MAX_PAGES; page++) {
        const d = await gqlRequest(
          PolicyHitCountsDocument,
          { slug, timeRange, ...(after ? { after } : {}) },
          signal,
        );
        const conn = d.organization.policyStatistics;
        for (const { node } of conn.edges) {
          const kind = managedKindOf(node.kind);
          if (!kind) continue;
          out.set(refKey({ kind, namespace: node.namespace ?? null, name: node.name }), {
            allowed: node.allowed.connectionsStarted,
            denied: node.denied.connectionsStarted,
            passed: node.passed.connectionsStarted,
          });
        }
        if (!conn.pageInfo.hasNextPage || !conn.pageInfo.endCursor) break;
        after = conn.pageInfo.endCursor;
      }
      return out;
    },
  });
}

/** The board with each policy's counters (zero for a policy that had no hit in the window). */
export function withHits(tiers: readonly BoardTier[], hits: ReadonlyMap<string, PolicyHits>): BoardTier[] {
  const zero: PolicyHits = { allowed: 0, denied: 0, passed: 0 };
  return tiers.map((t) => ({
    ...t,
    policies: t.policies.map((p: BoardPolicy) => ({ ...p, hits: hits.get(refKey(p)) ?? zero })),
  }));
}
