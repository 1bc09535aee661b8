// Turns a cluster description into the inventory a real cluster with that content would report:
// namespaces with Kubernetes' implicit name label, a `default` service account in each, one pod per
// replica with a Deployment-style name and label, an address from the pod CIDR and a node, and
// services with a cluster IP and the pods their selector picks. Addresses come from pools the caller
// keeps between builds, so edits do not renumber pods.

import type { EndpointPort, NamespaceInfo, ServiceAccountInfo } from '@palisade/protocol';
import type { InventoryState } from '../../inventory/inventory-store.js';
import { sortLabels } from '../../inventory/labels.js';
import type { ServiceSpec, TrackedEndpoint } from '../../inventory/service-endpoints.js';
import { AddressPool } from './address-pool.js';
import type { ClusterSpec } from './cluster-spec.js';
import { nodeIndex, podName, templateHash } from './pod-names.js';

export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';
export const POD_TEMPLATE_HASH_LABEL = 'pod-template-hash';

export interface AddressPools {
  readonly pods: AddressPool;
  readonly services: AddressPool;
}

/** Fresh pools for `spec`; the first service address stays free for the `kubernetes` service, as in a real cluster. */
export function addressPoolsFor(spec: ClusterSpec): AddressPools {
  return {
    pods: new AddressPool(spec.cluster.podCidr),
    services: new AddressPool(spec.cluster.serviceCidr, 1),
  };
}

export function buildInventory(spec: ClusterSpec, clusterName: string, pools: AddressPools): InventoryState {
  const namespaces: NamespaceInfo[] = spec.namespaces.map((n) => ({
    name: n.name,
    labels: sortLabels({ ...n.labels, [NAMESPACE_NAME_LABEL]: n.name }),
  }));

  const serviceAccounts: ServiceAccountInfo[] = spec.serviceAccounts.map((a) => ({
    namespace: a.namespace,
    name: a.name,
    labels: sortLabels(a.labels),
  }));
  const declared = new Set(serviceAccounts.map((a) => `${a.namespace}/${a.name}`));
  for (const n of spec.namespaces) {
    if (!declared.has(`${n.name}/default`))
      serviceAccounts.push({ namespace: n.name, name: 'default', labels: {} });
  }

  const podKeys = new Set<string>();
  const pods: { key: string; build: (ip: string) => TrackedEndpoint }[] = [];
  for (const w of spec.workloads) {
    const hash = templateHash(w.namespace, w.name);
    const labels = sortLabels({ ...w.labels, [POD_TEMPLATE_HASH_LABEL]: hash });
    const ports: EndpointPort[] = w.ports.map((p) => ({ name: p.name, port: p.port, protocol: p.protocol }));
    for (let i = 0; i < w.replicas; i++) {
      const name = podName(w.name, hash, i);
      const key = `${w.namespace}/${name}`;
      podKeys.add(key);
      pods.push({
        key,
        build: (ip) => ({
          ready: true,
          endpoint: {
            namespace: w.namespace,
            name,
            labels,
            ips: [ip],
            ports,
            serviceAccount: w.serviceAccount,
            node: `${clusterName}-node-${String(nodeIndex(name, spec.cluster.nodes) + 1)}`,
          },
        }),
      });
    }
  }
  pools.pods.retain(podKeys);
  const endpoints = pods.map((p) => p.build(pools.pods.addressOf(p.key)));

  const serviceKeys = new Set(
    spec.services.filter((s) => !s.headless).map((s) => `${s.namespace}/${s.name}`),
  );
  pools.services.retain(serviceKeys);
  const services: ServiceSpec[] = spec.services.map((s) => ({
    namespace: s.namespace,
    name: s.name,
    labels: sortLabels(s.labels),
    selector: s.selector === null ? null : sortLabels(s.selector),
    ports: s.ports.map((p) => ({
      name: p.name,
      port: p.port,
      targetPort: p.targetPort ?? p.port,
      protocol: p.protocol,
    })),
    clusterIps: s.headless ? [] : [pools.services.addressOf(`${s.namespace}/${s.name}`)],
  }));

  return { namespaces, endpoints, serviceAccounts, services };
}
