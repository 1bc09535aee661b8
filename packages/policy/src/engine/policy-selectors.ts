// Selector rewriting inside policies (calico-semantics §1.6): the namespace clause of namespaced
// policies, `pcns.`/`pcsa.` prefixing, the GlobalNetworkPolicy `all()` quirk, rule
// namespaceSelector incl. `global()`, rule serviceAccounts. Pure functions over the selector AST.

import {
  containsGlobal,
  parseSelector,
  prefixSelectorLabels,
  replaceAll,
  type SelectorNode,
} from '../selector/index.js';
import type { EntityRule, ServiceAccountMatch } from '../resources/types.js';
import {
  LABEL_NAMESPACE,
  LABEL_SERVICE_ACCOUNT,
  PREFIX_NAMESPACE,
  PREFIX_SERVICE_ACCOUNT,
} from './labels.js';
import type { PolicyDefinition } from './policy-definition.js';

const HAS_NAMESPACE: SelectorNode = { kind: 'has', label: LABEL_NAMESPACE };
const HAS_SERVICE_ACCOUNT: SelectorNode = { kind: 'has', label: LABEL_SERVICE_ACCOUNT };
const NON_NAMESPACED: SelectorNode = { kind: 'not', operand: HAS_NAMESPACE };

function and(...nodes: (SelectorNode | undefined)[]): SelectorNode | undefined {
  const present = nodes.filter((n): n is SelectorNode => n !== undefined);
  if (present.length === 0) return undefined;
  if (present.length === 1) return present[0];
  return { kind: 'and', operands: present };
}

function parseOptional(text: string | undefined): SelectorNode | undefined {
  return text === undefined || text.trim() === '' ? undefined : parseSelector(text);
}

function namespaceIs(ns: string): SelectorNode {
  return { kind: 'eq', label: LABEL_NAMESPACE, value: ns };
}

/** The selector that decides which endpoints a policy applies to. */
export function policyTargetSelector(p: PolicyDefinition): SelectorNode {
  const own = parseOptional(p.selector) ?? { kind: 'all' };
  const sa = parseOptional(p.serviceAccountSelector);
  if (p.namespace !== undefined) {
    return and(own, namespaceIs(p.namespace), sa && prefixSelectorLabels(sa, PREFIX_SERVICE_ACCOUNT))!;
  }
  let combined: SelectorNode = own;
  const ns = parseOptional(p.namespaceSelector);
  if (ns) combined = replaceAll(and(combined, prefixSelectorLabels(ns, PREFIX_NAMESPACE))!, HAS_NAMESPACE);
  if (sa)
    combined = replaceAll(
      and(combined, prefixSelectorLabels(sa, PREFIX_SERVICE_ACCOUNT))!,
      HAS_SERVICE_ACCOUNT,
    );
  return combined;
}

function namespaceClause(rule: EntityRule, policyNamespace: string | undefined): SelectorNode | undefined {
  const ns = parseOptional(rule.namespaceSelector);
  if (ns)
    return containsGlobal(ns)
      ? NON_NAMESPACED
      : replaceAll(prefixSelectorLabels(ns, PREFIX_NAMESPACE), HAS_NAMESPACE);
  return policyNamespace === undefined ? undefined : namespaceIs(policyNamespace);
}

function serviceAccountClause(sa: ServiceAccountMatch | undefined): SelectorNode | undefined {
  if (!sa) return undefined;
  const selector = parseOptional(sa.selector);
  const names = [...new Set(sa.names ?? [])].sort();
  return and(
    selector && prefixSelectorLabels(selector, PREFIX_SERVICE_ACCOUNT),
    names.length > 0 ? { kind: 'in', label: LABEL_SERVICE_ACCOUNT, values: names } : undefined,
  );
}

function isSet(text: string | undefined): boolean {
  return text !== undefined && text.trim() !== '';
}

/**
 * The positive entity selector of a rule side, or undefined when the side places no entity
 * restriction. Any of selector / notSelector / namespaceSelector / serviceAccounts scopes the match
 * to the policy's namespace (NP) or to the namespaceSelector.
 */
export function ruleEntitySelector(
  rule: EntityRule,
  policyNamespace: string | undefined,
): SelectorNode | undefined {
  const sa = serviceAccountClause(rule.serviceAccounts);
  const scoped =
    isSet(rule.selector) || isSet(rule.notSelector) || isSet(rule.namespaceSelector) || sa !== undefined;
  if (!scoped) return undefined;
  return and(parseOptional(rule.selector), namespaceClause(rule, policyNamespace), sa);
}

export function ruleNotSelector(rule: EntityRule): SelectorNode | undefined {
  return parseOptional(rule.notSelector);
}
