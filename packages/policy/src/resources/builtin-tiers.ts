// The tiers every cluster has and that cannot be deleted or reshaped (calico-semantics §2.2).

import type { TierSpec } from './types.js';

export const DEFAULT_TIER = 'default';
export const DEFAULT_TIER_ORDER = 1_000_000;

export const BUILTIN_TIERS: Readonly<Record<'kube-admin' | 'default' | 'kube-baseline', Readonly<TierSpec>>> =
  {
    'kube-admin': { order: 1000, defaultAction: 'Pass' },
    default: { order: DEFAULT_TIER_ORDER, defaultAction: 'Deny' },
    'kube-baseline': { order: 10_000_000, defaultAction: 'Pass' },
  };

export function builtinTier(name: string): Readonly<TierSpec> | undefined {
  return Object.hasOwn(BUILTIN_TIERS, name) ? BUILTIN_TIERS[name as keyof typeof BUILTIN_TIERS] : undefined;
}
