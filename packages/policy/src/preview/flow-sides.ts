// One side of a flow record as the preview replays it: the record names an aggregate (a pod-name
// prefix with the labels its pods share, a network set, a host endpoint, or `pub`/`pvt`), never an
// address. Each side becomes something the engine can evaluate — a synthetic pod carrying exactly
// the known labels, the network set or host endpoint itself, or a representative address of the
// network class — plus what is *not* known about it, which uncertainty.ts consults. The cluster's
// inventory, when given, resolves a prefix to its pods: labels they all share, their service
// account and named ports when they agree, their namespace's labels.

import { NOT_APPLICABLE, type EndpointType, type NetworkName } from '@palisade/flows';
import type { Peer } from '../engine/connection.js';
import { parseIp, type IpAddress } from '../engine/ip.js';
import {
  LABEL_NAMESPACE,
  LABEL_ORCHESTRATOR,
  LABEL_SERVICE_ACCOUNT,
  PREFIX_NAMESPACE,
  PREFIX_SERVICE_ACCOUNT,
} from '../engine/labels.js';
import type { NamedPortInput, WorkloadInput } from '../engine/world-input.js';
import type { Protocol } from '../resources/types.js';
import type { PreviewInventory, UncertaintyReason } from './preview-types.js';

const PROTOCOLS: Readonly<Record<string, Protocol>> = {
  tcp: 'TCP',
  udp: 'UDP',
  sctp: 'SCTP',
  icmp: 'ICMP',
  icmpv6: 'ICMPv6',
  udplite: 'UDPLite',
};

/** A record's lower-case protocol as the policy model spells it (a number stays a number). */
export function flowProtocol(proto: string): Protocol {
  return PROTOCOLS[proto] ?? Number(proto);
}

/** A service account name no Kubernetes object can have: the flow's account is unknown. */
export const UNKNOWN_SERVICE_ACCOUNT = '~unknown~';
const NAMESPACE_NAME_KEYS = [
  `${PREFIX_NAMESPACE}projectcalico.org/name`,
  `${PREFIX_NAMESPACE}kubernetes.io/metadata.name`,
];

export interface FlowSide {
  /** For messages: `shop/cart-5f6d7c8b9-*`, `pub`. */
  readonly description: string;
  readonly type: EndpointType;
  readonly namespace: string | undefined;
  readonly name: string;
  /** How the engine sees this side. */
  readonly peer: Peer;
  /** Key of the entity in the world (synthetic pod, network set, host endpoint); none for `net`. */
  readonly entityKey: string | undefined;
  /** `pub`/`pvt` of a `net` side. */
  readonly networkClass: NetworkName | undefined;
  /** Addresses of every pod of the aggregate when the inventory knows them all; else undefined. */
  readonly addresses: readonly IpAddress[] | undefined;
  /** Named port → number when every pod agrees; undefined when unknown. */
  namedPort(name: string): number | undefined;
  /** Why the value of `label` is unknown for this side, or null when it is known (present or not). */
  unknownLabel(label: string): UncertaintyReason | null;
}

/** Addresses the synthetic pods get: shared address space (RFC 6598), never named by flows. */
export class SyntheticAddresses {
  private next = 0;
  constructor(private readonly taken: (ip: IpAddress) => boolean) {}

  allocate(): string {
    for (;;) {
      const n = 0x64400001 + this.next++; // 100.64.0.1 onwards
      const text = [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
      if (this.next > 0x3ffffe || !this.taken(parseIp(text)!)) return text;
    }
  }
}

interface PodGroup {
  readonly labels: Record<string, string>;
  /** Keys some pods have and others lack or set differently. */
  readonly varying: ReadonlySet<string>;
  readonly serviceAccount: string | undefined;
  readonly ports: NamedPortInput[];
  readonly portsKnown: boolean;
  readonly addresses: IpAddress[] | undefined;
}

/** The pods an aggregated name stands for: `name-*` is a prefix, anything else a pod name. */
export function podsOf(
  inventory: PreviewInventory | undefined,
  namespace: string,
  name: string,
): WorkloadInput[] {
  const pods = (inventory?.endpoints ?? []).filter((p) => p.namespace === namespace);
  return name.endsWith('*')
    ? pods.filter((p) => p.name.startsWith(name.slice(0, -1)))
    : pods.filter((p) => p.name === name);
}

function podGroup(pods: readonly WorkloadInput[]): PodGroup {
  const labels: Record<string, string> = { ...pods[0]!.labels };
  const varying = new Set<string>();
  for (const pod of pods) {
    const own = pod.labels ?? {};
    for (const key of new Set([...Object.keys(labels), ...Object.keys(own)])) {
      if (labels[key] !== own[key]) {
        varying.add(key);
        delete labels[key];
      }
    }
  }
  for (const key of varying) delete labels[key];
  const accounts = new Set(pods.map((p) => p.serviceAccount ?? 'default'));
  const portKey = (p: WorkloadInput): string => JSON.stringify(p.ports ?? []);
  const portsKnown = new Set(pods.map(portKey)).size === 1;
  const ips = pods.flatMap((p) => p.ips.map((ip) => parseIp(ip)).filter((ip): ip is IpAddress => !!ip));
  return {
    labels,
    varying,
    serviceAccount: accounts.size === 1 ? [...accounts][0] : undefined,
    ports: portsKnown ? (pods[0]!.ports ?? []) : [],
    portsKnown,
    addresses: pods.every((p) => p.ips.length > 0) ? ips : undefined,
  };
}

function parseLabels(list: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of list) {
    const eq = item.indexOf('=');
    if (eq > 0) out[item.slice(0, eq)] = item.slice(eq + 1);
  }
  return out;
}

