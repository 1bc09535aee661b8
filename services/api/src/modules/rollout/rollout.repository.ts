// Prisma access for rollout state: the per-organisation policy lock, the inputs of the desired set
// (clusters' labels, stored resources, the default drift mode), cluster_desired_state, and the sync
// status the gateways write (cluster_sync_status, cluster_resource_status), which the API only
// reads. Org id first and in every where clause.
import { Injectable } from '@nestjs/common';
import type { Tx } from '../../platform/db/database.js';
import type { ManagedRef } from '@palisade/policy/managed';

export interface DesiredRowInput {
  clusterId: string;
  hash: string;
  resources: unknown[];
}

@Injectable()
export class RolloutRepository {
  /**
   * Takes the organisation's policy lock for the rest of the transaction: every policy write and
   * every desired-state recomputation of one organisation runs after the previous one committed,
   * so revision numbers and generations never race.
   */
  async lockOrg(tx: Tx, orgId: string): Promise<void> {
    await tx.$executeRaw`INSERT INTO org_policy_settings (org_id) VALUES (${orgId}::uuid) ON CONFLICT (org_id) DO NOTHING`;
    await tx.$queryRaw`SELECT org_id FROM org_policy_settings WHERE org_id = ${orgId}::uuid FOR UPDATE`;
  }

  settings(tx: Tx, orgId: string) {
    return tx.orgPolicySettings.findFirst({ where: { orgId } });
  }

  clusters(tx: Tx, orgId: string, ids?: readonly string[]) {
    return tx.cluster.findMany({
      where: { orgId, ...(ids ? { id: { in: [...ids] } } : {}) },
      select: { id: true, name: true, labels: true },
    });
  }

  resources(tx: Tx, orgId: string) {
    return tx.policyResource.findMany({
      where: { orgId },
      select: {
        kind: true,
        namespace: true,
        name: true,
        clusterSelector: true,
        driftMode: true,
        object: true,
      },
    });
  }

  hashes(tx: Tx, orgId: string, ids?: readonly string[]) {
    return tx.clusterDesiredState.findMany({
      where: { orgId, ...(ids ? { clusterId: { in: [...ids] } } : {}) },
      select: { clusterId: true, resourceSetHash: true },
    });
  }

  /** Writes new sets; a cluster's generation starts at 1 and increases by one per changed set. */
  async upsert(
    tx: Tx,
    orgId: string,
    rows: DesiredRowInput[],
  ): Promise<{ clusterId: string; generation: bigint }[]> {
    if (rows.length === 0) return [];
    const payload = JSON.stringify(
      rows.map((r) => ({ cluster_id: r.clusterId, hash: r.hash, resources: r.resources })),
    );
    const out = await tx.$queryRaw<{ cluster_id: string; generation: bigint }[]>`
      INSERT INTO cluster_desired_state AS d (cluster_id, org_id, generation, resource_set_hash, resources, computed_at)
      SELECT r.cluster_id, ${orgId}::uuid, 1, r.hash, r.resources, now()
        FROM jsonb_to_recordset(${payload}::jsonb) AS r (cluster_id uuid, hash text, resources jsonb)
      ON CONFLICT (cluster_id) DO UPDATE
        SET generation = d.generation + 1, resource_set_hash = EXCLUDED.resource_set_hash,
            resources = EXCLUDED.resources, computed_at = now()
        WHERE d.org_id = ${orgId}::uuid AND d.resource_set_hash <> EXCLUDED.resource_set_hash
      RETURNING d.cluster_id::text AS cluster_id, d.generation`;
    return out.map((r) => ({ clusterId: r.cluster_id, generation: r.generation }));
  }

  // ── sync status (written by gateways) ────────────────────────────────────────────────────────

  /** Every cluster of the organisation, whole rows, by name. */
  clusterRows(tx: Tx, orgId: string) {
    return tx.cluster.findMany({ where: { orgId }, orderBy: { name: 'asc' } });
  }

  clusterById(tx: Tx, orgId: string, id: string) {
    return tx.cluster.findFirst({ where: { orgId, id } });
  }

  desiredGenerations(tx: Tx, orgId: string, clusterIds?: readonly string[]) {
    return tx.clusterDesiredState.findMany({
      where: { orgId, ...(clusterIds ? { clusterId: { in: [...clusterIds] } } : {}) },
      select: { clusterId: true, generation: true, computedAt: true },
    });
  }

  /** The pushed resource sets of several clusters at once. */
  desiredResourcesOf(tx: Tx, orgId: string, clusterIds: readonly string[]) {
    return tx.clusterDesiredState.findMany({
      where: { orgId, clusterId: { in: [...clusterIds] } },
      select: { clusterId: true, resources: true },
    });
  }

  syncStatuses(tx: Tx, orgId: string, clusterIds?: readonly string[]) {
    return tx.clusterSyncStatus.findMany({
      where: { orgId, ...(clusterIds ? { clusterId: { in: [...clusterIds] } } : {}) },
    });
  }

  /** Per-resource results of several clusters at once, by cluster, then kind, namespace and name. */
  resourceStatusesOf(tx: Tx, orgId: string, clusterIds: readonly string[]) {
    return tx.clusterResourceStatus.findMany({
      where: { orgId, clusterId: { in: [...clusterIds] } },
      orderBy: [{ clusterId: 'asc' }, { resourceKind: 'asc' }, { namespace: 'asc' }, { name: 'asc' }],
    });
  }

  /** Every cluster's result for any of `refs` (one statement for a page of resources). */
  statusesOfResources(tx: Tx, orgId: string, refs: readonly ManagedRef[]) {
    // An empty OR matches nothing, which is the answer for no refs.
    return tx.clusterResourceStatus.findMany({
      where: {
        orgId,
        OR: refs.map((r) => ({ resourceKind: r.kind, namespace: r.namespace, name: r.name })),
      },
    });
  }
}
