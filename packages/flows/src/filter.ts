// The flow filter: Goldmane's Filter (spec §2), field for field in its snake_case names, with
// Palisade's one departure — `pending_actions` matches the final pending verdict (the action of the
// last pending hit), not any pending hit (spec §6.4). Every list is OR-ed, the fields are AND-ed,
// an absent or empty field constrains nothing. The in-memory matcher is filter-match.ts; the API
// translates the same object to SQL, and the two must agree.

import type { FlowAction, Reporter } from './flow-record.js';
import type { PolicyAction, PolicyHitKind } from './policy-hit.js';

export const MATCH_TYPES = ['Exact', 'Fuzzy'] as const;
/** `Exact`: the whole value; `Fuzzy`: a case-sensitive substring. */
export type MatchType = (typeof MATCH_TYPES)[number];

export type StringMatch = {
  value: string;
  type: MatchType;
};

/** Unset parts match any hit. Kind, namespace and name of an end-of-tier hit are its trigger's. */
export type PolicyMatch = {
  kind?: PolicyHitKind;
  tier?: string;
  /** '' matches global policies only. */
  namespace?: string;
  name?: string;
  action?: PolicyAction;
};

export type FlowFilter = {
  source_names?: StringMatch[];
  source_namespaces?: StringMatch[];
  dest_names?: StringMatch[];
  dest_namespaces?: StringMatch[];
  protocols?: StringMatch[];
  dest_ports?: number[];
  actions?: FlowAction[];
  /** The final pending verdict (a documented departure from Goldmane's any-hit rule). */
  pending_actions?: PolicyAction[];
  /** Matched against the enforced and the pending hits. */
  policies?: PolicyMatch[];
  reporter?: Reporter;
};

/** The spellings a name or namespace value also answers to in a filter (Goldmane's aliases). */
export const NAME_ALIASES: Readonly<Record<string, string>> = Object.freeze({
  pub: 'PUBLIC NETWORK',
  pvt: 'PRIVATE NETWORK',
});
export const NAMESPACE_ALIASES: Readonly<Record<string, string>> = Object.freeze({ '-': 'Global' });
