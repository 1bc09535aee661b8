// The dashboard's figures: the fleet's connection and policy states, denied flows of the last hour
// per cluster, and the busiest denied pairs of the service graph (recent changes come from the
// audit API).
import { useQueries, useQuery } from '@tanstack/react-query';
import { DashboardDeniedFlowsDocument, DashboardDocument } from '../../generated/graphql';
import { gqlRequest } from '../../lib/graphql-client';
import { keys } from '../../lib/query-keys';

const HOUR = 3_600_000;

export function useDashboard(slug: string) {
  return useQuery({
    queryKey: keys.dashboard(slug),
    queryFn: ({ signal }) => gqlRequest(DashboardDocument, { slug }, signal).then((d) => d.organization),
    refetchInterval: 30_000,
  });
}

/** Denied flows of the last hour, one count per cluster (counted exactly up to 10,000). */
export function useDeniedFlowCounts(slug: string, clusters: readonly string[]) {
  return useQueries({
    queries: clusters.map((cluster) => ({
      queryKey: [...keys.dashboard(slug), 'denied', cluster],
      queryFn: ({ signal }: { signal: AbortSignal }) =>
        gqlRequest(
          DashboardDeniedFlowsDocument,
          {
            slug,
            filter: {
              clusters: [cluster],
              actions: ['DENY'],
              timeRange: { from: new Date(Date.now() - HOUR).toISOString() },
            },
          },
          signal,
        ).then((d) => ({
          cluster,
          count: d.organization.flows.totalCount,
          exact: d.organization.flows.totalCountExact,
        })),
      refetchInterval: 60_000,
    })),
  });
}
