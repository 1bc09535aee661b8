// A stable identity string per resource, used as a map key and in messages: `Kind/name` for
// cluster-scoped kinds and `Kind/namespace/name` for namespaced ones. Kubernetes NetworkPolicy uses
// the kind key `KubernetesNetworkPolicy` so it never collides with a Calico NetworkPolicy.

import { resourceKindKey, type PolicyResource } from './types.js';

export function resourceKey(r: Pick<PolicyResource, 'apiVersion' | 'kind' | 'metadata'>): string {
  const kind = resourceKindKey(r);
  const { namespace, name } = r.metadata;
  return namespace === undefined ? `${kind}/${name}` : `${kind}/${namespace}/${name}`;
}
