// Policy sync status as the API reports it (docs/decisions/0009): the desired generation (API), what
// the agent applied and reported (gateways write cluster_sync_status / cluster_resource_status) and
// whether a gateway holds the cluster's lease right now. DISCONNECTED is never stored: it is the
// absence of a lease, so status and routing agree (decision 0006). Reads many clusters or many
// resources in one transaction and one lease lookup, so per-item fields batch (decision 0025).
// Read-only; knows nothing of GraphQL.
import { Inject, Injectable } from '@nestjs/common';
import type { PolicyResource } from '@palisade/policy';
import {
  managedRef,
  refKey,
  refOf,
  clusterMatcher,
  storedSyncStatus,
  type ClusterLabels,
  type ManagedRef,
  type SyncStatus,
} from '@palisade/policy/managed';
import type { Cluster, ClusterResourceStatus, ClusterSyncStatus } from '../../generated/prisma/client.js';
import type { OrgScope } from '../../platform/access/principal.js';
import { Database } from '../../platform/db/database.js';
import { RedisClient } from '../../platform/queue/redis.js';
import { readLeases } from '../clusters/cluster-keys.js';
import { clusterView, type ClusterView } from '../clusters/clusters.service.js';
import type { PolicyView } from '../policies/policy-views.js';
import { RolloutRepository } from './rollout.repository.js';

/**
 * What the status of a resource in its clusters depends on: its selector and the name its object
 * has in the clusters (`clusterRefOf`: a FelixConfiguration's applies-as name, else its own).
 */
export type SyncTarget = Pick<PolicyView, 'kind' | 'namespace' | 'name' | 'clusterSelector' | 'builtin'> & {
  clusterName: string;
};

export interface ResourceSyncView {
  ref: ManagedRef;
  status: SyncStatus;
  message: string | null;
  diff: unknown;
  generation: number | null;
  reportedAt: Date | null;
}

export interface ClusterSyncView {
  clusterId: string;
  orgId: string;
  generation: number | null;
  appliedGeneration: number | null;
  status: SyncStatus;
  error: string | null;
  reportedAt: Date | null;
  resources: ResourceSyncView[];
}

export interface ResourceClusterStatusView {
  cluster: ClusterView;
  status: SyncStatus;
  message: string | null;
  diff: unknown;
}

function pushedRef(o: unknown): ManagedRef | null {
  const r = o as PolicyResource;
  if (typeof r?.metadata?.name !== 'string') return null;
  return refOf(r);
}

/** One resource in one cluster, from the facts (see decision 0009 for the precedence). */
export function resourceStatus(
  connected: boolean,
  desired: number | null,
  applied: number | null,
  row: Pick<ClusterResourceStatus, 'generation' | 'status' | 'message' | 'diff'> | undefined,
): { status: SyncStatus; message: string | null; diff: unknown } {
  if (!connected) return { status: 'DISCONNECTED', message: row?.message ?? null, diff: null };
  if (desired === null || applied === null || applied < desired || !row || Number(row.generation) < desired)
    return { status: 'PENDING', message: null, diff: null };
  return { status: storedSyncStatus(row.status), message: row.message, diff: row.diff ?? null };
}

/** One cluster's sync status from its facts (see decision 0009 for the precedence). */
function syncView(
  orgId: string,
  clusterId: string,
  connected: boolean,
  desired: number | null,
  sync: ClusterSyncStatus | undefined,
  rows: readonly ClusterResourceStatus[],
  pushedResources: unknown,
): ClusterSyncView {
  const applied = sync ? Number(sync.appliedGeneration) : null;
  const byRef = new Map(
    rows.map((r) => [refKey(managedRef({ kind: r.resourceKind, namespace: r.namespace, name: r.name })), r]),
  );
  const listed: ResourceSyncView[] = [];
  const seen = new Set<string>();
  for (const o of Array.isArray(pushedResources) ? (pushedResources as unknown[]) : []) {
    const ref = pushedRef(o);
    if (!ref) continue;
    const key = refKey(ref);
    seen.add(key);
    const row = byRef.get(key);
    listed.push({
      ref,
      ...resourceStatus(connected, desired, applied, row),
      generation: row ? Number(row.generation) : null,
      reportedAt: row?.reportedAt ?? null,
    });
  }
  // Results for objects no longer desired (e.g. a prune that failed) stay visible until pruned.
  for (const r of rows) {
    const ref = managedRef({ kind: r.resourceKind, namespace: r.namespace, name: r.name });
    if (seen.has(refKey(ref))) continue;
    listed.push({
      ref,
      status: connected ? storedSyncStatus(r.status) : 'DISCONNECTED',
      message: r.message,
      diff: r.diff ?? null,
      generation: Number(r.generation),
      reportedAt: r.reportedAt,
    });
  }
  let status: SyncStatus;
  if (!connected) status = 'DISCONNECTED';
  // No row: the organisation changed no policy since the cluster was registered before
  // migration 0003, so nothing is desired and there is nothing to wait for.
  else if (desired === null) status = 'IN_SYNC';
  else if (applied === null || applied < desired) status = 'PENDING';
  else if (sync?.status === 'FAILED' || listed.some((r) => r.status === 'FAILED')) status = 'FAILED';
  else if (sync?.status === 'DRIFTED' || listed.some((r) => r.status === 'DRIFTED')) status = 'DRIFTED';
  else if (listed.some((r) => r.status === 'PENDING')) status = 'PENDING';
  else status = 'IN_SYNC';
  return {
    clusterId,
    orgId,
    generation: desired,
    appliedGeneration: applied,
    status,
    error: sync?.error ?? null,
    reportedAt: sync?.reportedAt ?? null,
    resources: listed,
  };
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = out.get(k);
    if (list) list.push(item);
    else out.set(k, [item]);
  }
  return out;
}

