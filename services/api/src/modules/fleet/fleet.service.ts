// Fleet configuration as the clusters really run it (decision 0091): each cluster's nodes as its
// agent last reported them, and encryption coverage — a node encrypts when WireGuard is enabled for
// it and it has published its WireGuard public key; coverage is encrypting nodes over nodes, per
// cluster and for the organisation. Knows nothing of GraphQL.
import { Inject, Injectable } from '@nestjs/common';
import type { Dataplane } from '@palisade/protocol';
import type { OrgScope } from '../../platform/access/principal.js';
import { Database } from '../../platform/db/database.js';
import { FleetRepository } from './fleet.repository.js';

export interface NodeView {
  name: string;
  dataplane: Dataplane;
  wireguardEnabled: boolean;
  wireguardPublicKey: boolean;
  encrypting: boolean;
  mtu: number | null;
  calicoVersion: string | null;
  reportedAt: Date;
}

export interface CoverageView {
  nodes: number;
  encryptingNodes: number;
}

export interface ClusterCoverageView extends CoverageView {
  clusterId: string;
  clusterName: string;
}

export interface OrgCoverageView extends CoverageView {
  clusters: ClusterCoverageView[];
}

type NodeRow = Awaited<ReturnType<FleetRepository['nodes']>>[number];

export function isEncrypting(n: Pick<NodeRow, 'wireguardEnabled' | 'wireguardPublicKey'>): boolean {
  return n.wireguardEnabled && n.wireguardPublicKey;
}

function toNodeView(r: NodeRow): NodeView {
  return {
    name: r.name,
    dataplane: r.dataplane as Dataplane,
    wireguardEnabled: r.wireguardEnabled,
    wireguardPublicKey: r.wireguardPublicKey,
    encrypting: isEncrypting(r),
    mtu: r.mtu,
    calicoVersion: r.calicoVersion,
    reportedAt: r.reportedAt,
  };
}

function coverage(nodes: readonly Pick<NodeRow, 'wireguardEnabled' | 'wireguardPublicKey'>[]): CoverageView {
  return { nodes: nodes.length, encryptingNodes: nodes.filter(isEncrypting).length };
}

@Injectable()
export class FleetService {
  constructor(
    @Inject(Database) private readonly db: Database,
    @Inject(FleetRepository) private readonly repo: FleetRepository,
  ) {}

  /** The nodes of each of `clusterIds`, in that order (one statement for a page of clusters). */
  async nodesOf(scope: OrgScope, clusterIds: readonly string[]): Promise<NodeView[][]> {
    const [rows] = await this.db.read(scope, (db) => [this.repo.nodes(db, scope.orgId, clusterIds)]);
    const byCluster = new Map<string, NodeView[]>();
    for (const r of rows) byCluster.set(r.clusterId, [...(byCluster.get(r.clusterId) ?? []), toNodeView(r)]);
    return clusterIds.map((id) => byCluster.get(id) ?? []);
  }

  /** Every cluster's coverage (by name) and the organisation's total. */
  async coverage(scope: OrgScope): Promise<OrgCoverageView> {
    const [clusters, rows] = await this.db.read(scope, (db) => [
      this.repo.clusters(db, scope.orgId),
      this.repo.nodes(db, scope.orgId),
    ]);
    const perCluster = clusters.map((c) => ({
      clusterId: c.id,
      clusterName: c.name,
      ...coverage(rows.filter((r) => r.clusterId === c.id)),
    }));
    return { ...coverage(rows), clusters: perCluster };
  }
}
