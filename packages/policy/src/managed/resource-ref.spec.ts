import { describe, expect, it } from 'vitest';
import { resourceKey } from '../resources/resource-key.js';
import { validateResource } from '../resources/validate.js';
import { KIND_PLACEMENTS, MANAGED_KINDS } from './kinds.js';
import { compareRefs, managedRef, refKey, refOf, wireRefKey } from './resource-ref.js';

describe('resource references', () => {
  it('spells a cluster-scoped resource Kind/name however its namespace is absent', () => {
    expect(refKey({ kind: 'GlobalNetworkPolicy', namespace: '', name: 'g' })).toBe('GlobalNetworkPolicy/g');
    expect(refKey({ kind: 'GlobalNetworkPolicy', namespace: null, name: 'g' })).toBe('GlobalNetworkPolicy/g');
    expect(refKey({ kind: 'GlobalNetworkPolicy', name: 'g' })).toBe('GlobalNetworkPolicy/g');
    expect(refKey({ kind: 'NetworkPolicy', namespace: 'shop', name: 'p' })).toBe('NetworkPolicy/shop/p');
  });

  it('keys Kubernetes NetworkPolicy apart from Calico NetworkPolicy, from documents and wire references', () => {
    const knp = validateResource({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'k', namespace: 'shop' },
      spec: { podSelector: {} },
    }).resource!;
    expect(refOf(knp)).toEqual({ kind: 'KubernetesNetworkPolicy', namespace: 'shop', name: 'k' });
    expect(resourceKey(knp)).toBe('KubernetesNetworkPolicy/shop/k');
    expect(
      wireRefKey({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', namespace: 'shop', name: 'k' }),
    ).toBe('KubernetesNetworkPolicy/shop/k');
    expect(wireRefKey({ apiVersion: 'projectcalico.org/v3', kind: 'Tier', namespace: null, name: 't' })).toBe(
      'Tier/t',
    );
    expect(() => managedRef({ kind: 'HostEndpoint', namespace: '', name: 'h' })).toThrow(/not managed/);
  });

  it('orders references for applying: tiers and sets before policies, then namespace and name', () => {
    const refs = [
      managedRef({ kind: 'NetworkPolicy', namespace: 'b', name: 'x' }),
      managedRef({ kind: 'Tier', namespace: '', name: 'z' }),
      managedRef({ kind: 'NetworkPolicy', namespace: 'a', name: 'y' }),
      managedRef({ kind: 'NetworkSet', namespace: 'a', name: 'n' }),
    ];
    expect(refs.sort(compareRefs).map(refKey)).toEqual([
      'Tier/z',
      'NetworkSet/a/n',
      'NetworkPolicy/a/y',
      'NetworkPolicy/b/x',
    ]);
  });

  it('places every managed kind in the Kubernetes API', () => {
    expect(Object.keys(KIND_PLACEMENTS).sort()).toEqual([...MANAGED_KINDS].sort());
    expect(KIND_PLACEMENTS.KubernetesNetworkPolicy).toMatchObject({
      apiVersion: 'networking.k8s.io/v1',
      apiKind: 'NetworkPolicy',
      namespaced: true,
    });
  });
});
