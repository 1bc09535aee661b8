// Builders for the label-bearing entities of a world: pods (own labels plus the implicit pod
// labels, over their kns./ksa. profile labels), host endpoints (metadata labels over their listed
// profiles' labels) and (global) network sets (a namespaced set also gets the namespace label and
// its namespace's pcns.* labels). Invalid addresses throw a WorldError naming the field.

import { labelsFromRecord, type LabelMap } from '../selector/index.js';
import type { GlobalNetworkSet, HostEndpoint, NetworkSet } from '../resources/types.js';
import { parseCidr, parseIp, type Cidr, type IpAddress } from './ip.js';
import { LABEL_NAMESPACE, podOwnLabels } from './labels.js';
import type { ProfileRegistry } from './profile-registry.js';
import { protocolNumber } from './protocols.js';
import type { WorkloadInput } from './world-input.js';

export type EntityKind = 'wep' | 'hep' | 'netset' | 'gnetset';

export interface NamedPort {
  readonly name: string;
  readonly protocol: number;
  readonly port: number;
}

export interface Entity {
  readonly id: number;
  readonly kind: EntityKind;
  readonly name: string;
  readonly namespace: string | undefined;
  /** `ns/name` for namespaced entities, `name` otherwise. */
  readonly key: string;
  readonly labels: LabelMap;
  readonly ips: readonly IpAddress[];
  readonly nets: readonly Cidr[];
  readonly namedPorts: readonly NamedPort[];
  /** Profile names in evaluation order (endpoints only). */
  readonly profiles: readonly string[];
}

export type EntityDraft = Omit<Entity, 'id'>;

export class WorldError extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(`${path}: ${message}`);
    this.name = 'WorldError';
  }
}

export function parseAddress(text: string, path: string): IpAddress {
  const ip = parseIp(text);
  if (!ip) throw new WorldError(path, `invalid IP address "${text}"`);
  return ip;
}

function parseAddresses(texts: readonly string[], path: string): IpAddress[] {
  return texts.map((t, i) => parseAddress(t, `${path}[${i}]`));
}

function namedPorts(ports: readonly { name: string; port: number; protocol?: string }[]): NamedPort[] {
  return ports.map((p) => ({ name: p.name, port: p.port, protocol: protocolNumber(p.protocol ?? 'TCP')! }));
}

export function workloadEntity(w: WorkloadInput, path: string, profiles: ProfileRegistry): EntityDraft {
  const sa = w.serviceAccount ?? 'default';
  const kns = profiles.namespace(w.namespace);
  const ksa = profiles.serviceAccount(w.namespace, sa);
  return {
    kind: 'wep',
    name: w.name,
    namespace: w.namespace,
    key: `${w.namespace}/${w.name}`,
    labels: labelsFromRecord({ ...kns.labels, ...ksa.labels, ...podOwnLabels(w.namespace, sa, w.labels) }),
    ips: parseAddresses(w.ips, `${path}.ips`),
    nets: [],
    namedPorts: namedPorts(w.ports ?? []),
    profiles: [kns.name, ksa.name],
  };
}

export function hostEndpointEntity(r: HostEndpoint, path: string, profiles: ProfileRegistry): EntityDraft {
  const profileNames = r.spec.profiles ?? [];
  return {
    kind: 'hep',
    name: r.metadata.name,
    namespace: undefined,
    key: r.metadata.name,
    labels: labelsFromRecord({ ...profiles.inheritedLabels(profileNames), ...r.metadata.labels }),
    ips: parseAddresses(r.spec.expectedIPs ?? [], `${path}.spec.expectedIPs`),
    nets: [],
    namedPorts: namedPorts(r.spec.ports ?? []),
    profiles: profileNames,
  };
}

export function networkSetEntity(
  r: NetworkSet | GlobalNetworkSet,
  path: string,
  profiles: ProfileRegistry,
): EntityDraft {
  const namespace = r.kind === 'NetworkSet' ? (r.metadata.namespace ?? 'default') : undefined;
  const nets = (r.spec.nets ?? []).map((t, j) => {
    const c = parseCidr(t);
    if (!c) throw new WorldError(`${path}.spec.nets[${j}]`, `invalid CIDR "${t}"`);
    return c;
  });
  const labels =
    namespace === undefined
      ? { ...r.metadata.labels }
      : { ...profiles.namespace(namespace).labels, ...r.metadata.labels, [LABEL_NAMESPACE]: namespace };
  return {
    kind: namespace === undefined ? 'gnetset' : 'netset',
    name: r.metadata.name,
    namespace,
    key: namespace === undefined ? r.metadata.name : `${namespace}/${r.metadata.name}`,
    labels: labelsFromRecord(labels),
    ips: [],
    nets,
    namedPorts: [],
    profiles: [],
  };
}
