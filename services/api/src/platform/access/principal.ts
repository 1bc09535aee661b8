// Who is calling: a signed-in user (server-side session) or an API token. Tokens are bound to one
// organisation and a role; users get their role per organisation from memberships.
import type { AccessScope, Role } from './roles.js';

export interface UserPrincipal {
  kind: 'user';
  userId: string;
  email: string;
  name: string;
  sessionIdHash: Buffer;
  /** The session as it stood before this request: organisations' session policies judge it. */
  session: { id: string; createdAt: Date; lastSeenAt: Date };
}

export interface TokenPrincipal {
  kind: 'token';
  tokenId: string;
  tokenName: string;
  /** The token's organisation, read with the token itself. */
  org: OrgSummary;
  role: Role;
  /** The clusters and tiers the token is limited to (UNSCOPED when none). */
  scope: AccessScope;
}

/** An organisation as read when the request was authorised. */
export interface OrgSummary {
  readonly id: string;
  readonly slug: string;
  readonly name: string;
  readonly createdAt: Date;
}

export type Principal = UserPrincipal | TokenPrincipal;

/** An authorised view of one organisation for one request: every tenant query runs inside one. */
export interface OrgScope {
  readonly orgId: string;
  readonly slug: string;
  readonly org: OrgSummary;
  readonly role: Role;
  /** The clusters and tiers the caller's binding is limited to; the tenant transaction enforces it. */
  readonly access: AccessScope;
  readonly principal: Principal;
}

export interface Actor {
  type: 'user' | 'token' | 'system';
  id: string | null;
  label: string;
}

export function actorOf(principal: Principal | null): Actor {
  if (!principal) return { type: 'system', id: null, label: 'system' };
  if (principal.kind === 'user') return { type: 'user', id: principal.userId, label: principal.email };
  return { type: 'token', id: principal.tokenId, label: `token:${principal.tokenName}` };
}
