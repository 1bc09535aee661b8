// Keeps cluster status live: subscribes to clusterStatusChanged for the organisation and patches
// the cached list and detail in place (no refetch storm when a fleet reconnects), then refreshes
// the detail in the background for versions and inventory. Events missed while the live link was
// down are recovered by refetching once it is back (live-connection.ts).
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import {
  ClusterStatusChangedDocument,
  type ClusterStatusChangedSubscription,
  type ClustersQuery,
  type ClusterSummaryFragment,
} from '../../../generated/graphql';
import { keys } from '../../../lib/query-keys';
import { onLiveChange } from '../../../lib/live-connection';
import { subscribe } from '../../../lib/subscriptions';

type StatusEvent = ClusterStatusChangedSubscription['clusterStatusChanged'];
type ClusterList = ClustersQuery['organization']['clusters'];

export function applyStatusEvent(list: ClusterList, e: StatusEvent): ClusterList {
  return {
    ...list,
    edges: list.edges.map((edge) =>
      edge.node.id === e.clusterId
        ? {
            ...edge,
            node: { ...edge.node, status: e.status, lastSeenAt: e.lastSeenAt ?? edge.node.lastSeenAt },
          }
        : edge,
    ),
  };
}

/** Returns whether the live feed is refused (e.g. signed out), for a hint in the page. */
export function useLiveClusterStatus(slug: string): { liveError: string | null } {
  const qc = useQueryClient();
  const [liveError, setLiveError] = useState<string | null>(null);
  useEffect(
    () =>
      subscribe(
        ClusterStatusChangedDocument,
        { slug },
        {
          next: ({ clusterStatusChanged: e }) => {
            setLiveError(null);
            qc.setQueryData<ClusterList>(keys.clusters(slug), (old) =>
              old ? applyStatusEvent(old, e) : old,
            );
            qc.setQueryData<ClusterSummaryFragment>(keys.cluster(slug, e.name), (old) =>
              old ? { ...old, status: e.status, lastSeenAt: e.lastSeenAt ?? old.lastSeenAt } : old,
            );
            void qc.invalidateQueries({ queryKey: keys.cluster(slug, e.name) });
            void qc.invalidateQueries({ queryKey: keys.dashboard(slug) });
          },
          error: (err) => setLiveError(err.message),
        },
      ),
    [qc, slug],
  );
  useEffect(
    () =>
      onLiveChange((next, prev) => {
        if (prev.kind === 'down' && next.kind === 'live') {
          void qc.invalidateQueries({ queryKey: keys.clusters(slug) });
          void qc.invalidateQueries({ queryKey: keys.dashboard(slug) });
        }
      }),
    [qc, slug],
  );
  return { liveError };
}
