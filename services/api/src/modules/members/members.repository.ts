// Database access for memberships and invitations. Org-scoped methods take the org id first and put
// it in every where clause; the invited user's own view goes through RLS's email rule. The member
// list is SQL for Database.query (the read path every members page takes); the rest is Prisma.
import { Injectable } from '@nestjs/common';
import type { Tx } from '../../platform/db/database.js';
import { sql } from '../../platform/db/sql.js';

export interface MemberListRow {
  user_id: string;
  email: string;
  name: string;
  role: string;
  created_at: Date;
  cluster_selector: string;
  tiers: unknown;
}

@Injectable()
export class MembersRepository {
  listMembers(orgId: string, skip: number, take: number) {
    return sql<MemberListRow>`
      SELECT u.id AS user_id, u.email, u.name, m.role, m.created_at, m.cluster_selector, m.tiers
        FROM memberships m JOIN users u ON u.id = m.user_id
       WHERE m.org_id = ${orgId}::uuid
       ORDER BY m.created_at, m.user_id
      OFFSET ${skip} LIMIT ${take}`;
  }

  countMembers(orgId: string) {
    return sql<{ n: number }>`SELECT count(*)::int AS n FROM memberships WHERE org_id = ${orgId}::uuid`;
  }

  findMember(tx: Tx, orgId: string, userId: string) {
    return tx.membership.findFirst({ where: { orgId, userId }, include: { user: true } });
  }

  /** Locks the owner rows so two concurrent demotions cannot remove the last owner. */
  async lockOwners(tx: Tx, orgId: string): Promise<string[]> {
    const rows = await tx.$queryRaw<{ user_id: string }[]>`
      SELECT user_id FROM memberships WHERE org_id = ${orgId}::uuid AND role = 'owner' FOR UPDATE`;
    return rows.map((r) => r.user_id);
  }

  setRole(
    tx: Tx,
    orgId: string,
    userId: string,
    role: string,
    scope?: { clusterSelector: string; tiers: string[] },
  ) {
    return tx.membership.update({
      where: { orgId_userId: { orgId, userId } },
      data: { role, ...scope },
      include: { user: true },
    });
  }

  removeMember(tx: Tx, orgId: string, userId: string) {
    return tx.membership.deleteMany({ where: { orgId, userId } });
  }

  addMember(
    tx: Tx,
    orgId: string,
    userId: string,
    role: string,
    scope: { clusterSelector: string; tiers: unknown } = { clusterSelector: '', tiers: [] },
  ) {
    const data = {
      orgId,
      userId,
      role,
      clusterSelector: scope.clusterSelector,
      tiers: scope.tiers as string[],
    };
    return tx.membership.create({ data, include: { user: true } });
  }

  listInvitations(tx: Tx, orgId: string, skip: number, take: number) {
    return tx.invitation.findMany({
      where: { orgId },
      include: { organization: true, inviter: true },
      orderBy: [{ createdAt: 'desc' }, { id: 'asc' }],
      skip,
      take,
    });
  }

  countInvitations(tx: Tx, orgId: string) {
    return tx.invitation.count({ where: { orgId } });
  }

  findInvitation(tx: Tx, orgId: string, id: string) {
    return tx.invitation.findFirst({ where: { orgId, id }, include: { organization: true, inviter: true } });
  }

  createInvitation(
    tx: Tx,
    orgId: string,
    data: {
      email: string;
      role: string;
      invitedBy: string | null;
      expiresAt: Date;
      clusterSelector?: string;
      tiers?: string[];
    },
  ) {
    return tx.invitation.create({ data: { orgId, ...data }, include: { organization: true, inviter: true } });
  }

  markInvitation(
    tx: Tx,
    orgId: string,
    id: string,
    data: { acceptedAt?: Date; acceptedBy?: string; revokedAt?: Date },
  ) {
    return tx.invitation.update({
      where: { id, orgId },
      data,
      include: { organization: true, inviter: true },
    });
  }

  /** The signed-in user's own pending invitations (visible through RLS by email). */
  pendingForEmail(tx: Tx, email: string) {
    return tx.invitation.findMany({
      where: { email, acceptedAt: null, revokedAt: null, expiresAt: { gt: new Date() } },
      include: { organization: true, inviter: true },
      orderBy: { createdAt: 'desc' },
      take: 100,
    });
  }

  findInvitationForEmail(tx: Tx, email: string, id: string) {
    return tx.invitation.findFirst({ where: { id, email }, include: { organization: true, inviter: true } });
  }
}
