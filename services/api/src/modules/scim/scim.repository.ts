// Prisma access for SCIM tokens, users, groups and group members. Every method takes the org id
// first and puts it in every where clause (RLS backs it up).
import { Injectable } from '@nestjs/common';
import type { Prisma } from '../../generated/prisma/client.js';
import type { Tx } from '../../platform/db/database.js';

export const USER_WITH_GROUPS = {
  groups: { include: { group: { select: { id: true, displayName: true, role: true } } } },
} as const;
export const GROUP_WITH_MEMBERS = {
  members: { include: { user: { select: { id: true, userName: true } } } },
} as const;

export type ScimUserRow = Prisma.ScimUserGetPayload<{ include: typeof USER_WITH_GROUPS }>;
export type ScimGroupRow = Prisma.ScimGroupGetPayload<{ include: typeof GROUP_WITH_MEMBERS }>;

@Injectable()
export class ScimRepository {
  // ── tokens ──
  liveToken(tx: Tx, orgId: string) {
    return tx.scimToken.findFirst({ where: { orgId, revokedAt: null }, include: { createdBy: true } });
  }

  revokeLive(tx: Tx, orgId: string) {
    return tx.scimToken.updateMany({ where: { orgId, revokedAt: null }, data: { revokedAt: new Date() } });
  }

  createToken(
    tx: Tx,
    orgId: string,
    data: { tokenPrefix: string; tokenHash: Buffer; createdByUserId: string | null },
  ) {
    return tx.scimToken.create({
      data: { orgId, ...data, tokenHash: new Uint8Array(data.tokenHash) },
      include: { createdBy: true },
    });
  }

  // ── users ──
  findUser(tx: Tx, orgId: string, id: string) {
    return tx.scimUser.findFirst({ where: { orgId, id }, include: USER_WITH_GROUPS });
  }

  findUserByUserName(tx: Tx, orgId: string, userName: string) {
    return tx.scimUser.findFirst({
      where: { orgId, userName: { equals: userName, mode: 'insensitive' } },
      include: USER_WITH_GROUPS,
    });
  }

  findUserByPerson(tx: Tx, orgId: string, userId: string) {
    return tx.scimUser.findFirst({ where: { orgId, userId } });
  }

  listUsers(tx: Tx, orgId: string, where: Prisma.ScimUserWhereInput, skip: number, take: number) {
    return Promise.all([
      tx.scimUser.findMany({
        where: { AND: [{ orgId }, where] },
        include: USER_WITH_GROUPS,
        orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
        skip,
        take,
      }),
      tx.scimUser.count({ where: { AND: [{ orgId }, where] } }),
    ]);
  }

  createUser(
    tx: Tx,
    orgId: string,
    data: {
      userId: string;
      userName: string;
      externalId: string | null;
      displayName: string | null;
      active: boolean;
      resource: Prisma.InputJsonValue;
    },
  ) {
    return tx.scimUser.create({ data: { orgId, ...data }, include: USER_WITH_GROUPS });
  }

  updateUser(
    tx: Tx,
    orgId: string,
    id: string,
    data: {
      userName: string;
      externalId: string | null;
      displayName: string | null;
      active: boolean;
      resource: Prisma.InputJsonValue;
    },
  ) {
    return tx.scimUser.update({
      where: { id, orgId },
      data: { ...data, updatedAt: new Date() },
      include: USER_WITH_GROUPS,
    });
  }

  deleteUser(tx: Tx, orgId: string, id: string) {
    return tx.scimUser.deleteMany({ where: { orgId, id } });
  }

  /** Which of `ids` are SCIM users of this organisation (ids of other organisations are not). */
  async existingUserIds(tx: Tx, orgId: string, ids: string[]): Promise<Set<string>> {
    const rows = await tx.scimUser.findMany({ where: { orgId, id: { in: ids } }, select: { id: true } });
    return new Set(rows.map((r) => r.id));
  }

  usersByIds(tx: Tx, orgId: string, ids: string[]) {
    return tx.scimUser.findMany({ where: { orgId, id: { in: ids } }, include: USER_WITH_GROUPS });
  }

  // ── groups ──
  findGroup(tx: Tx, orgId: string, id: string) {
    return tx.scimGroup.findFirst({ where: { orgId, id }, include: GROUP_WITH_MEMBERS });
  }

