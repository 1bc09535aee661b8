// What a report is computed from, read for one organisation: its clusters, each cluster's stored
// inventory, the policy revisions that were in force over the interval, the audit events of the
// interval, and the traffic (flow_edge_minutes of migration 0006, and the flows of minutes not rolled
// up yet: decision 0207). Read-only; org id first.
import { Injectable } from '@nestjs/common';
import type { Tx } from '../../platform/db/database.js';

export interface InventoryRowData {
  clusterId: string;
  kind: 'namespace' | 'endpoint' | 'service_account' | 'service';
  namespace: string;
  name: string;
  labels: Record<string, string>;
  data: Record<string, unknown>;
}

/** One version of an inventory row and the period it was in force, [validFrom, validTo). */
export interface InventoryVersion extends InventoryRowData {
  validFrom: Date;
  validTo: Date | null;
}

export interface RevisionData {
  resourceId: string;
  kind: string;
  namespace: string;
  name: string;
  revision: number;
  object: Record<string, unknown> | null;
  change: string;
  actorType: string;
  actorId: string | null;
  actorLabel: string;
  createdAt: Date;
}

export interface TrafficEdge {
  sourceType: string;
  sourceNamespace: string;
  sourceName: string;
  destType: string;
  destNamespace: string;
  destName: string;
  action: string;
}

@Injectable()
export class ReportSourcesRepository {
  clusters(tx: Tx, orgId: string) {
    return tx.cluster.findMany({
      where: { orgId },
      select: { id: true, name: true, labels: true },
      orderBy: { name: 'asc' },
    });
  }

  async inventory(tx: Tx, orgId: string, clusterId: string): Promise<InventoryRowData[]> {
    const rows = await tx.clusterInventory.findMany({
      where: { orgId, clusterId },
      orderBy: [{ kind: 'asc' }, { namespace: 'asc' }, { name: 'asc' }],
    });
    return rows.map((r) => ({
      clusterId: r.clusterId,
      kind: r.kind as InventoryRowData['kind'],
      namespace: r.namespace,
      name: r.name,
      labels: r.labels as Record<string, string>,
      data: r.data as Record<string, unknown>,
    }));
  }

  /**
   * Every version of the cluster's inventory rows in force at some time in [start, end)
   * (cluster_inventory_history, decision 0151), oldest first.
   */
  async inventoryHistory(
    tx: Tx,
    orgId: string,
    clusterId: string,
    start: Date,
    end: Date,
  ): Promise<InventoryVersion[]> {
    const rows = await tx.$queryRaw<
      {
        kind: string;
        namespace: string;
        name: string;
        labels: Record<string, string>;
        data: Record<string, unknown>;
        valid_from: Date;
        valid_to: Date | null;
      }[]
    >`
      SELECT kind, namespace, name, labels, data, valid_from, valid_to
        FROM cluster_inventory_history
       WHERE org_id = ${orgId}::uuid AND cluster_id = ${clusterId}::uuid
         AND valid_from < ${end} AND (valid_to IS NULL OR valid_to > ${start})
       ORDER BY valid_from, kind, namespace, name`;
    return rows.map((r) => ({
      clusterId,
      kind: r.kind as InventoryRowData['kind'],
      namespace: r.namespace,
      name: r.name,
      labels: r.labels,
      data: r.data,
      validFrom: r.valid_from,
      validTo: r.valid_to,
    }));
  }

