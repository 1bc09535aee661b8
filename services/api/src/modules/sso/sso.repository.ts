// Prisma access for single sign-on. Org id first and in every where clause; the two lookups that
// run before an organisation is known go through the definer functions of migration 0021.
import { Injectable } from '@nestjs/common';
import { Prisma } from '../../generated/prisma/client.js';
import type { Tx } from '../../platform/db/database.js';

export interface DomainRoute {
  orgId: string;
  orgSlug: string;
  connectionId: string | null;
  requireSso: boolean;
}

export type ConnectionRow = NonNullable<Awaited<ReturnType<SsoRepository['connection']>>>;
export type DomainRow = NonNullable<Awaited<ReturnType<SsoRepository['domain']>>>;

@Injectable()
export class SsoRepository {
  // ---- before an organisation is known ----

  async routeDomain(tx: Tx, domain: string): Promise<DomainRoute | null> {
    const rows = await tx.$queryRaw<
      { org_id: string; org_slug: string; connection_id: string | null; require_sso: boolean }[]
    >`SELECT org_id, org_slug, connection_id, require_sso FROM sso_route_domain(${domain})`;
    const r = rows[0];
    return r
      ? { orgId: r.org_id, orgSlug: r.org_slug, connectionId: r.connection_id, requireSso: r.require_sso }
      : null;
  }

  async orgOfConnection(tx: Tx, connectionId: string): Promise<string | null> {
    const rows = await tx.$queryRaw<{ org_id: string | null }[]>`
      SELECT sso_connection_org(${connectionId}::uuid) AS org_id`;
    return rows[0]?.org_id ?? null;
  }

  // ---- connections ----

  connections(tx: Tx, orgId: string) {
    return tx.ssoConnection.findMany({ where: { orgId }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
  }

  countConnections(tx: Tx, orgId: string) {
    return tx.ssoConnection.count({ where: { orgId } });
  }

  connection(tx: Tx, orgId: string, id: string) {
    return tx.ssoConnection.findFirst({ where: { orgId, id } });
  }

  connectionByName(tx: Tx, orgId: string, name: string) {
    return tx.ssoConnection.findFirst({ where: { orgId, name } });
  }

  createConnection(tx: Tx, orgId: string, data: Omit<Prisma.SsoConnectionUncheckedCreateInput, 'orgId'>) {
    return tx.ssoConnection.create({ data: { ...data, orgId } });
  }

  updateConnection(
    tx: Tx,
    orgId: string,
    id: string,
    data: Omit<Prisma.SsoConnectionUncheckedUpdateInput, 'orgId' | 'id'>,
  ) {
    return tx.ssoConnection.update({ where: { id, orgId }, data: { ...data, updatedAt: new Date() } });
  }

  deleteConnection(tx: Tx, orgId: string, id: string) {
    return tx.ssoConnection.delete({ where: { id, orgId } });
  }

  // ---- domains ----

  domains(tx: Tx, orgId: string) {
    return tx.ssoDomain.findMany({ where: { orgId }, orderBy: [{ domain: 'asc' }] });
  }

  countDomains(tx: Tx, orgId: string) {
    return tx.ssoDomain.count({ where: { orgId } });
  }

  domain(tx: Tx, orgId: string, id: string) {
    return tx.ssoDomain.findFirst({ where: { orgId, id } });
  }

  domainByName(tx: Tx, orgId: string, domain: string) {
    return tx.ssoDomain.findFirst({ where: { orgId, domain } });
  }

  verifiedDomain(tx: Tx, orgId: string, domain: string) {
    return tx.ssoDomain.findFirst({ where: { orgId, domain, verifiedAt: { not: null } } });
  }

  createDomain(tx: Tx, orgId: string, data: { domain: string; proofToken: string }) {
    return tx.ssoDomain.create({ data: { ...data, orgId } });
  }

  updateDomain(
    tx: Tx,
    orgId: string,
    id: string,
    data: { verifiedAt?: Date; connectionId?: string | null; requireSso?: boolean },
  ) {
    return tx.ssoDomain.update({ where: { id, orgId }, data });
  }

  deleteDomain(tx: Tx, orgId: string, id: string) {
    return tx.ssoDomain.delete({ where: { id, orgId } });
  }

  // ---- group mappings ----

  mappings(tx: Tx, orgId: string, connectionId: string) {
    return tx.ssoGroupMapping.findMany({
      where: { orgId, connectionId },
      orderBy: [{ groupName: 'asc' }],
    });
  }

  mappingsOfOrg(tx: Tx, orgId: string) {
    return tx.ssoGroupMapping.findMany({ where: { orgId }, orderBy: [{ groupName: 'asc' }] });
  }

  async replaceMappings(
    tx: Tx,
    orgId: string,
    connectionId: string,
    mappings: readonly { groupName: string; role: string }[],
  ) {
    await tx.ssoGroupMapping.deleteMany({ where: { orgId, connectionId } });
    if (mappings.length > 0)
      await tx.ssoGroupMapping.createMany({
        data: mappings.map((m) => ({ orgId, connectionId, groupName: m.groupName, role: m.role })),
      });
  }

  // ---- identities and memberships ----

  identity(tx: Tx, orgId: string, connectionId: string, subject: string) {
    return tx.ssoIdentity.findFirst({ where: { orgId, connectionId, subject } });
  }

  upsertIdentity(
    tx: Tx,
    orgId: string,
    connectionId: string,
    subject: string,
    userId: string,
    groups: string[],
  ) {
    const now = new Date();
    return tx.ssoIdentity.upsert({
      where: { connectionId_subject: { connectionId, subject } },
      create: { orgId, connectionId, subject, userId, lastGroups: groups, lastLoginAt: now },
      update: { userId, lastGroups: groups, lastLoginAt: now },
    });
  }

  /** Identities seen through a connection, with their user's email and current role, for the preview. */
  identitiesWithRoles(tx: Tx, orgId: string, connectionId: string, take: number) {
    return tx.$queryRaw<
      { user_id: string; email: string; last_groups: unknown; role: string | null; last_login_at: Date }[]
    >`SELECT i.user_id, u.email, i.last_groups, m.role, i.last_login_at
        FROM sso_identities i
        JOIN users u ON u.id = i.user_id
        LEFT JOIN memberships m ON m.org_id = i.org_id AND m.user_id = i.user_id
       WHERE i.org_id = ${orgId}::uuid AND i.connection_id = ${connectionId}::uuid
       ORDER BY u.email
       LIMIT ${take}`;
  }

  membership(tx: Tx, orgId: string, userId: string) {
    return tx.membership.findFirst({ where: { orgId, userId } });
  }

  /** Owners of the organisation whose email is `email` (break-glass check). */
  ownerByEmail(tx: Tx, orgId: string, email: string) {
    return tx.membership.findFirst({
      where: { orgId, role: 'owner', user: { email } },
      include: { user: true },
    });
  }

  upsertMembership(tx: Tx, orgId: string, userId: string, role: string) {
    return tx.membership.upsert({
      where: { orgId_userId: { orgId, userId } },
      create: { orgId, userId, role },
      update: { role },
    });
  }

  deleteMembership(tx: Tx, orgId: string, userId: string) {
    return tx.membership.deleteMany({ where: { orgId, userId } });
  }
}
