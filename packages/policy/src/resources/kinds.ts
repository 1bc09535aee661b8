// Groupings of Calico's resource kinds that more than one rule depends on: which kinds belong to a
// tier (`spec.tier`, the tier label) and which staged kind previews which enforced one. The one
// home of these lists; the managed-document contract (../managed/kinds.ts) builds on them.
import type { ResourceKindKey } from './types.js';

/** Kinds that live in a tier: `spec.tier`, default `default`. */
export const TIERED_KINDS = [
  'NetworkPolicy',
  'GlobalNetworkPolicy',
  'StagedNetworkPolicy',
  'StagedGlobalNetworkPolicy',
] as const satisfies readonly ResourceKindKey[];
export type TieredKind = (typeof TIERED_KINDS)[number];

/** Each staged kind and the enforced kind (by kind key) it previews and is promoted to. */
export const ENFORCED_KIND_OF_STAGED = {
  StagedNetworkPolicy: 'NetworkPolicy',
  StagedGlobalNetworkPolicy: 'GlobalNetworkPolicy',
  StagedKubernetesNetworkPolicy: 'KubernetesNetworkPolicy',
} as const satisfies Readonly<Record<string, ResourceKindKey>>;
export type StagedKind = keyof typeof ENFORCED_KIND_OF_STAGED;

export const STAGED_KINDS = Object.keys(ENFORCED_KIND_OF_STAGED) as readonly StagedKind[];

export function isTieredKind(kind: string): kind is TieredKind {
  return (TIERED_KINDS as readonly string[]).includes(kind);
}

export function isStagedKind(kind: string): kind is StagedKind {
  return Object.hasOwn(ENFORCED_KIND_OF_STAGED, kind);
}