export interface WorkloadSide {
  readonly side: FlowSide;
  readonly workload: WorkloadInput;
}

/** A pod side: a synthetic pod with the labels known for the aggregate. */
export function workloadSide(
  namespace: string,
  name: string,
  recordLabels: readonly string[],
  inventory: PreviewInventory | undefined,
  ip: string,
  index: number,
): WorkloadSide {
  const pods = podsOf(inventory, namespace, name);
  const group = pods.length > 0 ? podGroup(pods) : undefined;
  const aggregated = name.endsWith('*');
  const labels = { ...parseLabels(recordLabels), ...group?.labels };
  const namespaceKnown = (inventory?.namespaces ?? []).some((n) => n.name === namespace);
  const serviceAccount = group?.serviceAccount;
  const description = `${namespace}/${name}`;
  const unknownLabel = (label: string): UncertaintyReason | null => {
    if (label === LABEL_NAMESPACE || label === LABEL_ORCHESTRATOR) return null;
    if (label === LABEL_SERVICE_ACCOUNT || label.startsWith(PREFIX_SERVICE_ACCOUNT)) {
      return serviceAccount === undefined ? 'SERVICE_ACCOUNT' : null;
    }
    if (label.startsWith(PREFIX_NAMESPACE)) {
      return namespaceKnown || NAMESPACE_NAME_KEYS.includes(label) ? null : 'AGGREGATED_LABELS';
    }
    if (label in labels) return null;
    if (group) return group.varying.has(label) ? 'AGGREGATED_LABELS' : null;
    return aggregated ? 'AGGREGATED_LABELS' : null;
  };
  const workload: WorkloadInput = {
    namespace,
    name: `${name}#${String(index)}`,
    labels,
    serviceAccount: serviceAccount ?? UNKNOWN_SERVICE_ACCOUNT,
    ips: [ip],
    ...(group?.portsKnown ? { ports: group.ports } : {}),
  };
  const side: FlowSide = {
    description,
    type: 'wep',
    namespace,
    name,
    peer: { endpoint: `${namespace}/${workload.name}` },
    entityKey: `${namespace}/${workload.name}`,
    networkClass: undefined,
    addresses: group?.addresses,
    namedPort: (port) => (group?.portsKnown ? group.ports.find((p) => p.name === port)?.port : undefined),
    unknownLabel,
  };
  return { side, workload };
}

/** A network set, host endpoint or network side; `address` is its representative address. */
export function otherSide(
  type: Exclude<EndpointType, 'wep'>,
  namespace: string,
  name: string,
  address: string | undefined,
  known: boolean,
): FlowSide {
  const ns = namespace === NOT_APPLICABLE ? undefined : namespace;
  const description = ns === undefined ? name : `${ns}/${name}`;
  const entityKey = type === 'net' ? undefined : ns === undefined ? name : `${ns}/${name}`;
  const peer: Peer = type === 'hep' && known ? { endpoint: name } : { ip: address ?? '0.0.0.0' };
  return {
    description,
    type,
    namespace: ns,
    name,
    peer,
    entityKey,
    networkClass: type === 'net' ? (name as NetworkName) : undefined,
    addresses: undefined,
    namedPort: () => undefined,
    unknownLabel: () => (known ? null : 'UNKNOWN_ENDPOINT'),
  };
}
