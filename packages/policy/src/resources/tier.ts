// Tier spec validation and defaulting (§2.2): order defaults to 1 000 000 and defaultAction to Deny;
// the built-in tiers default to, and must keep, their fixed order and action.

import type { TierSpec } from './types.js';
import type { Path } from './issues.js';
import type { Reader } from './reader.js';
import { builtinTier, DEFAULT_TIER_ORDER } from './builtin-tiers.js';

export function readTierSpec(r: Reader, value: unknown, name: string | undefined): TierSpec | undefined {
  const path: Path = ['spec'];
  const raw = r.object(value ?? {}, path, ['order', 'defaultAction']);
  if (raw === undefined) return undefined;
  const builtin = name === undefined ? undefined : builtinTier(name);
  const order = r.number(raw.order, [...path, 'order']) ?? builtin?.order ?? DEFAULT_TIER_ORDER;
  const defaultAction =
    r.oneOf(raw.defaultAction, [...path, 'defaultAction'], ['Deny', 'Pass'] as const) ??
    builtin?.defaultAction ??
    'Deny';
  if (builtin !== undefined) {
    if (order !== builtin.order)
      r.fail([...path, 'order'], `the built-in tier "${name}" must have order ${builtin.order}`);
    if (defaultAction !== builtin.defaultAction) {
      r.fail(
        [...path, 'defaultAction'],
        `the built-in tier "${name}" must have defaultAction ${builtin.defaultAction}`,
      );
    }
  }
  return { order, defaultAction };
}
