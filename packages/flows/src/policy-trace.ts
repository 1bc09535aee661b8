// A record's two traces as one value: the canonical form (each trace's hits sorted by policy
// index, enforced and pending kept apart) that makes two spellings of the same traces equal, its
// hash (part of the aggregation key, spec §6.2), the structured hits, and the pending verdict.

import type { FlowPolicies } from './flow-record.js';
import { parsePolicyHit, type PolicyAction, type PolicyHit } from './policy-hit.js';
import { stableHash } from './stable-hash.js';

export const TRACES = ['enforced', 'pending'] as const;
export type TraceName = (typeof TRACES)[number];

export type StructuredPolicies = {
  enforced: PolicyHit[];
  pending: PolicyHit[];
};

/** The leading policy index of a hit string; NaN when it has none. */
function leadingIndex(hit: string): number {
  const bar = hit.indexOf('|');
  return bar > 0 ? Number(hit.slice(0, bar)) : Number.NaN;
}

function byIndex(a: string, b: string): number {
  const ia = leadingIndex(a);
  const ib = leadingIndex(b);
  if (ia !== ib && !Number.isNaN(ia) && !Number.isNaN(ib)) return ia - ib;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** One trace's hits sorted by policy index (ties, which a valid trace never has, by text). */
export function canonicalHits(hits: readonly string[]): string[] {
  return [...hits].sort(byIndex);
}

export function canonicalPolicies(policies: FlowPolicies): FlowPolicies {
  return { enforced: canonicalHits(policies.enforced), pending: canonicalHits(policies.pending) };
}

/** 32 hex digits naming the canonical traces; equal for equal traces however their hits are ordered. */
export function traceHash(policies: FlowPolicies): string {
  const canonical = canonicalPolicies(policies);
  return stableHash(JSON.stringify([canonical.enforced, canonical.pending]));
}

/** The structured hits of both traces, each sorted by policy index; throws on a bad hit. */
export function parsePolicies(policies: FlowPolicies): StructuredPolicies {
  const parse = (hits: readonly string[]) =>
    hits.map(parsePolicyHit).sort((a, b) => a.policy_index - b.policy_index);
  return { enforced: parse(policies.enforced), pending: parse(policies.pending) };
}

/**
 * The pending verdict: the action of the last pending hit (by policy index), or null for an empty
 * pending trace. Throws on a hit string without a valid action.
 */
export function pendingAction(policies: FlowPolicies): PolicyAction | null {
  const hits = canonicalHits(policies.pending);
  const last = hits[hits.length - 1];
  return last === undefined ? null : parsePolicyHit(last).action;
}