@Injectable()
export class PolicySyncService {
  constructor(
    @Inject(Database) private readonly db: Database,
    @Inject(RolloutRepository) private readonly repo: RolloutRepository,
    @Inject(RedisClient) private readonly redis: RedisClient,
  ) {}

  async clusterSync(scope: OrgScope, clusterId: string): Promise<ClusterSyncView> {
    const [view] = await this.clusterSyncs(scope, [clusterId]);
    return view!;
  }

  /**
   * clusterSync for several clusters in one read and one lease lookup, in the order of
   * `clusterIds` (a list page's Cluster.policySync fields are batched into this).
   */
  async clusterSyncs(scope: OrgScope, clusterIds: readonly string[]): Promise<ClusterSyncView[]> {
    if (clusterIds.length === 0) return [];
    const [desiredRows, syncRows, statusRows, resourceRows] = await this.db.read(scope, (db) => [
      this.repo.desiredGenerations(db, scope.orgId, clusterIds),
      this.repo.syncStatuses(db, scope.orgId, clusterIds),
      this.repo.resourceStatusesOf(db, scope.orgId, clusterIds),
      this.repo.desiredResourcesOf(db, scope.orgId, clusterIds),
    ]);
    const leases = await readLeases(this.redis, clusterIds);
    const desired = new Map(desiredRows.map((d) => [d.clusterId, Number(d.generation)]));
    const syncs = new Map(syncRows.map((s) => [s.clusterId, s]));
    const pushed = new Map(resourceRows.map((r) => [r.clusterId, r.resources]));
    const statuses = groupBy(statusRows, (r) => r.clusterId);
    return clusterIds.map((clusterId) =>
      syncView(
        scope.orgId,
        clusterId,
        leases.has(clusterId),
        desired.get(clusterId) ?? null,
        syncs.get(clusterId),
        statuses.get(clusterId) ?? [],
        pushed.get(clusterId),
      ),
    );
  }

  /**
   * Each resource's status in every cluster its selector targets (built-in tiers target none), in
   * the order of `targets`, from one read and one lease lookup (a page's
   * PolicyResource.clusterStatus fields are batched into this).
   */
  async resourcesClusters(
    scope: OrgScope,
    targets: readonly SyncTarget[],
  ): Promise<ResourceClusterStatusView[][]> {
    const wanted = targets.filter((t) => !t.builtin);
    if (wanted.length === 0) return targets.map(() => []);
    const refs: ManagedRef[] = wanted.map((t) => ({
      kind: t.kind,
      namespace: t.namespace,
      name: t.clusterName,
    }));
    const [clusters, desiredRows, syncRows, rows] = await this.db.read(scope, (db) => [
      this.repo.clusterRows(db, scope.orgId),
      this.repo.desiredGenerations(db, scope.orgId),
      this.repo.syncStatuses(db, scope.orgId),
      this.repo.statusesOfResources(db, scope.orgId, refs),
    ]);
    const labelled = clusters.map((c: Cluster) => ({
      cluster: c,
      labels: (c.labels ?? {}) as ClusterLabels,
    }));
    const targetedBy = targets.map((t) => {
      if (t.builtin) return [];
      const matches = clusterMatcher(t.clusterSelector);
      return labelled.filter((c) => matches(c.labels)).map((c) => c.cluster);
    });
    const leases = await readLeases(this.redis, [...new Set(targetedBy.flat().map((c) => c.id))]);
    const desired = new Map(desiredRows.map((d) => [d.clusterId, Number(d.generation)]));
    const applied = new Map(syncRows.map((s) => [s.clusterId, Number(s.appliedGeneration)]));
    const byResourceAndCluster = new Map(
      rows.map((r) => [
        `${refKey(managedRef({ kind: r.resourceKind, namespace: r.namespace, name: r.name }))}\u0000${r.clusterId}`,
        r,
      ]),
    );
    return targets.map((t, i) => {
      const key = refKey({ kind: t.kind, namespace: t.namespace, name: t.clusterName });
      return targetedBy[i]!.map((c) => {
        const lease = leases.get(c.id);
        return {
          cluster: clusterView(c, lease),
          ...resourceStatus(
            lease !== undefined,
            desired.get(c.id) ?? null,
            applied.get(c.id) ?? null,
            byResourceAndCluster.get(`${key}\u0000${c.id}`),
          ),
        };
      });
    });
  }

  async clusterName(scope: OrgScope, clusterId: string): Promise<string | null> {
    const [c] = await this.db.read(scope, (db) => [this.repo.clusterById(db, scope.orgId, clusterId)]);
    return c?.name ?? null;
  }
}
