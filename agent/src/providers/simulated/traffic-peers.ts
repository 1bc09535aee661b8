// Who the traffic matrix's names are in the simulated inventory: the pods of a workload, the
// Service (if any) through which a workload is reached on a port, and how an endpoint or an outside
// address appears on one side of a flow record (type, namespace, aggregated name, labels) — as
// Felix names them: pods by their ReplicaSet prefix `<workload>-<hash>-*`, an outside address by
// the network set holding it, else `pub`/`pvt` (calico-semantics §4.1).

import { networkClass, NOT_APPLICABLE, type EndpointType } from '@palisade/flows';
import type { PolicyEngine } from '@palisade/policy';
import type { InventoryItems, ServiceInfo, WorkloadEndpoint } from '@palisade/protocol';
import { templateHash } from './pod-names.js';

export interface FlowSide {
  readonly type: EndpointType;
  readonly namespace: string;
  readonly name: string;
  /** Sorted `key=value`. */
  readonly labels: string[];
}

export interface ServiceHit {
  readonly namespace: string;
  readonly name: string;
  readonly portName: string;
  readonly port: number;
}

export function labelList(labels: Readonly<Record<string, string>>): string[] {
  return Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .sort();
}

/** The pods of `<namespace>/<workload>`, in name order. */
export function workloadPods(inventory: InventoryItems, ref: string): WorkloadEndpoint[] {
  const [namespace = '', workload = ''] = ref.split('/');
  const prefix = `${workload}-${templateHash(namespace, workload)}-`;
  return inventory.endpoints.filter((e) => e.namespace === namespace && e.name.startsWith(prefix));
}

/** A pod as one side of a flow: aggregated to its ReplicaSet's name prefix. */
export function podSide(pod: WorkloadEndpoint): FlowSide {
  const cut = pod.name.lastIndexOf('-');
  return {
    type: 'wep',
    namespace: pod.namespace,
    name: `${pod.name.slice(0, cut + 1)}*`,
    labels: labelList(pod.labels),
  };
}

/** An address outside the cluster: the (most specific) network set holding it, else pub/pvt. */
export function externalSide(ip: string, engine: PolicyEngine): FlowSide {
  const owners = engine.addresses.resolve(ip)?.entities ?? [];
  let best: { prefix: number; side: FlowSide } | undefined;
  for (const owner of owners) {
    if (owner.kind !== 'netset' && owner.kind !== 'gnetset') continue;
    const prefix = Math.max(...owner.nets.map((n) => n.prefix));
    if (best !== undefined && best.prefix >= prefix) continue;
    best = {
      prefix,
      side: {
        type: 'ns',
        namespace: owner.namespace ?? NOT_APPLICABLE,
        name: owner.name,
        labels: labelList(Object.fromEntries([...owner.labels].filter(([k]) => !isImplicitLabel(k)))),
      },
    };
  }
  return best?.side ?? { type: 'net', namespace: NOT_APPLICABLE, name: networkClass(ip), labels: [] };
}

/** Labels Calico adds to entities itself; flow logs leave them out. */
function isImplicitLabel(key: string): boolean {
  return key.startsWith('projectcalico.org/') || key.startsWith('pcns.') || key.startsWith('pcsa.');
}

function selects(service: ServiceInfo, pod: WorkloadEndpoint): boolean {
  const selector = service.selector;
  if (selector === null || Object.keys(selector).length === 0) return false;
  return Object.entries(selector).every(([k, v]) => pod.labels[k] === v);
}

/**
 * The Service a client would use to reach `pod` on `port`/`protocol`: one in the pod's namespace
 * that selects it and has a port targeting that container port (by number or by name). Null when
 * none does: the traffic then goes to the pod directly.
 */
export function serviceFor(
  inventory: InventoryItems,
  pod: WorkloadEndpoint,
  port: number,
  protocol: string,
): ServiceHit | null {
  for (const service of inventory.services) {
    if (service.namespace !== pod.namespace || !selects(service, pod)) continue;
    for (const sp of service.ports) {
      if (sp.protocol !== protocol) continue;
      const target =
        typeof sp.targetPort === 'number'
          ? sp.targetPort
          : pod.ports.find((p) => p.name === sp.targetPort && p.protocol === protocol)?.port;
      if (target === port) {
        return {
          namespace: service.namespace,
          name: service.name,
          portName: sp.name ?? NOT_APPLICABLE,
          port: sp.port,
        };
      }
    }
  }
  return null;
}
