// A stable identity string per resource, used as a map key and in messages: `Kind/name` for
// cluster-scoped kinds and `Kind/namespace/name` for namespaced ones. Kubernetes NetworkPolicy uses
// the kind key `KubernetesNetworkPolicy` so it never collides with a Calico NetworkPolicy. The
// spelling is the managed-document contract's one reference key (../managed/resource-ref.ts).
import { refKey } from '../managed/resource-ref.js';
import { resourceKindKey, type PolicyResource } from './types.js';

export function resourceKey(r: Pick<PolicyResource, 'apiVersion' | 'kind' | 'metadata'>): string {
  return refKey({ kind: resourceKindKey(r), namespace: r.metadata.namespace, name: r.metadata.name });
}
