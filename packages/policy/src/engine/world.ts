// The world a verdict is computed in, built once from a WorldInput: every label-bearing entity
// (pods, host endpoints, network sets) with its full label set, the profiles, service endpoints,
// sorted tiers and the policy definitions. Immutable after construction; engines cache derived
// data on top of it.

import type { PolicyResource, Tier } from '../resources/types.js';
import {
  hostEndpointEntity,
  networkSetEntity,
  parseAddress,
  workloadEntity,
  type Entity,
  type EntityDraft,
} from './entities.js';
import type { IpAddress } from './ip.js';
import { policyDefinition, type PolicyDefinition } from './policy-definition.js';
import { ProfileRegistry, type Profile } from './profile-registry.js';
import { protocolNumber } from './protocols.js';
import { orderedTiers, type TierInfo } from './tiers.js';
import type { ServiceInput, WorldInput } from './world-input.js';

export { WorldError, type Entity, type EntityKind, type NamedPort } from './entities.js';
export { DEFAULT_ALLOW_PROFILE, type Profile } from './profile-registry.js';

export interface ServiceEndpoint {
  readonly ip: IpAddress;
  readonly port: number;
  readonly protocol: number;
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

function serviceEndpoints(services: readonly ServiceInput[]): Map<string, ServiceEndpoint[]> {
  return new Map(
    services.map((s, i) => [
      `${s.namespace}/${s.name}`,
      s.endpoints.map((e, j) => ({
        ip: parseAddress(e.ip, `services[${i}].endpoints[${j}].ip`),
        port: e.port,
        protocol: protocolNumber(e.protocol ?? 'TCP')!,
      })),
    ]),
  );
}

function isTier(r: PolicyResource): r is Tier {
  return r.apiVersion === 'projectcalico.org/v3' && r.kind === 'Tier';
}

export function buildWorld(input: WorldInput): World {
  const resources = input.resources ?? [];
  const profiles = new ProfileRegistry(input.namespaces ?? [], input.serviceAccounts ?? []);
  const drafts: EntityDraft[] = (input.endpoints ?? []).map((w, i) =>
    workloadEntity(w, `endpoints[${i}]`, profiles),
  );
  for (const r of resources)
    if (r.kind === 'NetworkSet') profiles.namespace(r.metadata.namespace ?? 'default');
  resources.forEach((r, i) => {
    const path = `resources[${i}]`;
    if (r.apiVersion !== 'projectcalico.org/v3') return;
    if (r.kind === 'HostEndpoint') drafts.push(hostEndpointEntity(r, path, profiles));
    else if (r.kind === 'NetworkSet' || r.kind === 'GlobalNetworkSet')
      drafts.push(networkSetEntity(r, path, profiles));
  });
  const entities: Entity[] = drafts.map((d, id) => ({ ...d, id }));
  const endpoints = entities.filter((e) => e.kind === 'wep' || e.kind === 'hep');
  const { policies, byResource } = definitionsOf(null, resources);
  const world: World = {
    entities,
    endpoints,
    endpointsByKey: new Map(endpoints.map((e) => [e.key, e])),
    profiles: profiles.profiles,
    tiers: orderedTiers(
      resources.filter(isTier),
      policies.map((p) => p.tier),
    ),
    policies,
    services: serviceEndpoints(input.services ?? []),
    hasStaged: resources.some((r) => r.kind.startsWith('Staged')),
  };
  definitionsByResource.set(world, byResource);
  return world;
}

/**
 * Per world, the definition of each resource it was built from: withPolicies reuses them for the
 * same resource objects, so an engine built on its basis can reuse their compiled policies.
 */
const definitionsByResource = new WeakMap<World, Map<PolicyResource, PolicyDefinition | undefined>>();

function definitionsOf(
  base: World | null,
  resources: readonly PolicyResource[],
): { policies: PolicyDefinition[]; byResource: Map<PolicyResource, PolicyDefinition | undefined> } {
  const known = base ? definitionsByResource.get(base) : undefined;
  const byResource = new Map<PolicyResource, PolicyDefinition | undefined>();
  const policies: PolicyDefinition[] = [];
  for (const r of resources) {
    const d = known?.has(r) ? known.get(r) : policyDefinition(r);
    byResource.set(r, d);
    if (d) policies.push(d);
  }
  return { policies, byResource };
}

/**
 * `base` with the policies and tiers of `resources` instead of its own: its entities, profiles
 * and services are kept, so an engine built on it can share the base engine's selector memos and
 * address index (PolicyEngine's `basis`). The caller vouches that `resources` hold the same
 * network sets and host endpoints as the resources `base` was built from (e.g. successive policy
 * states of one inventory that a compliance report replays, decision 0195).
 */
export function withPolicies(base: World, resources: readonly PolicyResource[]): World {
  const { policies, byResource } = definitionsOf(base, resources);
  const world: World = {
    ...base,
    tiers: orderedTiers(
      resources.filter(isTier),
      policies.map((p) => p.tier),
    ),
    policies,
    hasStaged: resources.some((r) => r.kind.startsWith('Staged')),
  };
  definitionsByResource.set(world, byResource);
  return world;
}
