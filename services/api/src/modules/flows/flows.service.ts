// Flow history for an organisation: lists, hints, policy statistics, the service graph, live
// batches and ingestion status, all read through the FlowStore; and the retention setting
// (members read it, admins and owners change it, audited in the same transaction). Knows nothing
// of GraphQL.
import { Inject, Injectable } from '@nestjs/common';
import { FLOW_BUCKET_SECONDS } from '@palisade/flows';
import { actorOf, type OrgScope } from '../../platform/access/principal.js';
import { AuditWriter } from '../../platform/audit/audit-writer.js';
import { Database } from '../../platform/db/database.js';
import { AppError } from '../../platform/errors/app-error.js';
import { ClustersService, type ClusterView } from '../clusters/clusters.service.js';
import { FlowEvents, type FlowsLanded } from './flow-events.js';
import { FlowSettingsRepository } from './flow-settings.repository.js';
import { currentIngestionRate } from './ingestion-rate.js';
import {
  FLOW_STORE,
  type FlowCursor,
  type FlowHintType,
  type FlowQuery,
  type FlowSortKey,
  type FlowStore,
  type IngestionStatus,
  type PolicyStatisticsQuery,
  type PolicyStatisticsRow,
  type ServiceGraphPair,
  type StoredFlow,
  type TrafficCounters,
} from './flow-store.js';
import { requireUnscoped } from '../../platform/access/access-scope.js';

/** The range of the retention setting (the column's CHECK says the same, migration 0006). */
export const RETENTION_DAYS_MIN = 1;
export const RETENTION_DAYS_MAX = 400;
/** flows' totalCount is exact up to this; beyond, it says "at least this many". */
export const FLOW_COUNT_LIMIT = 10_000;
/** Flows one live event carries at most (the newest, when more matched). */
export const LIVE_BATCH_MAX = 100;
/** The service graph's bounds: endpoint pairs read (busiest first) and nodes shown. */
export const SERVICE_GRAPH_MAX_PAIRS = 500;
export const SERVICE_GRAPH_MAX_NODES = 1000;
const DEFAULT_GRAPH_WINDOW_MS = 3600_000;
const DAY_MS = 86_400_000;

export interface FlowView extends StoredFlow {
  cluster: ClusterView;
}

export type GraphNodeType = 'namespace' | 'workload' | 'service' | 'network_set' | 'host' | 'network';

export interface GraphNode {
  id: string;
  type: GraphNodeType;
  name: string;
  namespace: string | null;
  cluster: string;
  parentId: string | null;
}

export interface GraphEdge {
  sourceId: string;
  destId: string;
  allowed: TrafficCounters;
  deniedAtSource: TrafficCounters;
  deniedAtDest: TrafficCounters;
}

export interface ServiceGraph {
  nodes: GraphNode[];
  edges: GraphEdge[];
  truncated: boolean;
  from: Date;
  to: Date;
}

export interface LiveBatch {
  cluster: ClusterView;
  flows: FlowView[];
  truncated: boolean;
}

const zero = (): TrafficCounters => ({
  packetsIn: 0,
  packetsOut: 0,
  bytesIn: 0,
  bytesOut: 0,
  connectionsStarted: 0,
  connectionsCompleted: 0,
});

function add(into: TrafficCounters, c: TrafficCounters): void {
  for (const k of Object.keys(into) as (keyof TrafficCounters)[]) into[k] += c[k];
}

const ENDPOINT_NODE_TYPES: Record<string, GraphNodeType> = {
  wep: 'workload',
  hep: 'host',
  ns: 'network_set',
  net: 'network',
};

@Injectable()
export class FlowsService {
  constructor(
    @Inject(FLOW_STORE) private readonly store: FlowStore,
    @Inject(Database) private readonly db: Database,
    @Inject(FlowSettingsRepository) private readonly settings: FlowSettingsRepository,
    @Inject(AuditWriter) private readonly audit: AuditWriter,
    @Inject(ClustersService) private readonly clusters: ClustersService,
    @Inject(FlowEvents) private readonly events: FlowEvents,
  ) {}

  async list(
    scope: OrgScope,
    query: FlowQuery,
    sort: FlowSortKey,
    after: FlowCursor | null,
    take: number,
  ): Promise<{ rows: FlowView[]; total: number; exact: boolean }> {
    const { rows, total, exact } = await this.store.list(scope, query, sort, after, take, FLOW_COUNT_LIMIT);
    return { rows: await this.withClusters(scope, rows), total, exact };
  }

  hints(scope: OrgScope, type: FlowHintType, query: FlowQuery, after: string | null, take: number) {
    return this.store.hints(scope, type, query, after, take);
  }

