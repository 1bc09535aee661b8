// Resources inside a scenario: checked and defaulted so the engine sees the post-defaulting shapes
// of resources/types.ts (calico-semantics §2.8).

import type { PolicyResource, PolicyType } from '../resources/types.js';
import { isObject } from './fields.js';
import { ScenarioError } from './scenario.js';

const KINDS: Readonly<Record<string, readonly string[]>> = {
  'projectcalico.org/v3': [
    'Tier',
    'NetworkPolicy',
    'GlobalNetworkPolicy',
    'StagedNetworkPolicy',
    'StagedGlobalNetworkPolicy',
    'StagedKubernetesNetworkPolicy',
    'NetworkSet',
    'GlobalNetworkSet',
    'HostEndpoint',
  ],
  'networking.k8s.io/v1': ['NetworkPolicy'],
};

function defaultTypes(spec: Record<string, unknown>): PolicyType[] {
  const types = spec.types;
  if (Array.isArray(types) && types.length > 0) return types as PolicyType[];
  const hasEgress = Array.isArray(spec.egress) && spec.egress.length > 0;
  const hasIngress = Array.isArray(spec.ingress) && spec.ingress.length > 0;
  if (!hasEgress) return ['Ingress'];
  return hasIngress ? ['Ingress', 'Egress'] : ['Egress'];
}

export function scenarioResource(raw: unknown, path: string): PolicyResource {
  if (!isObject(raw)) throw new ScenarioError(path, 'must be a mapping');
  const apiVersion = raw.apiVersion;
  const kind = raw.kind;
  if (typeof apiVersion !== 'string' || !(apiVersion in KINDS)) {
    throw new ScenarioError(`${path}.apiVersion`, 'must be projectcalico.org/v3 or networking.k8s.io/v1');
  }
  if (typeof kind !== 'string' || !KINDS[apiVersion]!.includes(kind)) {
    throw new ScenarioError(`${path}.kind`, `unsupported kind for ${apiVersion}`);
  }
  const metadata = raw.metadata;
  if (!isObject(metadata) || typeof metadata.name !== 'string' || metadata.name === '') {
    throw new ScenarioError(`${path}.metadata.name`, 'must be a non-empty string');
  }
  const spec: Record<string, unknown> = isObject(raw.spec) ? { ...raw.spec } : {};
  const calico = apiVersion === 'projectcalico.org/v3';
  if (kind === 'Tier') {
    spec.order ??= 1_000_000;
    spec.defaultAction ??= 'Deny';
  } else if (calico && kind.endsWith('NetworkPolicy') && kind !== 'StagedKubernetesNetworkPolicy') {
    spec.tier = typeof spec.tier === 'string' && spec.tier !== '' ? spec.tier : 'default';
    spec.types = defaultTypes(spec);
  }
  if (kind.startsWith('Staged')) spec.stagedAction ??= 'Set';
  if (!calico || kind === 'StagedKubernetesNetworkPolicy') spec.podSelector ??= {};
  const namespaced = [
    'NetworkPolicy',
    'StagedNetworkPolicy',
    'StagedKubernetesNetworkPolicy',
    'NetworkSet',
  ].includes(kind);
  const meta = { ...metadata } as Record<string, unknown>;
  if (namespaced) meta.namespace ??= 'default';
  return { apiVersion, kind, metadata: meta, spec } as unknown as PolicyResource;
}
