// Resolves "this caller, this organisation" into an OrgScope, or refuses. A caller who is not a
// member (or a token of another organisation) gets NOT_FOUND, exactly as if the organisation did
// not exist; a member whose role lacks the permission gets FORBIDDEN.
// Memberships are read on every request (a removed member or changed role takes effect at once).
// A token's organisation arrives with the token (authenticate_api_token), so a token request
// needs no read here; a user's membership and organisation are one statement.
// That statement also reads the organisation's session policy (decision 0110): a session older
// than the organisation's lifetime, or idle longer than its idle timeout, is ended there and then
// (it would otherwise count as fresh activity on the next request) and the caller must sign in.
// A binding's scope (clusters, tiers) comes with its role; a limited binding holds only the
// permissions @palisade/access lets a scope keep, and its transactions see only what lies inside the scope.
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
  max_lifetime_seconds: number | null;
  idle_timeout_seconds: number | null;
}

/** Why `session` may no longer reach an organisation with this policy, or null. */
export function sessionPolicyBreach(
  session: { createdAt: Date; lastSeenAt: Date },
  policy: { maxLifetimeSeconds: number | null; idleTimeoutSeconds: number | null },
  now = Date.now(),
): string | null {
  const minutes = (s: number) => `${Math.round(s / 60)} minutes`;
  if (
    policy.maxLifetimeSeconds !== null &&
    now - session.createdAt.getTime() > policy.maxLifetimeSeconds * 1000
  )
    return `is older than this organisation allows (${minutes(policy.maxLifetimeSeconds)})`;
  if (
    policy.idleTimeoutSeconds !== null &&
    now - session.lastSeenAt.getTime() > policy.idleTimeoutSeconds * 1000
  )
    return `was idle longer than this organisation allows (${minutes(policy.idleTimeoutSeconds)})`;
  return null;
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
      sql<MembershipRow>`SELECT m.role, m.cluster_selector, m.tiers, o.id, o.slug, o.name, o.created_at,
               p.max_lifetime_seconds, p.idle_timeout_seconds
          FROM memberships m JOIN organizations o ON o.id = m.org_id
          LEFT JOIN session_policies p ON p.org_id = o.id
         WHERE m.user_id = ${uid}::uuid AND (o.slug = ${slug} OR o.id = ${orgId}::uuid)`,
    ]);
    const row = rows[0];
    if (!row || !isRole(row.role)) return null;
    const breach = sessionPolicyBreach(principal.session, {
      maxLifetimeSeconds: row.max_lifetime_seconds,
      idleTimeoutSeconds: row.idle_timeout_seconds,
    });
    if (breach) {
      await this.db.global((tx) =>
        tx.session.deleteMany({ where: { idHash: new Uint8Array(principal.sessionIdHash) } }),
      );
      throw new AppError('UNAUTHENTICATED', `your session ${breach}; sign in again`);
    }
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