  policyStatistics(
    scope: OrgScope,
    query: PolicyStatisticsQuery,
    skip: number,
    take: number,
  ): Promise<{ rows: PolicyStatisticsRow[]; total: number }> {
    return this.store.policyStatistics(scope, query, skip, take);
  }

  /**
   * Nodes for namespaces (parents), workloads, services, network sets, hosts and the public and
   * private networks; an edge per hop, so traffic addressed to a Service goes source → service →
   * destination. Busiest pairs first, within SERVICE_GRAPH_MAX_PAIRS and _MAX_NODES.
   */
  async serviceGraph(
    scope: OrgScope,
    q: { clusters: string[]; namespaces: string[]; from: Date | null; to: Date | null },
  ): Promise<ServiceGraph> {
    const to = q.to ?? new Date();
    const from = q.from ?? new Date(to.getTime() - DEFAULT_GRAPH_WINDOW_MS);
    const pairs = await this.store.serviceGraph(scope, {
      clusters: q.clusters,
      namespaces: q.namespaces,
      from,
      to,
      maxPairs: SERVICE_GRAPH_MAX_PAIRS,
    });
    const names = await this.clusters.viewsByIds(
      scope,
      pairs.map((p) => p.clusterId),
    );
    const nodes = new Map<string, GraphNode>();
    const edges = new Map<string, GraphEdge>();
    let truncated = pairs.length > SERVICE_GRAPH_MAX_PAIRS;
    for (const pair of pairs.slice(0, SERVICE_GRAPH_MAX_PAIRS)) {
      const cluster = names.get(pair.clusterId)?.name ?? pair.clusterId;
      const wanted = pairNodes(pair, cluster);
      const fresh = wanted.filter((n) => !nodes.has(n.id));
      if (nodes.size + fresh.length > SERVICE_GRAPH_MAX_NODES) {
        truncated = true;
        break;
      }
      for (const n of fresh) nodes.set(n.id, n);
      const [src, svc, dst] = pairEndpoints(pair, cluster);
      const hops: [string, string][] = svc
        ? [
            [src, svc],
            [svc, dst],
          ]
        : [[src, dst]];
      for (const [a, b] of hops) {
        const key = `${a}\u0000${b}`;
        let e = edges.get(key);
        if (!e) {
          e = { sourceId: a, destId: b, allowed: zero(), deniedAtSource: zero(), deniedAtDest: zero() };
          edges.set(key, e);
        }
        add(e.allowed, pair.allowed);
        add(e.deniedAtSource, pair.deniedAtSource);
        add(e.deniedAtDest, pair.deniedAtDest);
      }
    }
    return { nodes: [...nodes.values()], edges: [...edges.values()], truncated, from, to };
  }

  /**
   * Batched per request by the resolver: one read for every cluster of a page. The rate is as of
   * now: it decays while a cluster sends nothing (ingestion-rate.ts).
   */
  async ingestionStatus(
    scope: OrgScope,
    clusterIds: readonly string[],
  ): Promise<Map<string, IngestionStatus>> {
    const stored = await this.store.ingestionStatus(scope, clusterIds);
    return new Map(
      [...stored].map(([id, s]) => [
        id,
        { ...s, recordsPerSecond: currentIngestionRate(s.recordsPerSecond, s.secondsSinceLastBatch) },
      ]),
    );
  }

  async retentionDays(scope: OrgScope): Promise<number> {
    const [row] = await this.db.read(scope, (tx) => [this.settings.retentionDays(tx, scope.orgId)]);
    if (!row) throw AppError.notFound('organization');
    return row.flowRetentionDays;
  }

  /** `days` is validated at the edge (RETENTION_DAYS_MIN…MAX; the column has the same CHECK). */
  async setRetentionDays(scope: OrgScope, days: number): Promise<number> {
    requireUnscoped(scope.access, "the organisation's flow retention");
    return this.db.inOrg(scope, async (tx) => {
      const before = await this.settings.retentionDays(tx, scope.orgId);
      if (!before) throw AppError.notFound('organization');
      if (before.flowRetentionDays === days) return days;
      const after = await this.settings.setRetentionDays(tx, scope.orgId, days);
      await this.audit.append(tx, scope.orgId, actorOf(scope.principal), {
        action: 'organization.flow_retention.update',
        targetType: 'organization',
        targetId: scope.orgId,
        before: { flowRetentionDays: before.flowRetentionDays },
        after: { flowRetentionDays: after.flowRetentionDays },
      });
      return after.flowRetentionDays;
    });
  }

  /** The oldest start time a list can show, for a retention of `days`. */
  oldestVisible(days: number, now = Date.now()): Date {
    return new Date(now - days * DAY_MS);
  }

