// Kubernetes objects as the protocol describes them. Pods become workload endpoints the way Calico
// sees them: host-network pods have none, finished pods (Succeeded, Failed) no longer have one.
// Readiness is kept beside the endpoint for the services it backs. Lists are clamped to the
// protocol's per-object limits, so one unusual object can never get the tunnel closed for good.

import type { V1Namespace, V1Pod, V1Service, V1ServiceAccount } from '@kubernetes/client-node';
import {
  DEFAULT_LIMITS,
  IP_ADDRESS,
  L4_PROTOCOLS,
  type EndpointPort,
  type L4Protocol,
  type Labels,
  type NamespaceInfo,
  type ServiceAccountInfo,
} from '@palisade/protocol';
import { sortLabels } from '../../inventory/labels.js';
import type { ServiceSpec, TrackedEndpoint } from '../../inventory/service-endpoints.js';

export function mapNamespace(namespace: V1Namespace): NamespaceInfo {
  return { name: namespace.metadata?.name ?? '', labels: labelsOf(namespace.metadata?.labels) };
}

export function mapServiceAccount(account: V1ServiceAccount): ServiceAccountInfo {
  return {
    namespace: account.metadata?.namespace ?? '',
    name: account.metadata?.name ?? '',
    labels: labelsOf(account.metadata?.labels),
  };
}

/** `null` when the pod has no workload endpoint (host network, or finished). */
export function mapPod(pod: V1Pod): TrackedEndpoint | null {
  if (pod.spec?.hostNetwork === true) return null;
  const phase = pod.status?.phase;
  if (phase === 'Succeeded' || phase === 'Failed') return null;
  const ips = (pod.status?.podIPs?.map((p) => p.ip) ?? [pod.status?.podIP]).filter(
    (ip): ip is string => typeof ip === 'string' && IP_ADDRESS.test(ip),
  );
  const ports = new Map<string, EndpointPort>();
  for (const container of pod.spec?.containers ?? []) {
    for (const p of container.ports ?? []) {
      const port: EndpointPort = {
        name: p.name ?? null,
        port: p.containerPort,
        protocol: protocolOf(p.protocol),
      };
      ports.set(`${String(port.port)}/${port.protocol}`, port);
    }
  }
  return {
    ready: pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false,
    endpoint: {
      namespace: pod.metadata?.namespace ?? '',
      name: pod.metadata?.name ?? '',
      labels: labelsOf(pod.metadata?.labels),
      ips: ips.slice(0, DEFAULT_LIMITS.maxIpsPerEndpoint),
      ports: [...ports.values()].slice(0, DEFAULT_LIMITS.maxPortsPerObject),
      serviceAccount: pod.spec?.serviceAccountName ?? 'default',
      node: pod.spec?.nodeName ?? null,
    },
  };
}

export function mapService(service: V1Service): ServiceSpec {
  const spec = service.spec;
  const clusterIps = (spec?.clusterIPs ?? (spec?.clusterIP === undefined ? [] : [spec.clusterIP])).filter(
    (ip) => ip !== 'None' && IP_ADDRESS.test(ip),
  );
  return {
    namespace: service.metadata?.namespace ?? '',
    name: service.metadata?.name ?? '',
    labels: labelsOf(service.metadata?.labels),
    selector: spec?.selector === undefined ? null : labelsOf(spec.selector),
    ports: (spec?.ports ?? []).slice(0, DEFAULT_LIMITS.maxPortsPerObject).map((p) => ({
      name: p.name ?? null,
      port: p.port,
      targetPort: p.targetPort ?? p.port,
      protocol: protocolOf(p.protocol),
    })),
    clusterIps: clusterIps.slice(0, DEFAULT_LIMITS.maxIpsPerEndpoint),
  };
}

function labelsOf(labels: Record<string, string> | undefined): Labels {
  const sorted = sortLabels(labels);
  const keys = Object.keys(sorted);
  if (keys.length <= DEFAULT_LIMITS.maxLabelsPerObject) return sorted;
  return Object.fromEntries(keys.slice(0, DEFAULT_LIMITS.maxLabelsPerObject).map((k) => [k, sorted[k]!]));
}

function protocolOf(protocol: string | undefined): L4Protocol {
  return (L4_PROTOCOLS as readonly string[]).includes(protocol ?? 'TCP')
    ? ((protocol ?? 'TCP') as L4Protocol)
    : 'TCP';
}
