// Organisations: sign-up (a signed-in user creates one and becomes its owner), renaming, and the
// list of a user's organisations. Knows nothing of GraphQL.
import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { Database } from '../../platform/db/database.js';
import { AuditWriter } from '../../platform/audit/audit-writer.js';
import { AppError } from '../../platform/errors/app-error.js';
import { isUniqueViolation } from '../../platform/errors/pg-errors.js';
import { actorOf, type OrgScope, type UserPrincipal } from '../../platform/access/principal.js';
import { isRole, type Role } from '../../platform/access/roles.js';
import { OrgsRepository } from './orgs.repository.js';

export interface OrgView {
  id: string;
  orgId: string;
  slug: string;
  name: string;
  createdAt: Date;
  role: Role;
}

function orgView(org: { id: string; slug: string; name: string; createdAt: Date }, role: Role): OrgView {
  return { id: org.id, orgId: org.id, slug: org.slug, name: org.name, createdAt: org.createdAt, role };
}

@Injectable()
export class OrgsService {
  constructor(
    @Inject(Database) private readonly db: Database,
    @Inject(OrgsRepository) private readonly repo: OrgsRepository,
    @Inject(AuditWriter) private readonly audit: AuditWriter,
  ) {}

  async create(user: UserPrincipal, input: { name: string; slug: string }): Promise<OrgView> {
    const id = randomUUID();
    try {
      return await this.db.inOrg({ orgId: id, userId: user.userId, email: user.email }, async (tx) => {
        const org = await this.repo.create(tx, { id, slug: input.slug, name: input.name }, user.userId);
        await this.audit.append(tx, id, actorOf(user), {
          action: 'organization.create',
          targetType: 'organization',
          targetId: id,
          after: { slug: org.slug, name: org.name, owner: user.email },
        });
        return orgView(org, 'owner');
      });
    } catch (err) {
      if (isUniqueViolation(err)) {
        throw new AppError('CONFLICT', `the slug "${input.slug}" is taken`, [
          { path: ['input', 'slug'], message: 'is taken' },
        ]);
      }
      throw err;
    }
  }

  /** The organisation of a scope, as read when the request was authorised (no further read). */
  get(scope: OrgScope): OrgView {
    return orgView(scope.org, scope.role);
  }

  async rename(scope: OrgScope, name: string): Promise<OrgView> {
    return this.db.inOrg(scope, async (tx) => {
      const before = await this.repo.findById(tx, scope.orgId);
      if (!before) throw AppError.notFound('organization');
      const org = await this.repo.rename(tx, scope.orgId, name);
      await this.audit.append(tx, scope.orgId, actorOf(scope.principal), {
        action: 'organization.update',
        targetType: 'organization',
        targetId: scope.orgId,
        before: { name: before.name },
        after: { name: org.name },
      });
      return orgView(org, scope.role);
    });
  }

  async listForUser(
    user: UserPrincipal,
    skip: number,
    take: number,
  ): Promise<{ rows: OrgView[]; total: number }> {
    const [rows, total] = await this.db.read({ userId: user.userId, email: user.email }, (db) => [
      this.repo.listForUser(db, user.userId, skip, take),
      this.repo.countForUser(db, user.userId),
    ]);
    return {
      total,
      rows: rows.map((m) => orgView(m.organization, isRole(m.role) ? m.role : 'viewer')),
    };
  }
}
