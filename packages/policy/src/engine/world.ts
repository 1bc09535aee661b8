// The world a verdict is computed in, built once from a WorldInput: every label-bearing entity
// (pods, host endpoints, network sets) with its full label set (own labels win over inherited
// profile labels), the profiles, service endpoints, sorted tiers and the policy definitions.
// Everything here is immutable after construction; engines cache derived data on top of it.

import { labelsFromRecord, type LabelMap } from '../selector/index.js';
import type { GlobalNetworkSet, HostEndpoint, NetworkSet, PolicyResource, Tier } from '../resources/types.js';
import { parseCidr, parseIp, type Cidr, type IpAddress } from './ip.js';
import {
  LABEL_NAMESPACE,
  namespaceLabels,
  namespaceProfileLabels,
  podOwnLabels,
  serviceAccountProfileLabels,
} from './labels.js';
import { policyDefinition, type PolicyDefinition } from './policy-definition.js';
import { protocolNumber } from './protocols.js';
import { orderedTiers, type TierInfo } from './tiers.js';
import type { WorldInput } from './world-input.js';

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

export interface Profile {
  readonly name: string;
  /** kns.* and projectcalico-default-allow allow everything; ksa.* and unknown profiles have no rules. */
  readonly allowAll: boolean;
  readonly labels: Readonly<Record<string, string>>;
}

export interface ServiceEndpoint {
  readonly ip: IpAddress;
  readonly port: number;
  readonly protocol: number;
}

export const DEFAULT_ALLOW_PROFILE = 'projectcalico-default-allow';

export class WorldError extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(`${path}: ${message}`);
    this.name = 'WorldError';
  }
}

export interface World {
  readonly entities: readonly Entity[];
  /** Workload and host endpoints: the only policy targets. */
  readonly endpoints: readonly Entity[];
  readonly endpointsByKey: ReadonlyMap<string, Entity>;
  readonly profiles: ReadonlyMap<string, Profile>;
  readonly tiers: readonly TierInfo[];
  readonly policies: readonly PolicyDefinition[];
  /** `namespace/name` → backend endpoints. */
  readonly services: ReadonlyMap<string, readonly ServiceEndpoint[]>;
  /** Any staged resource, even a staged Delete: flows then carry a pending verdict. */
  readonly hasStaged: boolean;
}

function ipsOf(texts: readonly string[], path: string): IpAddress[] {
  return texts.map((t, i) => {
    const ip = parseIp(t);
    if (!ip) throw new WorldError(`${path}[${i}]`, `invalid IP address "${t}"`);
    return ip;
  });
}

function kindOf(r: PolicyResource): string {
  return r.apiVersion === 'networking.k8s.io/v1' ? `k8s:${r.kind}` : r.kind;
}

