import { describe, expect, it } from 'vitest';
import { editorSearchOf, managedKindOf } from './policy-link';

describe('trace policy → editor link', () => {
  it('maps every managed trace kind to the kind the editor opens', () => {
    expect(managedKindOf('CALICO_NETWORK_POLICY')).toBe('NetworkPolicy');
    expect(managedKindOf('GLOBAL_NETWORK_POLICY')).toBe('GlobalNetworkPolicy');
    expect(managedKindOf('KUBERNETES_NETWORK_POLICY')).toBe('KubernetesNetworkPolicy');
    expect(managedKindOf('STAGED_NETWORK_POLICY')).toBe('StagedNetworkPolicy');
    expect(managedKindOf('STAGED_GLOBAL_NETWORK_POLICY')).toBe('StagedGlobalNetworkPolicy');
    expect(managedKindOf('STAGED_KUBERNETES_NETWORK_POLICY')).toBe('StagedKubernetesNetworkPolicy');
  });

  it('gives no link for what Palisade does not manage', () => {
    expect(managedKindOf('PROFILE')).toBeUndefined();
    expect(managedKindOf('END_OF_TIER')).toBeUndefined();
    expect(managedKindOf('KUBERNETES_CLUSTER_NETWORK_POLICY')).toBeUndefined();
    expect(editorSearchOf({ kind: 'PROFILE', name: 'kns.shop' })).toBeUndefined();
  });

  it('keeps the namespace of namespaced policies only', () => {
    expect(editorSearchOf({ kind: 'CALICO_NETWORK_POLICY', namespace: 'db', name: 'deny' })).toEqual({
      kind: 'NetworkPolicy',
      namespace: 'db',
      name: 'deny',
    });
    expect(editorSearchOf({ kind: 'GLOBAL_NETWORK_POLICY', namespace: null, name: 'dns' })).toEqual({
      kind: 'GlobalNetworkPolicy',
      name: 'dns',
    });
  });
});
