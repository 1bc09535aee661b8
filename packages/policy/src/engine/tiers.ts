// Tier ordering (calico-semantics §2.2, §3.1, §3.2): the built-in tiers always exist; a policy
// naming a tier that does not exist still runs, in a synthetic Deny tier after every real tier.

import type { Tier } from '../resources/types.js';

export interface TierInfo {
  readonly name: string;
  readonly order: number;
  readonly defaultAction: 'Deny' | 'Pass';
  /** True for a tier that policies reference but no Tier resource defines. */
  readonly synthetic: boolean;
}

const BUILT_IN: readonly TierInfo[] = [
  { name: 'kube-admin', order: 1000, defaultAction: 'Pass', synthetic: false },
  { name: 'default', order: 1_000_000, defaultAction: 'Deny', synthetic: false },
  { name: 'kube-baseline', order: 10_000_000, defaultAction: 'Pass', synthetic: false },
];

function byteCompare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function compareTiers(a: TierInfo, b: TierInfo): number {
  if (a.synthetic !== b.synthetic) return a.synthetic ? 1 : -1;
  if (a.order !== b.order) return a.order < b.order ? -1 : 1;
  return byteCompare(a.name, b.name);
}

/** Every tier, sorted, including synthetic ones for `referenced` names with no definition. */
export function orderedTiers(resources: readonly Tier[], referenced: Iterable<string>): TierInfo[] {
  const tiers = new Map<string, TierInfo>(BUILT_IN.map((t) => [t.name, t]));
  for (const t of resources) {
    tiers.set(t.metadata.name, {
      name: t.metadata.name,
      order: t.spec.order ?? 1_000_000,
      defaultAction: t.spec.defaultAction === 'Pass' ? 'Pass' : 'Deny',
      synthetic: false,
    });
  }
  for (const name of referenced) {
    if (!tiers.has(name))
      tiers.set(name, { name, order: Number.POSITIVE_INFINITY, defaultAction: 'Deny', synthetic: true });
  }
  return [...tiers.values()].sort(compareTiers);
}

/** Policy order within a tier: ascending order (missing = +∞), ties on `<name>/<namespace>/<kind>`. */
export function comparePolicies(
  a: { order: number; name: string; namespace: string | undefined; kindName: string },
  b: { order: number; name: string; namespace: string | undefined; kindName: string },
): number {
  if (a.order !== b.order) return a.order < b.order ? -1 : 1;
  return byteCompare(
    `${a.name}/${a.namespace ?? ''}/${a.kindName}`,
    `${b.name}/${b.namespace ?? ''}/${b.kindName}`,
  );
}
