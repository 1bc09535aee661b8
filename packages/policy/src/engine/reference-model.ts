// The reference evaluator's own model: its entity, rule and policy shapes, protocol numbers and a
// selector walker written from calico-semantics §1.3, where `all()` stands for a given value so
// that the §1.6 rewrites become parameters instead of tree surgery. Shares nothing with the fast
// path but the selector AST.

import { parseSelector, type SelectorNode } from '../selector/index.js';
import type { EntityRule, Rule } from '../resources/types.js';
import type { RefIp } from './reference-net.js';

export type Get = (key: string) => string | undefined;
export type Predicate = (get: Get, allValue: boolean) => boolean;

export interface RefEntity {
  kind: 'wep' | 'hep' | 'netset' | 'gnetset';
  key: string;
  labels: Map<string, string>;
  ips: RefIp[];
  nets: string[];
  ports: { name: string; protocol: number; port: number }[];
  profiles: string[];
}

export interface RefSide {
  raw: EntityRule;
  selector?: Predicate;
  notSelector?: SelectorNode;
  namespaceSelector?: Predicate;
  global?: boolean;
  saSelector?: SelectorNode;
  saNames?: string[];
}

export interface RefRule {
  rule: Rule;
  source: RefSide;
  destination: RefSide;
}

export interface RefPolicy {
  kind: string;
  kindName: string;
  staged: boolean;
  name: string;
  namespace: string | undefined;
  tier: string;
  order: number;
  stage: string;
  types: string[];
  selects: (e: RefEntity) => boolean;
  ingress: RefRule[];
  egress: RefRule[];
}

export const PROTOCOLS: Record<string, number> = {
  TCP: 6,
  UDP: 17,
  ICMP: 1,
  ICMPv6: 58,
  SCTP: 132,
  UDPLite: 136,
};
export const NS_LABEL = 'projectcalico.org/namespace';
export const SA_LABEL = 'projectcalico.org/serviceaccount';

export function proto(p: string | number | undefined): number | undefined {
  if (p === undefined) return undefined;
  return typeof p === 'number' ? p : (PROTOCOLS[p] ?? Number(p));
}

/** §1.3, with `all()` standing for `allValue` (the §1.6 textual rewrite). */
export function holds(n: SelectorNode, get: Get, allValue: boolean): boolean {
  switch (n.kind) {
    case 'all':
      return allValue;
    case 'global':
      return true;
    case 'has':
      return get(n.label) !== undefined;
    case 'eq':
      return get(n.label) === n.value;
    case 'neq':
      return get(n.label) !== n.value;
    case 'contains':
      return get(n.label)?.includes(n.value) ?? false;
    case 'startsWith':
      return get(n.label)?.startsWith(n.value) ?? false;
    case 'endsWith':
      return get(n.label)?.endsWith(n.value) ?? false;
    case 'in': {
      const v = get(n.label);
      return v !== undefined && n.values.includes(v);
    }
    case 'notIn': {
      const v = get(n.label);
      return v === undefined || !n.values.includes(v);
    }
    case 'not':
      return !holds(n.operand, get, allValue);
    case 'and':
      return n.operands.every((o) => holds(o, get, allValue));
    case 'or':
      return n.operands.some((o) => holds(o, get, allValue));
  }
}

export function parsed(text: string | undefined): SelectorNode | undefined {
  return text === undefined || text.trim() === '' ? undefined : parseSelector(text);
}

export function selectorPredicate(node: SelectorNode): Predicate {
  return (get, allValue) => holds(node, get, allValue);
}

export interface RefPacket {
  v6: boolean;
  protocol: number;
  srcPort: number | undefined;
  dstPort: number | undefined;
  icmpType: number | undefined;
  icmpCode: number | undefined;
  src: RefIp;
  dst: RefIp;
}