  listGroups(tx: Tx, orgId: string, where: Prisma.ScimGroupWhereInput, skip: number, take: number) {
    return Promise.all([
      tx.scimGroup.findMany({
        where: { AND: [{ orgId }, where] },
        include: GROUP_WITH_MEMBERS,
        orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
        skip,
        take,
      }),
      tx.scimGroup.count({ where: { AND: [{ orgId }, where] } }),
    ]);
  }

  /** For the console: every group, mapped or not, with its member count. */
  listGroupsForSettings(tx: Tx, orgId: string) {
    return tx.scimGroup.findMany({
      where: { orgId },
      include: { _count: { select: { members: true } } },
      orderBy: [{ displayName: 'asc' }, { id: 'asc' }],
    });
  }

  createGroup(tx: Tx, orgId: string, data: { displayName: string; externalId: string | null }) {
    return tx.scimGroup.create({ data: { orgId, ...data } });
  }

  updateGroup(tx: Tx, orgId: string, id: string, data: { displayName: string; externalId: string | null }) {
    return tx.scimGroup.update({ where: { id, orgId }, data: { ...data, updatedAt: new Date() } });
  }

  setGroupRole(tx: Tx, orgId: string, id: string, role: string | null) {
    return tx.scimGroup.update({
      where: { id, orgId },
      data: { role, updatedAt: new Date() },
      include: { _count: { select: { members: true } } },
    });
  }

  deleteGroup(tx: Tx, orgId: string, id: string) {
    return tx.scimGroup.deleteMany({ where: { orgId, id } });
  }

  async setGroupMembers(
    tx: Tx,
    orgId: string,
    groupId: string,
    add: string[],
    remove: string[],
  ): Promise<void> {
    if (remove.length)
      await tx.scimGroupMember.deleteMany({ where: { orgId, groupId, scimUserId: { in: remove } } });
    if (add.length)
      await tx.scimGroupMember.createMany({
        data: add.map((scimUserId) => ({ orgId, groupId, scimUserId })),
        skipDuplicates: true,
      });
  }

  anyMappedGroup(tx: Tx, orgId: string) {
    return tx.scimGroup.findFirst({ where: { orgId, role: { not: null } }, select: { id: true } });
  }

  // ── people and memberships ──
  findPersonByEmail(tx: Tx, email: string) {
    return tx.user.findUnique({ where: { email } });
  }

  createPerson(tx: Tx, email: string, name: string) {
    return tx.user.create({ data: { email, name } });
  }

  findMembership(tx: Tx, orgId: string, userId: string) {
    return tx.membership.findFirst({ where: { orgId, userId } });
  }

  addMembership(tx: Tx, orgId: string, userId: string, role: string) {
    return tx.membership.create({ data: { orgId, userId, role } });
  }

  setMembershipRole(tx: Tx, orgId: string, userId: string, role: string) {
    return tx.membership.update({ where: { orgId_userId: { orgId, userId } }, data: { role } });
  }

  removeMembership(tx: Tx, orgId: string, userId: string) {
    return tx.membership.deleteMany({ where: { orgId, userId } });
  }

  /** Locks the owner rows so two concurrent changes cannot remove the last owner. */
  async lockOwners(tx: Tx, orgId: string): Promise<string[]> {
    const rows = await tx.$queryRaw<{ user_id: string }[]>`
      SELECT user_id FROM memberships WHERE org_id = ${orgId}::uuid AND role = 'owner' FOR UPDATE`;
    return rows.map((r) => r.user_id);
  }

  /**
   * How many organisations besides this one `userId` belongs to. Memberships of other
   * organisations are visible only in the person's own context: set it for this statement's sake
   * and put it back, inside the caller's transaction.
   */
  async otherMemberships(tx: Tx, orgId: string, userId: string): Promise<number> {
    await tx.$executeRaw`SELECT set_config('app.user_id', ${userId}, true)`;
    const rows = await tx.$queryRaw<{ n: number }[]>`
      SELECT count(*)::int AS n FROM memberships WHERE user_id = ${userId}::uuid AND org_id <> ${orgId}::uuid`;
    await tx.$executeRaw`SELECT set_config('app.user_id', '', true)`;
    return rows[0]?.n ?? 0;
  }

  endSessionsOf(tx: Tx, userId: string) {
    return tx.session.deleteMany({ where: { userId } });
  }
}
