// Reads of the impact preview: the organisation's stored resources with their cluster selectors,
// its clusters' names and labels, the clusters' inventory (namespaces, pods, service accounts) and
// the flow retention. Read-only, one pipelined transaction per call, org id in every where.
import { Inject, Injectable } from '@nestjs/common';
import { Database, type TenantContext } from '../../platform/db/database.js';
import { sql } from '../../platform/db/sql.js';

export interface StoredResourceRow {
  kind: string;
  namespace: string;
  name: string;
  cluster_selector: string;
  object: unknown;
}

/** A revision of a resource: `object` null = deleted (migration 0003). */
export interface RevisionRow {
  kind: string;
  namespace: string;
  name: string;
  object: unknown;
  created_at: Date;
}

export interface ClusterRow {
  id: string;
  name: string;
  labels: Record<string, string> | null;
}

export interface InventoryRow {
  cluster_id: string;
  kind: 'namespace' | 'endpoint' | 'service_account';
  data: unknown;
}

@Injectable()
export class PolicyPreviewRepository {
  constructor(@Inject(Database) private readonly db: Database) {}

  async state(
    orgId: string,
  ): Promise<{ resources: StoredResourceRow[]; clusters: ClusterRow[]; retentionDays: number }> {
    const [resources, clusters, org] = await this.db.query({ orgId }, [
      sql<StoredResourceRow>`SELECT r.kind, r.namespace, r.name, r.cluster_selector, r.object
        FROM policy_resources r WHERE r.org_id = ${orgId}::uuid`,
      sql<ClusterRow>`SELECT c.id::text AS id, c.name, c.labels FROM clusters c
        WHERE c.org_id = ${orgId}::uuid ORDER BY c.name`,
      sql<{
        days: number;
      }>`SELECT o.flow_retention_days AS days FROM organizations o WHERE o.id = ${orgId}::uuid`,
    ]);
    return { resources, clusters, retentionDays: org[0]?.days ?? 0 };
  }

  /**
   * The revisions that say what was in force after `from`: every revision of a resource changed
   * after `from`, and that resource's last revision at or before `from` (its state then). In the
   * order they were written.
   */
  async revisionsSince(orgId: string, from: Date): Promise<RevisionRow[]> {
    const [rows] = await this.db.query({ orgId }, [
      sql<RevisionRow>`WITH changed AS (
          SELECT DISTINCT r.resource_id FROM policy_revisions r
           WHERE r.org_id = ${orgId}::uuid AND r.created_at > ${from})
        SELECT r.kind, r.namespace, r.name, r.object, r.created_at FROM (
          SELECT DISTINCT ON (r.resource_id) r.* FROM policy_revisions r JOIN changed c USING (resource_id)
           WHERE r.org_id = ${orgId}::uuid AND r.created_at <= ${from}
           ORDER BY r.resource_id, r.revision DESC) AS r
        UNION ALL
        SELECT r.kind, r.namespace, r.name, r.object, r.created_at FROM policy_revisions r
         WHERE r.org_id = ${orgId}::uuid AND r.created_at > ${from}
        ORDER BY created_at`,
    ]);
    return rows;
  }

  async inventory(
    tenant: TenantContext & { orgId: string },
    clusterIds: readonly string[],
  ): Promise<InventoryRow[]> {
    if (clusterIds.length === 0) return [];
    const orgId = tenant.orgId;
    const [rows] = await this.db.query(tenant, [
      sql<InventoryRow>`SELECT i.cluster_id::text AS cluster_id, i.kind, i.data FROM cluster_inventory i
        WHERE i.org_id = ${orgId}::uuid AND i.cluster_id = ANY(${[...clusterIds]}::uuid[])
          AND i.kind IN ('namespace', 'endpoint', 'service_account')`,
    ]);
    return rows;
  }
}
