// Resolves "this caller, this organisation" into an OrgScope, or refuses. A caller who is not a
// member (or a token of another organisation) gets NOT_FOUND, exactly as if the organisation did
// not exist; a member whose role lacks the permission gets FORBIDDEN.
// Memberships are read on every request (a removed member or changed role takes effect at once);
// only the immutable id ↔ slug of an organisation is cached, for tokens.
import { Inject, Injectable } from '@nestjs/common';
import { Database } from '../db/database.js';
import { AppError } from '../errors/app-error.js';
import { can, isRole, type Permission } from './roles.js';
import type { OrgScope, Principal } from './principal.js';

export type OrgRef = { slug: string } | { orgId: string };

const SLUG_CACHE_LIMIT = 10_000;

@Injectable()
export class OrgAccessService {
  private readonly slugById = new Map<string, string>();

  constructor(@Inject(Database) private readonly db: Database) {}

  /** The caller's scope in the organisation, or NOT_FOUND. */
  async resolve(principal: Principal, ref: OrgRef): Promise<OrgScope> {
    const scope =
      principal.kind === 'token' ? await this.forToken(principal, ref) : await this.forUser(principal, ref);
    if (!scope) throw AppError.notFound('organization');
    return scope;
  }

  authorize(scope: OrgScope, permission: Permission): OrgScope {
    if (!can(scope.role, permission)) {
      throw new AppError('FORBIDDEN', `your role (${scope.role}) does not allow ${permission}`);
    }
    return scope;
  }

  private async forToken(
    principal: Extract<Principal, { kind: 'token' }>,
    ref: OrgRef,
  ): Promise<OrgScope | null> {
    let slug = this.slugById.get(principal.orgId);
    if (slug === undefined) {
      const [org] = await this.db.read({ orgId: principal.orgId }, (db) => [
        db.organization.findFirst({ where: { id: principal.orgId }, select: { slug: true } }),
      ]);
      if (!org) return null;
      slug = org.slug;
      if (this.slugById.size >= SLUG_CACHE_LIMIT) this.slugById.clear();
      this.slugById.set(principal.orgId, slug);
    }
    const matches = 'slug' in ref ? ref.slug === slug : ref.orgId === principal.orgId;
    return matches ? { orgId: principal.orgId, slug, role: principal.role, principal } : null;
  }

  private async forUser(
    principal: Extract<Principal, { kind: 'user' }>,
    ref: OrgRef,
  ): Promise<OrgScope | null> {
    const [row] = await this.db.read({ userId: principal.userId, email: principal.email }, (db) => [
      db.membership.findFirst({
        where: {
          userId: principal.userId,
          organization: 'slug' in ref ? { slug: ref.slug } : { id: ref.orgId },
        },
        select: { role: true, organization: { select: { id: true, slug: true } } },
      }),
    ]);
    if (!row || !isRole(row.role)) return null;
    return { orgId: row.organization.id, slug: row.organization.slug, role: row.role, principal };
  }
}
