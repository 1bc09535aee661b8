// The in-memory meaning of a FlowFilter (filter.ts) over one record. This is the reference the
// API's SQL translation is tested against: same filter, same records, same answer.

import type { FlowRecord } from './flow-record.js';
import {
  NAMESPACE_ALIASES,
  NAME_ALIASES,
  type FlowFilter,
  type PolicyMatch,
  type StringMatch,
} from './filter.js';
import { hitPolicy, type PolicyHit } from './policy-hit.js';
import { parsePolicies } from './policy-trace.js';

function stringMatches(match: StringMatch, value: string): boolean {
  return match.type === 'Exact' ? value === match.value : value.includes(match.value);
}

/** True when some match accepts the value or its alias; an empty or absent list accepts all. */
function anyStringMatch(
  matches: readonly StringMatch[] | undefined,
  value: string,
  aliases: Readonly<Record<string, string>> = {},
): boolean {
  if (matches === undefined || matches.length === 0) return true;
  const alias = Object.hasOwn(aliases, value) ? aliases[value] : undefined;
  return matches.some((m) => stringMatches(m, value) || (alias !== undefined && stringMatches(m, alias)));
}

function anyOf<T>(allowed: readonly T[] | undefined, value: T): boolean {
  return allowed === undefined || allowed.length === 0 || allowed.includes(value);
}

/** Whether a hit answers a policy match; an end-of-tier hit is compared through its trigger. */
export function policyMatches(match: PolicyMatch, hit: PolicyHit): boolean {
  if (match.tier !== undefined && match.tier !== hit.tier) return false;
  if (match.action !== undefined && match.action !== hit.action) return false;
  if (match.kind === 'eot') {
    if (hit.kind !== 'eot') return false;
  }
  const policy = hitPolicy(hit);
  if (match.kind !== undefined && match.kind !== 'eot' && match.kind !== policy.kind) return false;
  if (match.namespace !== undefined && match.namespace !== policy.namespace) return false;
  if (match.name !== undefined && match.name !== policy.name) return false;
  return true;
}

/** Whether `record` passes `filter`. The record's traces must be valid (validate-flow-record.ts). */
export function matchesFilter(record: FlowRecord, filter: FlowFilter): boolean {
  if (filter.reporter !== undefined && record.reporter !== filter.reporter) return false;
  if (!anyOf(filter.actions, record.action)) return false;
  if (!anyOf(filter.dest_ports, record.dest_port)) return false;
  if (!anyStringMatch(filter.protocols, record.proto)) return false;
  if (!anyStringMatch(filter.source_names, record.source_name, NAME_ALIASES)) return false;
  if (!anyStringMatch(filter.dest_names, record.dest_name, NAME_ALIASES)) return false;
  if (!anyStringMatch(filter.source_namespaces, record.source_namespace, NAMESPACE_ALIASES)) return false;
  if (!anyStringMatch(filter.dest_namespaces, record.dest_namespace, NAMESPACE_ALIASES)) return false;
  const wantsPending = filter.pending_actions !== undefined && filter.pending_actions.length > 0;
  const wantsPolicies = filter.policies !== undefined && filter.policies.length > 0;
  if (!wantsPending && !wantsPolicies) return true;
  const hits = parsePolicies(record.policies);
  if (wantsPending) {
    const last = hits.pending[hits.pending.length - 1];
    if (last === undefined || !filter.pending_actions!.includes(last.action)) return false;
  }
  if (wantsPolicies) {
    const all = [...hits.enforced, ...hits.pending];
    if (!filter.policies!.some((m) => all.some((h) => policyMatches(m, h)))) return false;
  }
  return true;
}