export function buildWorld(input: WorldInput): World {
  const resources = input.resources ?? [];
  const nsLabels = new Map<string, Record<string, string>>();
  for (const ns of input.namespaces ?? []) nsLabels.set(ns.name, namespaceLabels(ns.name, ns.labels));
  const ensureNamespace = (name: string): Record<string, string> => {
    let labels = nsLabels.get(name);
    if (!labels) nsLabels.set(name, (labels = namespaceLabels(name, undefined)));
    return labels;
  };
  const saLabels = new Map<string, Record<string, string> | undefined>();
  for (const sa of input.serviceAccounts ?? []) saLabels.set(`${sa.namespace}/${sa.name}`, sa.labels);

  const profiles = new Map<string, Profile>();
  profiles.set(DEFAULT_ALLOW_PROFILE, { name: DEFAULT_ALLOW_PROFILE, allowAll: true, labels: {} });
  const nsProfile = (ns: string): Profile => {
    const name = `kns.${ns}`;
    let p = profiles.get(name);
    if (!p)
      profiles.set(
        name,
        (p = { name, allowAll: true, labels: namespaceProfileLabels(ns, ensureNamespace(ns)) }),
      );
    return p;
  };
  for (const ns of nsLabels.keys()) nsProfile(ns);

  const entities: Entity[] = [];
  const add = (e: Omit<Entity, 'id'>): Entity => {
    const entity = { ...e, id: entities.length };
    entities.push(entity);
    return entity;
  };

  (input.endpoints ?? []).forEach((w, i) => {
    const path = `endpoints[${i}]`;
    const sa = w.serviceAccount ?? 'default';
    const kns = nsProfile(w.namespace);
    const ksaName = `ksa.${w.namespace}.${sa}`;
    const ksa: Profile = profiles.get(ksaName) ?? {
      name: ksaName,
      allowAll: false,
      labels: serviceAccountProfileLabels(sa, saLabels.get(`${w.namespace}/${sa}`)),
    };
    profiles.set(ksaName, ksa);
    add({
      kind: 'wep',
      name: w.name,
      namespace: w.namespace,
      key: `${w.namespace}/${w.name}`,
      labels: labelsFromRecord({ ...kns.labels, ...ksa.labels, ...podOwnLabels(w.namespace, sa, w.labels) }),
      ips: ipsOf(w.ips, `${path}.ips`),
      nets: [],
      namedPorts: (w.ports ?? []).map((p) => ({
        name: p.name,
        port: p.port,
        protocol: protocolNumber(p.protocol ?? 'TCP')!,
      })),
      profiles: [kns.name, ksa.name],
    });
  });

  for (const r of resources) if (r.kind === 'NetworkSet') ensureNamespace(r.metadata.namespace ?? 'default');
  for (const ns of nsLabels.keys()) nsProfile(ns);
  resources.forEach((r, i) => {
    const path = `resources[${i}]`;
    if (r.apiVersion !== 'projectcalico.org/v3') return;
    if (r.kind === 'HostEndpoint') addHostEndpoint(r, path);
    else if (r.kind === 'NetworkSet' || r.kind === 'GlobalNetworkSet') addNetworkSet(r, path);
  });

  function addHostEndpoint(r: HostEndpoint, path: string): void {
    const profileNames = r.spec.profiles ?? [];
    const inherited: Record<string, string> = {};
    for (const name of profileNames) Object.assign(inherited, profiles.get(name)?.labels);
    add({
      kind: 'hep',
      name: r.metadata.name,
      namespace: undefined,
      key: r.metadata.name,
      labels: labelsFromRecord({ ...inherited, ...r.metadata.labels }),
      ips: ipsOf(r.spec.expectedIPs ?? [], `${path}.spec.expectedIPs`),
      nets: [],
      namedPorts: (r.spec.ports ?? []).map((p) => ({
        name: p.name,
        port: p.port,
        protocol: protocolNumber(p.protocol)!,
      })),
      profiles: profileNames,
    });
  }

  function addNetworkSet(r: NetworkSet | GlobalNetworkSet, path: string): void {
    const namespace = r.kind === 'NetworkSet' ? (r.metadata.namespace ?? 'default') : undefined;
    const nets = (r.spec.nets ?? []).map((t, j) => {
      const c = parseCidr(t);
      if (!c) throw new WorldError(`${path}.spec.nets[${j}]`, `invalid CIDR "${t}"`);
      return c;
    });
    const labels =
      namespace === undefined
        ? { ...r.metadata.labels }
        : { ...nsProfile(namespace).labels, ...r.metadata.labels, [LABEL_NAMESPACE]: namespace };
    add({
      kind: namespace === undefined ? 'gnetset' : 'netset',
      name: r.metadata.name,
      namespace,
      key: namespace === undefined ? r.metadata.name : `${namespace}/${r.metadata.name}`,
      labels: labelsFromRecord(labels),
      ips: [],
      nets,
      namedPorts: [],
      profiles: [],
    });
  }

  const policies = resources.flatMap((r) => policyDefinition(r) ?? []);
  const tiers = orderedTiers(
    resources.filter((r): r is Tier => kindOf(r) === 'Tier'),
    policies.map((p) => p.tier),
  );
  const services = new Map<string, ServiceEndpoint[]>();
  (input.services ?? []).forEach((s, i) => {
    services.set(
      `${s.namespace}/${s.name}`,
      s.endpoints.map((e, j) => {
        const ip = parseIp(e.ip);
        if (!ip) throw new WorldError(`services[${i}].endpoints[${j}].ip`, `invalid IP address "${e.ip}"`);
        return { ip, port: e.port, protocol: protocolNumber(e.protocol ?? 'TCP')! };
      }),
    );
  });
  const endpoints = entities.filter((e) => e.kind === 'wep' || e.kind === 'hep');
  return {
    entities,
    endpoints,
    endpointsByKey: new Map(endpoints.map((e) => [e.key, e])),
    profiles,
    tiers,
    policies,
    services,
    hasStaged: resources.some((r) => r.kind.startsWith('Staged')),
  };
}
