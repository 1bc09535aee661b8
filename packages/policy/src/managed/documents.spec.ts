import { describe, expect, it } from 'vitest';
import { validateResource } from '../resources/validate.js';
import type { PolicyResource } from '../resources/types.js';
import {
  annotatedClusterSelector,
  normaliseClusterSelector,
  selectsCluster,
  clusterLabelMatcher,
  clusterMatcher,
} from './cluster-selector.js';
import { fromStored, isBuiltinTier, pushedObject, storedDocument, tierOf } from './documents.js';
import { DEFAULT_DRIFT_MODE, driftModeOf, effectiveDriftMode, orgDriftMode } from './drift-mode.js';
import { isManaged, withManagedLabel } from './metadata.js';
import { isLabelKey, isLabelValue } from './cluster-labels.js';

function resource(input: unknown): PolicyResource {
  const r = validateResource(input);
  if (!r.resource) throw new Error(JSON.stringify(r.errors));
  return r.resource;
}

const knp = resource({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: {
    name: 'k',
    namespace: 'shop',
    annotations: { 'palisade.io/cluster-selector': "env == 'prod'", x: 'y' },
  },
  spec: { podSelector: {} },
});

describe('stored and pushed documents', () => {
  it('gives a tier only to Calico policies; built-in tiers are known by name', () => {
    expect(tierOf(knp)).toBeNull();
    const gnp = resource({
      apiVersion: 'projectcalico.org/v3',
      kind: 'GlobalNetworkPolicy',
      metadata: { name: 'g' },
      spec: {},
    });
    expect(tierOf(gnp)).toBe('default');
    expect(isBuiltinTier('Tier', 'kube-admin')).toBe(true);
    expect(isBuiltinTier('Tier', 'platform')).toBe(false);
    expect(isBuiltinTier('NetworkPolicy', 'default')).toBe(false);
  });

  it('stores the selector in the annotation and removes the annotation when empty', () => {
    const stored = storedDocument(knp, 'env == "dev"');
    expect(annotatedClusterSelector(stored)).toBe('env == "dev"');
    const all = storedDocument(knp, '');
    expect(all.metadata.annotations).toEqual({ x: 'y' });
    expect(annotatedClusterSelector(all)).toBeUndefined();
    // Read back from storage in another key order, it is the same canonical document.
    const shuffled = JSON.parse(
      JSON.stringify({
        spec: stored.spec,
        metadata: stored.metadata,
        kind: stored.kind,
        apiVersion: stored.apiVersion,
      }),
    ) as unknown;
    expect(JSON.stringify(fromStored(shuffled))).toBe(JSON.stringify(stored));
  });

  it('pushes without the cluster-selector annotation, with the managed-by label and the drift mode', () => {
    const pushed = pushedObject(storedDocument(knp, 'env == "dev"'), 'revert') as unknown as PolicyResource;
    expect(pushed.metadata.annotations).toEqual({ 'palisade.io/drift-mode': 'revert', x: 'y' });
    expect(pushed.metadata.labels).toEqual({ 'app.kubernetes.io/managed-by': 'palisade' });
    expect(isManaged(pushed)).toBe(true);
    expect(driftModeOf(pushed)).toBe('revert');
    // Still a valid resource for the agent's validator.
    expect(validateResource(pushed).errors).toEqual([]);
  });

  it('labels an unlabelled object as managed without touching its other labels', () => {
    const labelled = withManagedLabel({ ...knp, metadata: { ...knp.metadata, labels: { app: 'a' } } });
    expect(labelled.metadata.labels).toEqual({ app: 'a', 'app.kubernetes.io/managed-by': 'palisade' });
    expect(isManaged(knp)).toBe(false);
  });
});

describe('drift mode', () => {
  it('reports by default; a resource of its own overrides the organisation', () => {
    expect(DEFAULT_DRIFT_MODE).toBe('report');
    expect(orgDriftMode(null)).toBe('report');
    expect(orgDriftMode('revert')).toBe('revert');
    expect(orgDriftMode('sometimes')).toBe('report');
    expect(effectiveDriftMode(null, 'revert')).toBe('revert');
    expect(effectiveDriftMode('report', 'revert')).toBe('report');
    expect(driftModeOf(knp)).toBe('report');
  });
});

describe('cluster selector', () => {
  it('normalises to canonical printing, empty meaning every cluster', () => {
    expect(normaliseClusterSelector("  env == 'prod' ")).toBe('env == "prod"');
    expect(normaliseClusterSelector('')).toBe('');
    expect(() => normaliseClusterSelector('env ==')).toThrow();
  });

  it('selects every cluster when empty, matching clusters otherwise, none when it no longer parses', () => {
    const prod = { env: 'prod' };
    const dev = { env: 'dev' };
    expect(selectsCluster('', prod)).toBe(true);
    expect(selectsCluster('', {})).toBe(true);
    expect(selectsCluster('env == "prod"', prod)).toBe(true);
    expect(selectsCluster('env == "prod"', dev)).toBe(false);
    expect(selectsCluster('env ==', prod)).toBe(false);
    expect(selectsCluster('all()', dev)).toBe(true);
    const matches = clusterMatcher('has(env) && env != "dev"');
    expect([prod, dev, {}].map((l) => matches(l))).toEqual([true, false, false]);
  });

  it('applies the same rule to labels held as a LabelMap', () => {
    const maps = [{ env: 'prod' }, { env: 'dev' }, {}].map((l) => new Map(Object.entries(l)));
    for (const selector of ['', 'has(env) && env != "dev"', 'env ==', 'all()', "env in {'dev'}"]) {
      const byRecord = clusterMatcher(selector);
      const byMap = clusterLabelMatcher(selector);
      expect(
        maps.map((m) => byMap(m)),
        selector,
      ).toEqual(maps.map((m) => byRecord(Object.fromEntries(m))));
    }
    expect(maps.map((m) => clusterLabelMatcher('env ==')(m))).toEqual([false, false, false]);
    expect(maps.map((m) => clusterLabelMatcher(' ')(m))).toEqual([true, true, true]);
  });
});

describe('cluster labels', () => {
  it('follows Kubernetes label syntax', () => {
    expect(['env', 'topology.kubernetes.io/region', 'a_b.c-d', 'x'.repeat(63)].every(isLabelKey)).toBe(true);
    expect(['', '-env', 'Env.Example.com/x', '/x', 'a/', 'x'.repeat(64), 'a b'].some(isLabelKey)).toBe(false);
    expect(['', 'prod', 'eu-west_1.a'].every(isLabelValue)).toBe(true);
    expect(['-prod', 'a b', 'x'.repeat(64)].some(isLabelValue)).toBe(false);
  });
});
