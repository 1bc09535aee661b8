import { describe, expect, it } from 'vitest';
import { scopeAllows, scopeProblem, tiersWithin, UNSCOPED } from './roles.js';
import { deniedIds, resourceInScope, resourceVisible } from './access-scope.js';

describe('scoped bindings (@palisade/access rules)', () => {
  const clusters = { clusterSelector: 'env == "staging"', tiers: null };
  const tiers = { clusterSelector: '', tiers: ['application'] };

  it('a limited binding never holds organisation-wide permissions', () => {
    for (const s of [clusters, tiers]) {
      expect(scopeAllows(s, 'audit:read')).toBe(false);
      expect(scopeAllows(s, 'members:manage')).toBe(false);
      expect(scopeAllows(s, 'policies:write')).toBe(true);
    }
    expect(scopeAllows(UNSCOPED, 'audit:read')).toBe(true);
  });

  it('a tier-limited binding reads no flows or reports and changes no cluster; a cluster-limited one does', () => {
    expect(scopeAllows(tiers, 'flows:read')).toBe(false);
    expect(scopeAllows(tiers, 'compliance:read')).toBe(false);
    expect(scopeAllows(tiers, 'clusters:write')).toBe(false);
    expect(scopeAllows(clusters, 'flows:read')).toBe(true);
    expect(scopeAllows(clusters, 'clusters:write')).toBe(true);
  });

  it('names the field of a bad scope', () => {
    expect(scopeProblem('admin', clusters)).toMatchObject({ field: 'role' });
    expect(scopeProblem('editor', { clusterSelector: '', tiers: ['a', 'a'] })).toMatchObject({
      field: 'tiers',
    });
    expect(scopeProblem('editor', clusters)).toBeNull();
    expect(scopeProblem('owner', UNSCOPED)).toBeNull();
  });

  it('a scope handed out is no wider in tiers than the granter’s', () => {
    expect(tiersWithin(tiers, UNSCOPED)).toBe(true);
    expect(tiersWithin(UNSCOPED, tiers)).toBe(false);
    expect(tiersWithin({ clusterSelector: '', tiers: ['security'] }, tiers)).toBe(false);
  });
});

describe('what a limited transaction hides', () => {
  const clusters = { clusterSelector: 'env == "staging"', tiers: null };
  const tiers = { clusterSelector: '', tiers: ['application'] };
  const rows = {
    clusters: [
      { id: 'c-staging', labels: { env: 'staging' } },
      { id: 'c-prod', labels: { env: 'prod' } },
    ],
    resources: [
      {
        id: 'p-prod',
        kind: 'GlobalNetworkPolicy',
        name: 'security.x',
        tier: 'security',
        cluster_selector: 'env == "prod"',
      },
      {
        id: 'p-staging',
        kind: 'GlobalNetworkPolicy',
        name: 'application.y',
        tier: 'application',
        cluster_selector: 'env == "staging"',
      },
      { id: 't-app', kind: 'Tier', name: 'application', tier: null, cluster_selector: '' },
      {
        id: 'knp',
        kind: 'KubernetesNetworkPolicy',
        name: 'k',
        tier: null,
        cluster_selector: 'env == "staging"',
      },
      { id: 'set', kind: 'GlobalNetworkSet', name: 's', tier: null, cluster_selector: 'env == "staging"' },
    ],
    reports: [
      { id: 'r-all', cluster_selector: '' },
      { id: 'r-staging', cluster_selector: 'env == "staging"' },
    ],
  };

  it('a cluster-limited binding: other clusters, resources and reports reaching beyond; tiers stay visible', () => {
    expect(deniedIds(clusters, rows.clusters, rows.resources, rows.reports)).toEqual({
      clusters: ['c-prod'],
      policies: ['p-prod'],
      reports: ['r-all'],
    });
    // Visible, but not changeable: the tier reaches every cluster.
    const tier = { kind: 'Tier', name: 'application', tier: null, clusterSelector: '' };
    expect(resourceVisible(clusters, tier)).toBe(true);
    expect(resourceInScope(clusters, tier)).toBe(false);
  });

  it('a tier-limited binding: resources of other tiers and of no tier; Kubernetes policies are tier default', () => {
    expect(deniedIds(tiers, rows.clusters, rows.resources, rows.reports)).toEqual({
      clusters: [],
      policies: ['p-prod', 'knp', 'set'],
      reports: [],
    });
  });
});
