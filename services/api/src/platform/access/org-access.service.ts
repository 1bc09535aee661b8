// Resolves "this caller, this organisation" into an OrgScope, or refuses. A caller who is not a
// member (or a token of another organisation) gets NOT_FOUND, exactly as if the organisation did
// not exist; a member whose role lacks the permission gets FORBIDDEN.
// Memberships are read on every request (a removed member or changed role takes effect at once).
// A token's organisation arrives with the token (authenticate_api_token), so a token request
// needs no read here; a user's membership and organisation are one statement. A binding's scope
// (clusters, tiers) comes with its role; a limited binding holds only the permissions
// @palisade/access lets a scope keep, and its transactions see only what lies inside the scope.
import { Inject, Injectable } from '@nestjs/common';
import { Database } from '../db/database.js';
import { sql } from '../db/sql.js';
import { AppError } from '../errors/app-error.js';
import { can, isRole, scopeAllows, type Permission } from './roles.js';
import { describeScope, storedScope } from './access-scope.js';
import type { OrgScope, Principal, TokenPrincipal, UserPrincipal } from './principal.js';

export type OrgRef = { slug: string } | { orgId: string };

interface MembershipRow {
  role: string;
  cluster_selector: string;
  tiers: unknown;
  id: string;
  slug: string;
  name: string;
  created_at: Date;
}

@Injectable()
export class OrgAccessService {
  constructor(@Inject(Database) private readonly db: Database) {}

  /** The caller's scope in the organisation, or NOT_FOUND. */
  async resolve(principal: Principal, ref: OrgRef): Promise<OrgScope> {
    const scope = principal.kind === 'token' ? forToken(principal, ref) : await this.forUser(principal, ref);
    if (!scope) throw AppError.notFound('organization');
    return scope;
  }

  authorize(scope: OrgScope, permission: Permission): OrgScope {
    if (!can(scope.role, permission)) {
      throw new AppError('FORBIDDEN', `your role (${scope.role}) does not allow ${permission}`);
    }
    if (!scopeAllows(scope.access, permission)) {
      throw new AppError(
        'FORBIDDEN',
        `your role is limited to ${describeScope(scope.access)}, which does not allow ${permission}`,
      );
    }
    return scope;
  }

  private async forUser(principal: UserPrincipal, ref: OrgRef): Promise<OrgScope | null> {
    const uid = principal.userId;
    const slug = 'slug' in ref ? ref.slug : null;
    const orgId = 'orgId' in ref ? ref.orgId : null;
    const [rows] = await this.db.query({ userId: uid, email: principal.email }, [
      sql<MembershipRow>`SELECT m.role, m.cluster_selector, m.tiers, o.id, o.slug, o.name, o.created_at
          FROM memberships m JOIN organizations o ON o.id = m.org_id
         WHERE m.user_id = ${uid}::uuid AND (o.slug = ${slug} OR o.id = ${orgId}::uuid)`,
    ]);
    const row = rows[0];
    if (!row || !isRole(row.role)) return null;
    const org = { id: row.id, slug: row.slug, name: row.name, createdAt: row.created_at };
    const access = storedScope(row.cluster_selector, row.tiers);
    return { orgId: org.id, slug: org.slug, org, role: row.role, access, principal };
  }
}

function forToken(principal: TokenPrincipal, ref: OrgRef): OrgScope | null {
  const { org } = principal;
  const matches = 'slug' in ref ? ref.slug === org.slug : ref.orgId === org.id;
  return matches
    ? { orgId: org.id, slug: org.slug, org, role: principal.role, access: principal.scope, principal }
    : null;
}
