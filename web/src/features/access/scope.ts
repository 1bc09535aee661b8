// Scoped role bindings in the console (issue 17 item 3): the form state for "limit this role to
// clusters and tiers", checked with the API's own rules before a round trip (the selector syntax
// from @palisade/policy/managed, which roles may be limited from @palisade/access); how a scope
// is shown is scope-label.ts. The API re-checks everything, including that the tiers exist.
import { MAX_SCOPE_TIERS, SCOPABLE_ROLES } from '@palisade/access';
import { normaliseClusterSelector } from '@palisade/policy/managed';
import type { AccessScopeInput, Role } from '../../generated/graphql';

export interface ScopeForm {
  clusterSelector: string;
  /** Comma-separated tier names as typed. */
  tiers: string;
}

export const EMPTY_SCOPE: ScopeForm = { clusterSelector: '', tiers: '' };

export function tierList(form: ScopeForm): string[] {
  return form.tiers
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t !== '');
}

export function isLimited(form: ScopeForm): boolean {
  return form.clusterSelector.trim() !== '' || tierList(form).length > 0;
}

export function scopeErrors(
  role: Role,
  form: ScopeForm,
): { clusterSelector?: string; tiers?: string; role?: string } {
  const out: { clusterSelector?: string; tiers?: string; role?: string } = {};
  if (!isLimited(form)) return out;
  if (!SCOPABLE_ROLES.includes(role.toLowerCase() as (typeof SCOPABLE_ROLES)[number]))
    out.role = `The ${role.toLowerCase()} role cannot be limited to clusters or tiers.`;
  try {
    normaliseClusterSelector(form.clusterSelector);
  } catch (err) {
    out.clusterSelector = `Not a valid selector: ${(err as Error).message}`;
  }
  const tiers = tierList(form);
  if (tiers.length > MAX_SCOPE_TIERS) out.tiers = `At most ${MAX_SCOPE_TIERS} tiers.`;
  else if (new Set(tiers).size !== tiers.length) out.tiers = 'A tier is named twice.';
  return out;
}

/** The input to send: null when the role is not limited (the whole organisation). */
export function scopeInput(form: ScopeForm): AccessScopeInput | null {
  if (!isLimited(form)) return null;
  const tiers = tierList(form);
  return { clusterSelector: form.clusterSelector.trim(), tiers: tiers.length > 0 ? tiers : null };
}
