// The dashboard's figures: the fleet's connection states (recent changes come from the audit API).
import { useQuery } from '@tanstack/react-query';
import { DashboardDocument } from '../../generated/graphql';
import { gqlRequest } from '../../lib/graphql-client';
import { keys } from '../../lib/query-keys';

export function useDashboard(slug: string) {
  return useQuery({
    queryKey: keys.dashboard(slug),
    queryFn: ({ signal }) => gqlRequest(DashboardDocument, { slug }, signal).then((d) => d.organization),
    refetchInterval: 30_000,
  });
}
