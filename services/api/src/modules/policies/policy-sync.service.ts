// Policy sync status as the API reports it (docs/decisions/0009): the desired generation (API), what
// the agent applied and reported (gateways write cluster_sync_status / cluster_resource_status) and
// whether a gateway holds the cluster's lease right now. DISCONNECTED is never stored: it is the
// absence of a lease, so status and routing agree (decision 0006). Knows nothing of GraphQL.
import { Inject, Injectable } from '@nestjs/common';
import type { PolicyResource } from '@palisade/policy';
import {
  managedRef,
  refKey,
  refOf,
  selectsCluster,
  storedSyncStatus,
  type ManagedRef,
  type SyncStatus,
} from '@palisade/policy/managed';
import type { Cluster, ClusterResourceStatus } from '../../generated/prisma/client.js';
import type { OrgScope } from '../../platform/access/principal.js';
import { Database } from '../../platform/db/database.js';
import { ClusterRouter } from '../clusters/cluster-router.js';
import { clusterView, type ClusterView } from '../clusters/clusters.service.js';
import { PoliciesRepository } from './policies.repository.js';
import type { PolicyView } from './policies.service.js';

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

@Injectable()
export class PolicySyncService {
  constructor(
    @Inject(Database) private readonly db: Database,
    @Inject(PoliciesRepository) private readonly repo: PoliciesRepository,
    @Inject(ClusterRouter) private readonly router: ClusterRouter,
  ) {}

  async clusterSync(scope: OrgScope, clusterId: string): Promise<ClusterSyncView> {
    const [desiredRows, syncRows, rows, resources] = await this.db.read({ orgId: scope.orgId }, (db) => [
      this.repo.desiredGenerations(db, scope.orgId, [clusterId]),
      this.repo.syncStatuses(db, scope.orgId, [clusterId]),
      this.repo.resourceStatuses(db, scope.orgId, clusterId),
      this.repo.desiredResources(db, scope.orgId, clusterId),
    ]);
    const lease = await this.router.lease(clusterId);
    const desired = desiredRows[0] ? Number(desiredRows[0].generation) : null;
    const sync = syncRows[0];
    const applied = sync ? Number(sync.appliedGeneration) : null;
    const connected = lease !== null;
    const byRef = new Map(
      rows.map((r) => [
        refKey(managedRef({ kind: r.resourceKind, namespace: r.namespace, name: r.name })),
        r,
      ]),
    );
    const listed: ResourceSyncView[] = [];
    const seen = new Set<string>();
    for (const o of Array.isArray(resources?.resources) ? (resources.resources as unknown[]) : []) {
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
      orgId: scope.orgId,
      generation: desired,
      appliedGeneration: applied,
      status,
      error: sync?.error ?? null,
      reportedAt: sync?.reportedAt ?? null,
      resources: listed,
    };
  }

  /** The resource's status in every cluster its selector targets (built-in tiers target none). */
  async resourceClusters(scope: OrgScope, view: PolicyView): Promise<ResourceClusterStatusView[]> {
    if (view.builtin) return [];
    const ref: ManagedRef = { kind: view.kind, namespace: view.namespace, name: view.name };
    const [clusters, desiredRows, syncRows, rows] = await this.db.read({ orgId: scope.orgId }, (db) => [
      this.repo.clusters(db, scope.orgId),
      this.repo.desiredGenerations(db, scope.orgId),
      this.repo.syncStatuses(db, scope.orgId),
      this.repo.statusesOfResource(db, scope.orgId, ref),
    ]);
    const targeted = clusters.filter((c: Cluster) =>
      selectsCluster(view.clusterSelector, (c.labels ?? {}) as Record<string, string>),
    );
    const leases = await this.router.leases(targeted.map((c) => c.id));
    const desired = new Map(desiredRows.map((d) => [d.clusterId, Number(d.generation)]));
    const applied = new Map(syncRows.map((s) => [s.clusterId, Number(s.appliedGeneration)]));
    const byCluster = new Map(rows.map((r) => [r.clusterId, r]));
    return targeted.map((c) => {
      const lease = leases.get(c.id);
      return {
        cluster: clusterView(c, lease),
        ...resourceStatus(
          lease !== undefined,
          desired.get(c.id) ?? null,
          applied.get(c.id) ?? null,
          byCluster.get(c.id),
        ),
      };
    });
  }

  async clusterName(scope: OrgScope, clusterId: string): Promise<string | null> {
    const [c] = await this.db.read({ orgId: scope.orgId }, (db) => [
      this.repo.clusterById(db, scope.orgId, clusterId),
    ]);
    return c?.name ?? null;
  }
}
