// Query keys in one place so mutations invalidate exactly what they change.
export const keys = {
  viewer: ['viewer'] as const,
  sessions: ['viewer', 'sessions'] as const,
  sessionPolicy: (slug: string) => ['org', slug, 'session-policy'] as const,
  org: (slug: string) => ['org', slug] as const,
  orgHeader: (slug: string) => ['org', slug, 'header'] as const,
  dashboard: (slug: string) => ['org', slug, 'dashboard'] as const,
  clusters: (slug: string) => ['org', slug, 'clusters'] as const,
  cluster: (slug: string, name: string) => ['org', slug, 'clusters', name] as const,
  members: (slug: string) => ['org', slug, 'members'] as const,
  tokens: (slug: string) => ['org', slug, 'tokens'] as const,
  scim: (slug: string) => ['org', slug, 'scim'] as const,
  sso: (slug: string) => ['org', slug, 'sso'] as const,
  audit: (slug: string) => ['org', slug, 'audit'] as const,
  policies: (slug: string) => ['org', slug, 'policies'] as const,
  flows: (slug: string) => ['org', slug, 'flows'] as const,
};