  /**
   * Every resource's revision in force at `start` (its newest revision created at or before it)
   * and every revision created in (start, end), in time order. A resource deleted before `start`
   * comes back as its deletion and is dropped by the caller.
   */
  async revisions(tx: Tx, orgId: string, start: Date, end: Date): Promise<RevisionData[]> {
    const rows = await tx.$queryRaw<
      {
        resource_id: string;
        kind: string;
        namespace: string;
        name: string;
        revision: number;
        object: Record<string, unknown> | null;
        change: string;
        actor_type: string;
        actor_id: string | null;
        actor_label: string;
        created_at: Date;
      }[]
    >`
      SELECT resource_id, kind, namespace, name, revision, object, change, actor_type, actor_id,
             actor_label, created_at
        FROM (SELECT DISTINCT ON (resource_id) *
                FROM policy_revisions
               WHERE org_id = ${orgId}::uuid AND created_at <= ${start}
               ORDER BY resource_id, revision DESC) AS at_start
      UNION ALL
      SELECT resource_id, kind, namespace, name, revision, object, change, actor_type, actor_id,
             actor_label, created_at
        FROM policy_revisions
       WHERE org_id = ${orgId}::uuid AND created_at > ${start} AND created_at < ${end}
       ORDER BY created_at, resource_id, revision`;
    return rows.map((r) => ({
      resourceId: r.resource_id,
      kind: r.kind,
      namespace: r.namespace,
      name: r.name,
      revision: r.revision,
      object: r.object,
      change: r.change,
      actorType: r.actor_type,
      actorId: r.actor_id,
      actorLabel: r.actor_label,
      createdAt: r.created_at,
    }));
  }

  /** The cluster's nodes as its agent last reported them (cluster_nodes, decision 0091). */
  nodes(tx: Tx, orgId: string, clusterId: string) {
    return tx.clusterNode.findMany({ where: { orgId, clusterId }, orderBy: { name: 'asc' } });
  }

  /** Audit events of the interval (policy-audit reads those about policy resources). */
  auditEvents(tx: Tx, orgId: string, start: Date, end: Date, targetType: string) {
    return tx.auditEvent.findMany({
      where: { orgId, targetType, occurredAt: { gte: start, lt: end } },
      orderBy: { seq: 'asc' },
    });
  }

  auditHead(tx: Tx, orgId: string) {
    return tx.auditHead.findFirst({ where: { orgId } });
  }

  /**
   * Distinct endpoint-to-endpoint edges seen in the interval touching the given namespaces: the
   * edge minutes, and the flows of minutes the worker has not rolled up yet (decision 0207). A
   * pending minute's edge rows, if any, are a subset of its flows' (flows only ever grow), so the
   * union of both is exact.
   */
  async traffic(tx: Tx, orgId: string, clusterId: string, start: Date, end: Date): Promise<TrafficEdge[]> {
    const rows = await tx.$queryRaw<
      {
        source_type: string;
        source_namespace: string;
        source_name: string;
        dest_type: string;
        dest_namespace: string;
        dest_name: string;
        action: string;
      }[]
    >`
      SELECT source_type, source_namespace, source_name, dest_type, dest_namespace, dest_name, action
        FROM flow_edge_minutes
       WHERE org_id = ${orgId}::uuid AND cluster_id = ${clusterId}::uuid
         AND minute >= date_trunc('minute', ${start}::timestamptz) AND minute < ${end}
      UNION
      SELECT f.source_type, f.source_namespace, f.source_name, f.dest_type, f.dest_namespace, f.dest_name, f.action
        FROM flow_edge_pending_minutes p
        JOIN flows f ON f.org_id = ${orgId}::uuid AND f.cluster_id = p.cluster_id AND f.start_time >= p.minute
         AND f.start_time < p.minute + interval '1 minute'
       WHERE p.org_id = ${orgId}::uuid AND p.cluster_id = ${clusterId}::uuid
         AND p.minute >= date_trunc('minute', ${start}::timestamptz) AND p.minute < ${end}
       ORDER BY 1, 2, 3, 4, 5, 6, 7`;
    return rows.map((r) => ({
      sourceType: r.source_type,
      sourceNamespace: r.source_namespace,
      sourceName: r.source_name,
      destType: r.dest_type,
      destNamespace: r.dest_namespace,
      destName: r.dest_name,
      action: r.action,
    }));
  }
}