  /**
   * New buckets as the gateways store them: each event is re-read through the store with the
   * subscriber's filter, restricted to the event's cluster and buckets; events with no matching
   * flow are skipped.
   */
  live(scope: OrgScope, query: FlowQuery): AsyncIterableIterator<LiveBatch> {
    const source = this.events.stream(scope.orgId);
    const next = async (): Promise<IteratorResult<LiveBatch>> => {
      for (;;) {
        const r: IteratorResult<FlowsLanded> = await source.next();
        if (r.done) return { done: true, value: undefined };
        const batch = await this.liveBatch(scope, query, r.value);
        if (batch) return { done: false, value: batch };
      }
    };
    const it: AsyncIterableIterator<LiveBatch> = {
      next,
      return: async () => {
        await source.return?.();
        return { done: true, value: undefined };
      },
      [Symbol.asyncIterator]: () => it,
    };
    return it;
  }

  private async liveBatch(scope: OrgScope, query: FlowQuery, e: FlowsLanded): Promise<LiveBatch | null> {
    if (e.bucketStarts.length === 0) return null;
    const first = Math.min(...e.bucketStarts) * 1000;
    const last = Math.max(...e.bucketStarts) * 1000;
    const from = Math.max(first, query.from?.getTime() ?? first);
    const to = Math.min(last + FLOW_BUCKET_SECONDS * 1000, query.to?.getTime() ?? Infinity);
    if (from >= to) return null;
    const { rows, exact } = await this.store.list(
      scope,
      { ...query, clusterIds: [e.clusterId], from: new Date(from), to: new Date(to) },
      'time',
      null,
      LIVE_BATCH_MAX,
      LIVE_BATCH_MAX,
    );
    if (rows.length === 0) return null;
    const flows = await this.withClusters(scope, rows);
    const cluster = flows[0]?.cluster;
    if (!cluster) return null;
    return { cluster, flows, truncated: !exact };
  }

  /** Attaches each flow's cluster, read once per page; flows of a deleted cluster are left out. */
  private async withClusters(scope: OrgScope, rows: StoredFlow[]): Promise<FlowView[]> {
    const views = await this.clusters.viewsByIds(
      scope,
      rows.map((r) => r.clusterId),
    );
    const out: FlowView[] = [];
    for (const r of rows) {
      const cluster = views.get(r.clusterId);
      if (cluster) out.push({ ...r, cluster });
    }
    return out;
  }
}

function namespaceNode(cluster: string, clusterId: string, namespace: string): GraphNode {
  return {
    id: `${clusterId}/namespace/${namespace}`,
    type: 'namespace',
    name: namespace,
    namespace,
    cluster,
    parentId: null,
  };
}

function endpointNode(
  cluster: string,
  clusterId: string,
  type: string,
  namespace: string,
  name: string,
): GraphNode {
  const nodeType = ENDPOINT_NODE_TYPES[type] ?? 'network';
  const namespaced = namespace !== '-' && namespace !== '';
  return {
    id: `${clusterId}/${nodeType}/${namespaced ? namespace : '-'}/${name}`,
    type: nodeType,
    name,
    namespace: namespaced ? namespace : null,
    cluster,
    parentId: namespaced ? `${clusterId}/namespace/${namespace}` : null,
  };
}

function hasService(p: ServiceGraphPair): boolean {
  return p.destServiceName !== '-' && p.destServiceName !== '';
}

function serviceNode(cluster: string, p: ServiceGraphPair): GraphNode {
  return {
    id: `${p.clusterId}/service/${p.destServiceNamespace}/${p.destServiceName}`,
    type: 'service',
    name: p.destServiceName,
    namespace: p.destServiceNamespace,
    cluster,
    parentId: `${p.clusterId}/namespace/${p.destServiceNamespace}`,
  };
}

/** Every node a pair needs: its endpoints, the Service, and their namespaces. */
function pairNodes(p: ServiceGraphPair, cluster: string): GraphNode[] {
  const out = [
    endpointNode(cluster, p.clusterId, p.sourceType, p.sourceNamespace, p.sourceName),
    endpointNode(cluster, p.clusterId, p.destType, p.destNamespace, p.destName),
  ];
  if (hasService(p)) out.push(serviceNode(cluster, p));
  for (const n of [...out])
    if (n.namespace !== null) out.push(namespaceNode(cluster, p.clusterId, n.namespace));
  return [...new Map(out.map((n) => [n.id, n])).values()];
}

function pairEndpoints(p: ServiceGraphPair, cluster: string): [string, string | null, string] {
  return [
    endpointNode(cluster, p.clusterId, p.sourceType, p.sourceNamespace, p.sourceName).id,
    hasService(p) ? serviceNode(cluster, p).id : null,
    endpointNode(cluster, p.clusterId, p.destType, p.destNamespace, p.destName).id,
  ];
}
