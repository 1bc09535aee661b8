// Flow history (cursor-paged, one sort), filter suggestions and the live stream of new flows.
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import {
  FlowClustersDocument,
  FlowFilterHintsDocument,
  FlowsLiveDocument,
  type FlowFilter,
  type FlowFilterHintType,
  type FlowRowFieldsFragment,
  type FlowSort,
} from '../../generated/graphql';
import { gqlRequest } from '../../lib/graphql-client';
import { keys } from '../../lib/query-keys';
import { subscribe } from '../../lib/subscriptions';
import { flowListQuery } from './flow-list-query';

export type FlowRow = FlowRowFieldsFragment;
export type FlowHit = FlowRow['enforcedPolicies'][number];

export function useFlows(slug: string, filter: FlowFilter, sort: FlowSort) {
  return useInfiniteQuery({ ...flowListQuery(slug, filter, sort), placeholderData: (previous) => previous });
}

/** Values of one field among the flows `filter` matches (the field's own chips left out). */
export function useFlowHints(slug: string, type: FlowFilterHintType | undefined, filter: FlowFilter) {
  return useQuery({
    queryKey: [...keys.flows(slug), 'hints', type, filter],
    enabled: type !== undefined,
    queryFn: ({ signal }) =>
      gqlRequest(FlowFilterHintsDocument, { slug, type: type!, filter, first: 100 }, signal).then((d) =>
        d.organization.flowFilterHints.edges.map((e) => e.node.value),
      ),
    staleTime: 30_000,
    placeholderData: (previous) => previous,
  });
}

export function useFlowClusters(slug: string) {
  return useQuery({
    queryKey: [...keys.clusters(slug), 'names'],
    queryFn: ({ signal }) =>
      gqlRequest(FlowClustersDocument, { slug }, signal).then((d) =>
        d.organization.clusters.edges.map((e) => e.node.name),
      ),
    staleTime: 60_000,
  });
}

/**
 * Calls `onFlows` with each batch of new flows matching `filter` while `enabled`; the filter is
 * compared by value, so a re-render with an equal filter keeps the subscription.
 */
export function useLiveFlows(
  slug: string,
  filter: FlowFilter,
  enabled: boolean,
  onFlows: (flows: FlowRow[], truncated: boolean) => void,
): void {
  const handler = useRef(onFlows);
  handler.current = onFlows;
  const filterKey = JSON.stringify(filter);
  useEffect(() => {
    if (!enabled) return undefined;
    return subscribe(
      FlowsLiveDocument,
      { slug, filter: JSON.parse(filterKey) as FlowFilter },
      { next: (d) => handler.current(d.flowsLive.flows, d.flowsLive.truncated) },
    );
  }, [slug, filterKey, enabled]);
}
