// The API identity (kind, namespace, name) of a resource parsed in the browser, to tell "save
// this edit" from "create another resource" before anything is sent.
import { resourceKindKey, type PolicyResource } from '@palisade/policy';
import type { PolicyResourceKind } from '../../generated/graphql';
import type { ResourceRef } from './api';

const API_KINDS = new Set<string>([
  'Tier',
  'NetworkPolicy',
  'GlobalNetworkPolicy',
  'StagedNetworkPolicy',
  'StagedGlobalNetworkPolicy',
  'StagedKubernetesNetworkPolicy',
  'NetworkSet',
  'GlobalNetworkSet',
  'KubernetesNetworkPolicy',
]);

export function isApiKind(kind: string): kind is PolicyResourceKind {
  return API_KINDS.has(kind);
}

export function resourceRefOf(r: PolicyResource): ResourceRef | null {
  const kind = resourceKindKey(r);
  if (!isApiKind(kind)) return null;
  return { kind, namespace: r.metadata.namespace ?? null, name: r.metadata.name };
}

export function sameRef(a: ResourceRef | null, b: ResourceRef | null): boolean {
  return (
    a !== null &&
    b !== null &&
    a.kind === b.kind &&
    a.name === b.name &&
    (a.namespace ?? null) === (b.namespace ?? null)
  );
}
