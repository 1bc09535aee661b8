// A service's endpoints, derived the way Kubernetes' endpoint controller does: the pods of the
// service's namespace whose labels carry every key/value of its selector. Both providers derive
// them here from the pods they already watch, so the simulated and the real cluster agree, and the
// kubernetes provider needs no EndpointSlice watch (and no RBAC for one).

import type { Labels, ServiceEndpoint, ServiceInfo, WorkloadEndpoint } from '@palisade/protocol';

export type ServiceSpec = Omit<ServiceInfo, 'endpoints'>;

export interface TrackedEndpoint {
  readonly endpoint: WorkloadEndpoint;
  /** The pod passes its readiness checks; not part of the endpoint itself, but of its services'. */
  readonly ready: boolean;
}

export function selectorMatches(selector: Labels, labels: Labels): boolean {
  for (const [key, value] of Object.entries(selector)) {
    if (labels[key] !== value) return false;
  }
  return true;
}

/** `pods` are the tracked endpoints of the service's namespace; an empty selector selects none (as Kubernetes). */
export function serviceEndpoints(service: ServiceSpec, pods: Iterable<TrackedEndpoint>): ServiceEndpoint[] {
  const selector = service.selector;
  if (selector === null || Object.keys(selector).length === 0) return [];
  const endpoints: ServiceEndpoint[] = [];
  for (const { endpoint, ready } of pods) {
    if (!selectorMatches(selector, endpoint.labels)) continue;
    for (const ip of endpoint.ips) endpoints.push({ ip, pod: endpoint.name, ready });
  }
  return endpoints.sort((a, b) => compare(a.pod ?? '', b.pod ?? '') || compare(a.ip, b.ip));
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
