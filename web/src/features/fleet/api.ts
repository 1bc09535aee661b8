// Fleet configuration as clusters run it (decision 0091): a cluster's nodes and the organisation's
// encryption coverage. Both refresh on a short poll: nodes are reported by agents, not by this
// console, and no subscription announces them.
import { useQuery } from '@tanstack/react-query';
import { ClusterNodesDocument, EncryptionCoverageDocument } from '../../generated/graphql';
import { gqlRequest } from '../../lib/graphql-client';
import { keys } from '../../lib/query-keys';

const REFRESH_MS = 15_000;

export function useClusterNodes(slug: string, name: string) {
  return useQuery({
    queryKey: [...keys.cluster(slug, name), 'nodes'],
    queryFn: ({ signal }) =>
      gqlRequest(ClusterNodesDocument, { slug, name }, signal).then((d) => d.organization.cluster.nodes),
    refetchInterval: REFRESH_MS,
  });
}

export function useEncryptionCoverage(slug: string) {
  return useQuery({
    queryKey: [...keys.clusters(slug), 'encryption-coverage'],
    queryFn: ({ signal }) =>
      gqlRequest(EncryptionCoverageDocument, { slug }, signal).then((d) => d.organization.encryptionCoverage),
    refetchInterval: REFRESH_MS,
  });
}
