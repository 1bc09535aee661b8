// The dashboard's figures: the fleet's connection and policy states, denied flows of the last hour
// per cluster, and the busiest denied pairs of the service graph (recent changes come from the
// audit API).
import { useQueries, useQuery } from '@tanstack/react-query';
import {
  DashboardDeniedFlowsDocument,
  DashboardDocument,
  DashboardNextReportsDocument,
} from '../../generated/graphql';
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

/** The compliance report definitions with their next scheduled run. */
export function useNextReports(slug: string) {
  return useQuery({
    queryKey: [...keys.dashboard(slug), 'next-reports'],
    queryFn: ({ signal }) =>
      gqlRequest(DashboardNextReportsDocument, { slug }, signal).then(
        (d) => d.organization.reportDefinitions,
      ),
    refetchInterval: 60_000,
  });
}

export interface ScheduledReport {
  name: string;
  type: string;
  schedule: string;
  suspend: boolean;
  nextRunTimes: readonly string[];
}

/** The next `limit` scheduled runs, soonest first; suspended definitions are counted apart. */
export function nextScheduledReports<T extends ScheduledReport>(
  defs: readonly T[],
  limit = 5,
): { next: (T & { at: string })[]; suspended: number } {
  const next = defs
    .filter((d) => !d.suspend && d.nextRunTimes[0] !== undefined)
    .map((d) => ({ ...d, at: d.nextRunTimes[0]! }))
    .sort((a, b) => Date.parse(a.at) - Date.parse(b.at) || (a.name < b.name ? -1 : 1))
    .slice(0, limit);
  return { next, suspended: defs.filter((d) => d.suspend).length };
}
