// The label and annotations that carry Palisade's managed-document contract in a cluster and in a
// stored document (decisions 0008, 0009): the managed-by label marks what Palisade owns (the agent
// prunes only objects carrying it), the drift-mode annotation says what the agent does about
// drift, and the cluster-selector annotation is how a document names its target clusters (stored,
// never pushed). The one home of these names.
import type { PolicyResource } from '../resources/types.js';

export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
export const MANAGED_BY_VALUE = 'palisade';
export const DRIFT_MODE_ANNOTATION = 'palisade.io/drift-mode';
export const CLUSTER_SELECTOR_ANNOTATION = 'palisade.io/cluster-selector';

/** The label selector (Kubernetes syntax) of every object Palisade manages. */
export const MANAGED_BY_SELECTOR = `${MANAGED_BY_LABEL}=${MANAGED_BY_VALUE}`;

export function isManaged(resource: Pick<PolicyResource, 'metadata'>): boolean {
  return resource.metadata.labels?.[MANAGED_BY_LABEL] === MANAGED_BY_VALUE;
}

/** The object with the managed-by label set (pushed objects carry it; this makes sure). */
export function withManagedLabel<R extends PolicyResource>(resource: R): R {
  if (isManaged(resource)) return resource;
  return {
    ...resource,
    metadata: {
      ...resource.metadata,
      labels: { ...resource.metadata.labels, [MANAGED_BY_LABEL]: MANAGED_BY_VALUE },
    },
  };
}
