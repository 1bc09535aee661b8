// Prisma access for sessions as their owners and organisations see them, and for session policies.
// Sessions belong to users, not organisations (no RLS on the table): every method names the user.
import { Injectable } from '@nestjs/common';
import type { Tx } from '../../platform/db/database.js';
import { MAX_LISTED_SESSIONS } from '../../config/limits.js';

@Injectable()
export class AccountSessionsRepository {
  listLive(tx: Tx, userId: string) {
    return tx.session.findMany({
      where: { userId, expiresAt: { gt: new Date() } },
      orderBy: [{ lastSeenAt: 'desc' }, { id: 'asc' }],
      take: MAX_LISTED_SESSIONS,
    });
  }

  findLive(tx: Tx, userId: string, id: string) {
    return tx.session.findFirst({ where: { userId, id, expiresAt: { gt: new Date() } } });
  }

  deleteOne(tx: Tx, userId: string, id: string) {
    return tx.session.deleteMany({ where: { userId, id } });
  }

  deleteAllOf(tx: Tx, userId: string) {
    return tx.session.deleteMany({ where: { userId } });
  }

  /** The organisations `userId` belongs to (visible in a transaction scoped to that user). */
  async orgIdsOf(tx: Tx, userId: string): Promise<string[]> {
    const rows = await tx.membership.findMany({ where: { userId }, select: { orgId: true } });
    return rows.map((r) => r.orgId);
  }

  findPolicy(tx: Tx, orgId: string) {
    return tx.sessionPolicy.findFirst({ where: { orgId } });
  }

  upsertPolicy(
    tx: Tx,
    orgId: string,
    data: { maxLifetimeSeconds: number | null; idleTimeoutSeconds: number | null },
  ) {
    return tx.sessionPolicy.upsert({
      where: { orgId },
      create: { orgId, ...data },
      update: { ...data, updatedAt: new Date() },
    });
  }
}
