// The only Prisma caller of the fleet module: the nodes the gateways stored per cluster
// (cluster_nodes, decision 0091). Every method takes the organisation first and filters by it.
import { Injectable } from '@nestjs/common';
import type { Tx } from '../../platform/db/database.js';

@Injectable()
export class FleetRepository {
  /** The nodes of `clusterIds` (every cluster of the organisation when omitted), by cluster then name. */
  nodes(tx: Tx, orgId: string, clusterIds?: readonly string[]) {
    return tx.clusterNode.findMany({
      where: { orgId, ...(clusterIds ? { clusterId: { in: [...clusterIds] } } : {}) },
      orderBy: [{ clusterId: 'asc' }, { name: 'asc' }],
    });
  }

  clusters(tx: Tx, orgId: string) {
    return tx.cluster.findMany({
      where: { orgId },
      select: { id: true, name: true },
      orderBy: { name: 'asc' },
    });
  }
}
