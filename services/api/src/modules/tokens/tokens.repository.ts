// Prisma access for API tokens; org id first and in every where clause.
import { Injectable } from '@nestjs/common';
import type { Tx } from '../../platform/db/database.js';

@Injectable()
export class TokensRepository {
  list(tx: Tx, orgId: string, skip: number, take: number) {
    return tx.apiToken.findMany({
      where: { orgId },
      include: { createdBy: true },
      orderBy: [{ createdAt: 'desc' }, { id: 'asc' }],
      skip,
      take,
    });
  }

  count(tx: Tx, orgId: string) {
    return tx.apiToken.count({ where: { orgId } });
  }

  find(tx: Tx, orgId: string, id: string) {
    return tx.apiToken.findFirst({ where: { orgId, id }, include: { createdBy: true } });
  }

  create(
    tx: Tx,
    orgId: string,
    data: {
      name: string;
      role: string;
      tokenPrefix: string;
      tokenHash: Buffer;
      createdByUserId: string | null;
      expiresAt: Date | null;
      clusterSelector: string;
      tiers: string[];
    },
  ) {
    return tx.apiToken.create({
      data: { orgId, ...data, tokenHash: new Uint8Array(data.tokenHash) },
      include: { createdBy: true },
    });
  }

  revoke(tx: Tx, orgId: string, id: string) {
    return tx.apiToken.update({
      where: { id, orgId },
      data: { revokedAt: new Date() },
      include: { createdBy: true },
    });
  }
}
