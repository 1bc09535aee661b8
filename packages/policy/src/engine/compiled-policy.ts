// Policies compiled once per world: target selector, compiled rules per direction (null when the
// policy's `types` omit the direction), tier position and the hit strings for rules and for the
// end-of-tier verdict it may trigger. The list is sorted in evaluation order (§3.2).

import type { CompiledRule } from './compiled-rule.js';
import { compileRule } from './compiled-rule.js';
import { Hit, policyHitName } from './hit.js';
import type { PolicyDefinition } from './policy-definition.js';
import { policyTargetSelector } from './policy-selectors.js';
import type { SelectorSlot, SelectorTable } from './selector-table.js';
import { comparePolicies, type TierInfo } from './tiers.js';
import type { World } from './world.js';

export interface CompiledPolicy {
  readonly definition: PolicyDefinition;
  readonly tier: TierInfo;
  readonly tierIndex: number;
  readonly target: SelectorSlot;
  readonly ingress: readonly CompiledRule[] | null;
  readonly egress: readonly CompiledRule[] | null;
  /** Hits for an end-of-tier verdict attributed to this policy. */
  readonly endOfTierDeny: Hit;
  readonly endOfTierPass: Hit;
  /** Rule hits by rule index (undefined for Log rules, which leave no hit). */
  readonly ingressHits: readonly (Hit | undefined)[];
  readonly egressHits: readonly (Hit | undefined)[];
}

/**
 * `reuse`: policies compiled before against the same selector table, services and tiers, by
 * definition (a definition object compiles alike every time).
 */
export function compilePolicies(
  world: World,
  selectors: SelectorTable,
  reuse?: ReadonlyMap<PolicyDefinition, CompiledPolicy>,
): CompiledPolicy[] {
  const tierIndex = new Map(world.tiers.map((t, i) => [t.name, i]));
  const compiled = world.policies.map((definition): CompiledPolicy => {
    const known = reuse?.get(definition);
    if (known) return known;
    const index = tierIndex.get(definition.tier)!;
    const tier = world.tiers[index]!;
    const prefix = `${tier.name}|${policyHitName(definition.kind, definition.namespace, definition.name)}`;
    const ctx = { hitPrefix: prefix, namespace: definition.namespace, selectors, services: world.services };
    const rules = (type: 'Ingress' | 'Egress'): CompiledRule[] | null => {
      if (!definition.types.includes(type)) return null;
      const list = type === 'Ingress' ? definition.ingress : definition.egress;
      return list.map((r, i) => compileRule(r, i, ctx));
    };
    const ingress = rules('Ingress');
    const egress = rules('Egress');
    const hits = (list: readonly CompiledRule[] | null): (Hit | undefined)[] =>
      (list ?? []).map((r) => (r.action === 'Log' ? undefined : new Hit(r.hit)));
    return {
      definition,
      tier,
      tierIndex: index,
      target: selectors.intern(policyTargetSelector(definition)),
      ingress,
      egress,
      endOfTierDeny: new Hit(`${prefix}|deny|-1`),
      endOfTierPass: new Hit(`${prefix}|pass|-1`),
      ingressHits: hits(ingress),
      egressHits: hits(egress),
    };
  });
  return compiled.sort((a, b) => a.tierIndex - b.tierIndex || comparePolicies(a.definition, b.definition));
}
