// Who talked to whom in a window (the API bounds the graph and says when it left edges out).
import { useQuery } from '@tanstack/react-query';
import { ServiceGraphDocument, type TimeRange } from '../../generated/graphql';
import { gqlRequest } from '../../lib/graphql-client';
import { keys } from '../../lib/query-keys';

export function useServiceGraph(
  slug: string,
  clusters: string[] | undefined,
  timeRange: TimeRange | undefined,
) {
  return useQuery({
    queryKey: [...keys.flows(slug), 'graph', clusters ?? null, timeRange ?? null],
    queryFn: ({ signal }) =>
      gqlRequest(
        ServiceGraphDocument,
        { slug, ...(clusters?.length ? { clusters } : {}), ...(timeRange ? { timeRange } : {}) },
        signal,
      ).then((d) => d.organization.serviceGraph),
    placeholderData: (previous) => previous,
    refetchInterval: 60_000,
  });
}
