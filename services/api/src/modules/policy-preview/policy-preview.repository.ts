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
