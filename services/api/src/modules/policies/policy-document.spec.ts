import { validateResource, type PolicyResource } from '@palisade/policy';
import { describe, expect, it } from 'vitest';
import { parsePrintedPath } from './policies.errors.js';
import {
  annotatedClusterSelector,
  normaliseClusterSelector,
  pushedObject,
  refOf,
  storedDocument,
  tierOf,
} from './policy-document.js';

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

describe('policy documents', () => {
  it('identifies Kubernetes NetworkPolicy by its own kind key; only Calico policies have a tier', () => {
    expect(refOf(knp)).toEqual({ kind: 'KubernetesNetworkPolicy', namespace: 'shop', name: 'k' });
    expect(tierOf(knp)).toBeNull();
    const gnp = resource({
      apiVersion: 'projectcalico.org/v3',
      kind: 'GlobalNetworkPolicy',
      metadata: { name: 'g' },
      spec: {},
    });
    expect(refOf(gnp)).toEqual({ kind: 'GlobalNetworkPolicy', namespace: '', name: 'g' });
    expect(tierOf(gnp)).toBe('default');
  });

  it('normalises selectors to canonical printing, empty meaning every cluster', () => {
    expect(normaliseClusterSelector("  env == 'prod' ")).toBe('env == "prod"');
    expect(normaliseClusterSelector('')).toBe('');
    expect(() => normaliseClusterSelector('env ==')).toThrow();
  });

  it('stores the selector in the annotation and removes it when empty', () => {
    const stored = storedDocument(knp, 'env == "dev"');
    expect(annotatedClusterSelector(stored)).toBe('env == "dev"');
    const all = storedDocument(knp, '');
    expect(all.metadata.annotations).toEqual({ x: 'y' });
    expect(annotatedClusterSelector(all)).toBeUndefined();
  });

  it('pushes without the Palisade annotation, with the managed-by label and the drift mode', () => {
    const pushed = pushedObject(storedDocument(knp, 'env == "dev"'), 'revert') as {
      metadata: PolicyResource['metadata'];
    };
    expect(pushed.metadata.annotations).toEqual({ 'palisade.io/drift-mode': 'revert', x: 'y' });
    expect(pushed.metadata.labels).toEqual({ 'app.kubernetes.io/managed-by': 'palisade' });
    // Still a valid resource for the agent's validator.
    expect(validateResource(pushed).errors).toEqual([]);
  });

  it('parses printed field paths back into segments', () => {
    expect(parsePrintedPath('spec.ingress[0].destination.ports[12]')).toEqual([
      'spec',
      'ingress',
      0,
      'destination',
      'ports',
      12,
    ]);
    expect(parsePrintedPath('metadata.annotations["palisade.io/cluster-selector"]')).toEqual([
      'metadata',
      'annotations',
      'palisade.io/cluster-selector',
    ]);
    expect(parsePrintedPath('')).toEqual([]);
  });
});
