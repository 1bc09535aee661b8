// Operator actions behind `npm run admin`: they run with the administrative database connection
// (the system role, which bypasses RLS) and record audit events with the actor "system".
import { randomUUID } from 'node:crypto';
import type { Database } from '../platform/db/database.js';
import { AuditWriter } from '../platform/audit/audit-writer.js';
import { isRole, type Role } from '../platform/access/roles.js';
import { newTokenSecret } from '../modules/tokens/tokens.service.js';
import { isOrgSlug } from '@palisade/access';

const SYSTEM = { type: 'system' as const, id: null, label: 'admin-cli' };

export class AdminUsageError extends Error {
  override readonly name = 'AdminUsageError';
}

export class AdminService {
  private readonly audit = new AuditWriter();
  constructor(private readonly db: Database) {}

  async ensureUser(email: string, name: string): Promise<string> {
    const lower = email.trim().toLowerCase();
    return this.db.global(async (tx) => {
      const found = await tx.user.findFirst({ where: { email: lower } });
      if (found) return found.id;
      return (await tx.user.create({ data: { email: lower, name, oidcIssuer: null, oidcSubject: null } })).id;
    });
  }

  async createOrg(
    slug: string,
    name: string,
    ownerEmail: string,
  ): Promise<{ orgId: string; created: boolean }> {
    if (!isOrgSlug(slug))
      throw new AdminUsageError(`--slug "${slug}" must be lower-case letters, digits and hyphens`);
    if (!name.trim()) throw new AdminUsageError('--name must not be empty');
    if (!/^[^@\s]+@[^@\s]+$/.test(ownerEmail))
      throw new AdminUsageError(`--owner "${ownerEmail}" is not an email address`);
    const existing = await this.db.global((tx) => tx.organization.findFirst({ where: { slug } }));
    if (existing) return { orgId: existing.id, created: false };
    const userId = await this.ensureUser(ownerEmail, ownerEmail.split('@')[0] ?? ownerEmail);
    const id = randomUUID();
    await this.db.inOrg({ orgId: id }, async (tx) => {
      await tx.organization.create({
        data: { id, slug, name, memberships: { create: { userId, role: 'owner' } } },
      });
      await this.audit.append(tx, id, SYSTEM, {
        action: 'organization.create',
        targetType: 'organization',
        targetId: id,
        after: { slug, name, owner: ownerEmail.toLowerCase() },
      });
    });
    return { orgId: id, created: true };
  }

  async addMember(slug: string, email: string, role: Role): Promise<void> {
    const userId = await this.ensureUser(email, email.split('@')[0] ?? email);
    const org = await this.db.global((tx) => tx.organization.findFirst({ where: { slug } }));
    if (!org) throw new AdminUsageError(`no organisation with slug "${slug}"`);
    await this.db.inOrg({ orgId: org.id }, async (tx) => {
      if (await tx.membership.findFirst({ where: { orgId: org.id, userId } })) return;
      await tx.membership.create({ data: { orgId: org.id, userId, role } });
      await this.audit.append(tx, org.id, SYSTEM, {
        action: 'member.add',
        targetType: 'member',
        targetId: userId,
        after: { email, role },
      });
    });
  }

  async createToken(slug: string, role: string, name: string, expiresInMs: number): Promise<string> {
    if (!isRole(role))
      throw new AdminUsageError(`--role "${role}" must be one of owner, admin, editor, viewer, auditor`);
    const org = await this.db.global((tx) => tx.organization.findFirst({ where: { slug } }));
    if (!org) throw new AdminUsageError(`no organisation with slug "${slug}"`);
    const { secret, prefix, hash } = newTokenSecret();
    await this.db.inOrg({ orgId: org.id }, async (tx) => {
      const row = await tx.apiToken.create({
        data: {
          orgId: org.id,
          name,
          role,
          tokenPrefix: prefix,
          tokenHash: new Uint8Array(hash),
          expiresAt: new Date(Date.now() + expiresInMs),
        },
      });
      await this.audit.append(tx, org.id, SYSTEM, {
        action: 'api_token.create',
        targetType: 'api_token',
        targetId: row.id,
        after: { name, role, prefix, expiresAt: row.expiresAt },
      });
    });
    return secret;
  }

  async isEmpty(): Promise<boolean> {
    return (await this.db.global((tx) => tx.organization.count())) === 0;
  }
}
