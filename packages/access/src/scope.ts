// Scoped role bindings (issue 17, decisions 0120–0123): a member's or a token's role can be limited
// to clusters (a cluster selector) and to policy tiers. This file says what a scope is, which roles
// may carry one, and what a scoped binding may never do; the cluster-selector rule itself (syntax,
// matching, "stays inside") is @palisade/policy/managed's, and the API enforces both.
// Isomorphic: the console reads the same rules to gate its pages.
import type { Permission, Role } from './index.js';

/** A binding's limits. `clusterSelector` '' means every cluster; `tiers` null means every tier. */
export interface AccessScope {
  readonly clusterSelector: string;
  readonly tiers: readonly string[] | null;
}

export const UNSCOPED: AccessScope = Object.freeze({ clusterSelector: '', tiers: null });

/** At most this many tiers in one binding. */
export const MAX_SCOPE_TIERS = 32;

/** Roles that may be limited to a scope: owner and admin govern the organisation, so stay whole. */
export const SCOPABLE_ROLES: readonly Role[] = ['editor', 'viewer', 'auditor'];

/**
 * What a limited binding never holds, whatever its role: the audit log and the organisation's
 * settings, members and tokens span every cluster and tier (decision 0121).
 */
export const ORG_WIDE_PERMISSIONS: ReadonlySet<Permission> = new Set<Permission>([
  'org:update',
  'members:invite',
  'members:manage',
  'tokens:read',
  'tokens:manage',
  'audit:read',
  'audit:export',
]);

/**
 * What a tier-limited binding does not hold: flows, statistics, previews and compliance reports
 * are the verdicts of every tier together, so they cannot be cut down to some tiers, and
 * registering, relabelling or deleting a cluster changes what every tier enforces there
 * (decision 0122). A binding limited only to clusters keeps them, for its clusters.
 */
export const ALL_TIERS_PERMISSIONS: ReadonlySet<Permission> = new Set<Permission>([
  'clusters:write',
  'flows:read',
  'compliance:read',
  'compliance:run',
  'compliance:manage',
]);

export function isScoped(scope: AccessScope): boolean {
  return scope.clusterSelector !== '' || scope.tiers !== null;
}

/** Whether a binding with this scope holds a permission its role grants. */
export function scopeAllows(scope: AccessScope, permission: Permission): boolean {
  if (!isScoped(scope)) return true;
  if (ORG_WIDE_PERMISSIONS.has(permission)) return false;
  if (scope.tiers !== null && ALL_TIERS_PERMISSIONS.has(permission)) return false;
  return true;
}

/** Whether a tier is inside the scope (every tier when the scope names none). */
export function tierInScope(scope: AccessScope, tier: string): boolean {
  return scope.tiers === null || scope.tiers.includes(tier);
}

/**
 * The input rule for a scope, apart from the selector's syntax and whether tiers exist (the
 * API checks those). Returns the problem with the field it concerns, or null.
 */
export function scopeProblem(
  role: Role,
  scope: AccessScope,
): { field: 'role' | 'tiers'; message: string } | null {
  if (!isScoped(scope)) return null;
  if (!SCOPABLE_ROLES.includes(role))
    return { field: 'role', message: `the ${role} role cannot be limited to clusters or tiers` };
  if (scope.tiers !== null) {
    if (scope.tiers.length === 0)
      return { field: 'tiers', message: 'name at least one tier, or leave tiers out' };
    if (scope.tiers.length > MAX_SCOPE_TIERS)
      return { field: 'tiers', message: `at most ${MAX_SCOPE_TIERS} tiers` };
    if (new Set(scope.tiers).size !== scope.tiers.length)
      return { field: 'tiers', message: 'a tier is named twice' };
  }
  return null;
}

/**
 * "A scope no wider than X" (tokens and invitations handed out by a limited member, and the
 * member/token forms): `inner` is within `outer` when it names a subset of outer's tiers and its
 * cluster selector keeps outer's (the selector part is checked by the caller with
 * clusterSelectorWithin from @palisade/policy/managed and passed in).
 */
export function tiersWithin(inner: AccessScope, outer: AccessScope): boolean {
  if (outer.tiers === null) return true;
  return inner.tiers !== null && inner.tiers.every((t) => outer.tiers!.includes(t));
}
