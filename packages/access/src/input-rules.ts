// What the API accepts for what users choose — organisation slugs and names, cluster names, API
// token names and lifetimes —
// written once so the console checks a form with the API's own rule before a round trip. The API
// re-checks everything; only the sentence shown next to a field is the caller's. Cluster labels
// follow Kubernetes' label syntax, which @palisade/policy owns (cluster selectors match them).

/** An organisation's URL name: 1–40 lower-case letters, digits and inner hyphens. */
export const ORG_SLUG_MAX_LENGTH = 40;
export const ORG_SLUG_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$/;

/** An organisation's display name, after trimming: 1–100 characters. */
export const ORG_NAME_MAX_LENGTH = 100;

/** A cluster's name: a DNS label, 1–63 lower-case letters, digits and inner hyphens. */
export const CLUSTER_NAME_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** At most this many labels on one cluster. */
export const MAX_CLUSTER_LABELS = 64;

/** An API token's name, after trimming: 1–100 characters. */
export const TOKEN_NAME_MAX_LENGTH = 100;

/** An API token lives 1 to MAX_TOKEN_DAYS days, DEFAULT_TOKEN_DAYS when the caller does not say. */
export const MAX_TOKEN_DAYS = 365;
export const DEFAULT_TOKEN_DAYS = 90;

export function isOrgSlug(slug: string): boolean {
  return ORG_SLUG_PATTERN.test(slug);
}

export function isOrgName(name: string): boolean {
  const trimmed = name.trim();
  return trimmed.length > 0 && trimmed.length <= ORG_NAME_MAX_LENGTH;
}

export function isClusterName(name: string): boolean {
  return CLUSTER_NAME_PATTERN.test(name);
}

/**
 * An organisation's session policy (decision 0110), in minutes: the longest a session may reach the
 * organisation after sign-in, and the longest it may sit idle. Null means no limit of its own.
 */
export const SESSION_LIFETIME_MINUTES = { min: 15, max: 30 * 24 * 60 } as const;
export const SESSION_IDLE_MINUTES = { min: 5, max: 30 * 24 * 60 } as const;
