// Group -> role evaluation (decision 0103). Pure: the same function decides at sign-in and in the
// dry-run preview, so the preview cannot disagree with what sign-in does. Group names match
// exactly (IdPs send names or opaque ids; neither is case-folded by them).
import { SSO_MAPPABLE_ROLES, type SsoMappableRole } from '@palisade/access';

export interface GroupMapping {
  groupName: string;
  role: SsoMappableRole;
}

/** The strongest role any of `groups` maps to, or null when none is mapped. */
export function roleForGroups(
  mappings: readonly GroupMapping[],
  groups: readonly string[],
): SsoMappableRole | null {
  const have = new Set(groups);
  let best: number | null = null;
  for (const m of mappings) {
    if (!have.has(m.groupName)) continue;
    const rank = SSO_MAPPABLE_ROLES.indexOf(m.role);
    if (best === null || rank < best) best = rank;
  }
  return best === null ? null : (SSO_MAPPABLE_ROLES[best] ?? null);
}

/**
 * The groups an IdP sent, as a list of strings: a JSON array of strings (OIDC), a single string,
 * or several attribute values (SAML). Anything else counts as no groups.
 */
export function groupsFrom(value: unknown): string[] {
  if (typeof value === 'string') return value.length > 0 ? [value] : [];
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string' && v.length > 0);
  return [];
}
