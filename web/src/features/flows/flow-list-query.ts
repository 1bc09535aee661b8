// The flow explorer's first request, one definition for the page and the route loader: the loader
// starts it with the viewer and the organisation, before the page's chunk has arrived, and the
// page's query finds it under the same key (decision 0200). In the shell, so kept to this.
import { infiniteQueryOptions } from '@tanstack/react-query';
import { FlowsDocument, type FlowFilter, type FlowSort } from '../../generated/graphql';
import { gqlRequest } from '../../lib/graphql-client';
import { keys } from '../../lib/query-keys';

export function flowListQuery(slug: string, filter: FlowFilter, sort: FlowSort) {
  return infiniteQueryOptions({
    queryKey: [...keys.flows(slug), 'list', filter, sort],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam, signal }) =>
      gqlRequest(
        FlowsDocument,
        { slug, filter, sort, ...(pageParam ? { after: pageParam } : {}) },
        signal,
      ).then((d) => d.organization.flows),
    getNextPageParam: (last) =>
      last.pageInfo.hasNextPage ? (last.pageInfo.endCursor ?? undefined) : undefined,
    // The window is anchored (the anchor is in the filter), so the page that the loader has just
    // fetched is not fetched again when the table mounts; new flows come from the live stream.
    staleTime: 30_000,
  });
}
