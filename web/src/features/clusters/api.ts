// Clusters: list, detail, inventory, register/re-register, labels, delete. Mutations refresh the
// list and the detail; live status comes from hooks/use-live-cluster-status.ts.
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  ClusterDocument,
  ClusterEndpointsDocument,
  ClusterNamespacesDocument,
  ClusterPolicySyncDocument,
  ClustersDocument,
  DeleteClusterDocument,
  RegisterClusterDocument,
  UpdateClusterLabelsDocument,
  type ClusterSummaryFragment,
  type LabelInput,
} from '../../generated/graphql';
import { gqlRequest } from '../../lib/graphql-client';
import { keys } from '../../lib/query-keys';

export type ClusterSummary = ClusterSummaryFragment;

export function useClusters(slug: string) {
  return useQuery({
    queryKey: keys.clusters(slug),
    queryFn: ({ signal }) =>
      gqlRequest(ClustersDocument, { slug, first: 100 }, signal).then((d) => d.organization.clusters),
  });
}

export function useCluster(slug: string, name: string, opts: { pollMs?: number } = {}) {
  return useQuery({
    queryKey: keys.cluster(slug, name),
    queryFn: ({ signal }) =>
      gqlRequest(ClusterDocument, { slug, name }, signal).then((d) => d.organization.cluster),
    refetchInterval: opts.pollMs ?? false,
  });
}

export function useClusterPolicySync(slug: string, name: string) {
  return useQuery({
    queryKey: [...keys.cluster(slug, name), 'policy-sync'],
    queryFn: ({ signal }) =>
      gqlRequest(ClusterPolicySyncDocument, { slug, name }, signal).then(
        (d) => d.organization.cluster.policySync,
      ),
  });
}

export function useClusterNamespaces(slug: string, name: string, search: string) {
  return useQuery({
    queryKey: [...keys.cluster(slug, name), 'namespaces', search],
    queryFn: ({ signal }) =>
      gqlRequest(ClusterNamespacesDocument, { slug, name, ...(search ? { search } : {}) }, signal).then(
        (d) => d.organization.cluster.namespaces,
      ),
    placeholderData: (previous) => previous,
  });
}

export interface EndpointFilter {
  namespace?: string;
  search?: string;
  selector?: string;
}

/** Endpoints 50 a page; fetchNextPage continues after the last one shown. */
export function useClusterEndpoints(slug: string, name: string, filter: EndpointFilter) {
  return useInfiniteQuery({
    queryKey: [...keys.cluster(slug, name), 'endpoints', filter],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam, signal }) =>
      gqlRequest(
        ClusterEndpointsDocument,
        { slug, name, ...filter, ...(pageParam ? { after: pageParam } : {}) },
        signal,
      ).then((d) => d.organization.cluster.endpoints),
    getNextPageParam: (last) =>
      last.pageInfo.hasNextPage ? (last.pageInfo.endCursor ?? undefined) : undefined,
    placeholderData: (previous) => previous,
  });
}

export function useRegisterCluster(slug: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: { name: string; labels: LabelInput[] }) =>
      gqlRequest(RegisterClusterDocument, { input: { orgSlug: slug, ...input } }).then(
        (d) => d.registerCluster,
      ),
    onSuccess: () => qc.invalidateQueries({ queryKey: keys.clusters(slug) }),
  });
}

export function useUpdateClusterLabels(slug: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: { name: string; labels: LabelInput[] }) =>
      gqlRequest(UpdateClusterLabelsDocument, { input: { orgSlug: slug, ...input } }).then(
        (d) => d.updateClusterLabels,
      ),
    onSuccess: () => qc.invalidateQueries({ queryKey: keys.clusters(slug) }),
  });
}

export function useDeleteCluster(slug: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (name: string) =>
      gqlRequest(DeleteClusterDocument, { input: { orgSlug: slug, name } }).then((d) => d.deleteCluster),
    // Only the list: refetching the deleted cluster's own queries would answer NOT_FOUND under the
    // page that is about to leave it.
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: keys.clusters(slug), exact: true });
      void qc.invalidateQueries({ queryKey: keys.dashboard(slug) });
    },
  });
}
