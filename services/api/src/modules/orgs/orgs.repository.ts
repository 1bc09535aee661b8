// Prisma access for organisations. Every method takes the org scope (or the creating user) first.
import { Injectable } from '@nestjs/common';
import type { Tx } from '../../platform/db/database.js';

@Injectable()
export class OrgsRepository {
  findById(tx: Tx, orgId: string) {
    return tx.organization.findFirst({ where: { id: orgId } });
  }

  create(tx: Tx, org: { id: string; slug: string; name: string }, ownerUserId: string) {
    return tx.organization.create({
      data: { ...org, memberships: { create: { userId: ownerUserId, role: 'owner' } } },
    });
  }

  rename(tx: Tx, orgId: string, name: string) {
    return tx.organization.update({ where: { id: orgId }, data: { name } });
  }

  listForUser(tx: Tx, userId: string, skip: number, take: number) {
    return tx.membership.findMany({
      where: { userId },
      include: { organization: true },
      orderBy: [{ createdAt: 'asc' }, { orgId: 'asc' }],
      skip,
      take,
    });
  }

  countForUser(tx: Tx, userId: string) {
    return tx.membership.count({ where: { userId } });
  }
}
