// Prisma access for clusters and their inventory; org id first and in every where clause.
import { Injectable } from '@nestjs/common';
import type { Prisma } from '../../generated/prisma/client.js';
import type { Tx } from '../../platform/db/database.js';

@Injectable()
export class ClustersRepository {
  list(tx: Tx, orgId: string, skip: number, take: number) {
    return tx.cluster.findMany({ where: { orgId }, orderBy: [{ name: 'asc' }], skip, take });
  }

  count(tx: Tx, orgId: string) {
    return tx.cluster.count({ where: { orgId } });
  }

  findByName(tx: Tx, orgId: string, name: string) {
    return tx.cluster.findFirst({ where: { orgId, name } });
  }

  findByIds(tx: Tx, orgId: string, ids: string[]) {
    return tx.cluster.findMany({ where: { orgId, id: { in: ids } } });
  }

  findById(tx: Tx, orgId: string, id: string) {
    return tx.cluster.findFirst({ where: { orgId, id } });
  }

  create(
    tx: Tx,
    orgId: string,
    data: {
      name: string;
      labels: Record<string, string>;
      enrollmentTokenHash: Uint8Array<ArrayBuffer>;
      enrollmentExpiresAt: Date;
    },
  ) {
    return tx.cluster.create({ data: { orgId, ...data } });
  }

  setEnrollment(
    tx: Tx,
    orgId: string,
    id: string,
    data: {
      labels?: Record<string, string>;
      enrollmentTokenHash: Uint8Array<ArrayBuffer>;
      enrollmentExpiresAt: Date;
    },
  ) {
    return tx.cluster.update({ where: { id, orgId }, data });
  }

  setLabels(tx: Tx, orgId: string, id: string, labels: Record<string, string>) {
    return tx.cluster.update({ where: { id, orgId }, data: { labels } });
  }

  delete(tx: Tx, orgId: string, id: string) {
    return tx.cluster.deleteMany({ where: { id, orgId } });
  }

  inventory(tx: Tx, orgId: string, clusterId: string, kind: string, namespace?: string | null) {
    const where: Prisma.ClusterInventoryWhereInput = { orgId, clusterId, kind };
    if (namespace) where.namespace = namespace;
    return tx.clusterInventory.findMany({ where, orderBy: [{ namespace: 'asc' }, { name: 'asc' }] });
  }

  endpointCounts(tx: Tx, orgId: string, clusterId: string) {
    return tx.clusterInventory.groupBy({
      by: ['namespace'],
      where: { orgId, clusterId, kind: 'endpoint' },
      _count: { _all: true },
    });
  }
}
