// Resolves "this caller, this organisation" into an OrgScope, or refuses. A caller who is not a
// member (or a token of another organisation) gets NOT_FOUND, exactly as if the organisation did
// not exist; a member whose role lacks the permission gets FORBIDDEN.
import { Inject, Injectable } from '@nestjs/common';
import { Database } from '../db/database.js';
import { AppError } from '../errors/app-error.js';
import { can, isRole, type Permission } from './roles.js';
import type { OrgScope, Principal } from './principal.js';

export type OrgRef = { slug: string } | { orgId: string };

@Injectable()
export class OrgAccessService {
  constructor(@Inject(Database) private readonly db: Database) {}

  async resolve(principal: Principal, ref: OrgRef, permission: Permission): Promise<OrgScope> {
    const scope = await this.lookup(principal, ref);
    if (!scope) throw AppError.notFound('organization');
    if (!can(scope.role, permission)) {
      throw new AppError('FORBIDDEN', `your role (${scope.role}) does not allow ${permission}`);
    }
    return scope;
  }

  private async lookup(principal: Principal, ref: OrgRef): Promise<OrgScope | null> {
    if (principal.kind === 'token') {
      const org = await this.db.inOrg({ orgId: principal.orgId }, (tx) =>
        tx.organization.findFirst({ where: { id: principal.orgId }, select: { id: true, slug: true } }),
      );
      if (!org || ('slug' in ref ? ref.slug !== org.slug : ref.orgId !== org.id)) return null;
      return { orgId: org.id, slug: org.slug, role: principal.role, principal };
    }
    const row = await this.db.asUser({ userId: principal.userId, email: principal.email }, (tx) =>
      tx.membership.findFirst({
        where: {
          userId: principal.userId,
          organization: 'slug' in ref ? { slug: ref.slug } : { id: ref.orgId },
        },
        select: { role: true, organization: { select: { id: true, slug: true } } },
      }),
    );
    if (!row || !isRole(row.role)) return null;
    return { orgId: row.organization.id, slug: row.organization.slug, role: row.role, principal };
  }
}
