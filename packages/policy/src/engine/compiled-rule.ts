// Rules compiled for matching: protocol numbers, precompiled CIDR sets and port ranges, interned
// selectors with memoised entity membership, resolved service endpoints, and the policy-hit text
// the rule contributes to a trace. Built once per policy; never mutated.

import type { Action, EntityRule, IcmpFields, Rule } from '../resources/types.js';
import { compileCidrSet, type CidrSet } from './cidr-set.js';
import { parseCidr, type Cidr } from './ip.js';
import { ruleEntitySelector, ruleNotSelector } from './policy-selectors.js';
import { compilePortList, type PortList } from './ports.js';
import { protocolNumber } from './protocols.js';
import type { SelectorSlot, SelectorTable } from './selector-table.js';
import type { ServiceEndpoint } from './world.js';

export interface CompiledSide {
  readonly nets: CidrSet | null;
  readonly notNets: CidrSet | null;
  readonly selector: SelectorSlot | null;
  readonly notSelector: SelectorSlot | null;
  readonly ports: PortList | null;
  readonly notPorts: PortList | null;
  /** Backends of the referenced Service; empty when the Service is unknown (never matches). */
  readonly service: readonly ServiceEndpoint[] | null;
}

export interface CompiledRule {
  readonly index: number;
  readonly action: Action;
  /** Trace entry without its leading index, e.g. `default|np:prod/api|allow|2`. */
  readonly hit: string;
  /** 0 when unset. */
  readonly ipVersion: number;
  /** Rules whose net lists hold only the other family are skipped for that family (§3.4). */
  readonly skipV4: boolean;
  readonly skipV6: boolean;
  /** 0 when unset. */
  readonly protocol: number;
  readonly notProtocol: number;
  /** -1 when unset. */
  readonly icmpType: number;
  readonly icmpCode: number;
  readonly notIcmpType: number;
  readonly notIcmpCode: number;
  readonly source: CompiledSide | null;
  readonly destination: CompiledSide | null;
}

export interface RuleContext {
  readonly hitPrefix: string;
  readonly namespace: string | undefined;
  readonly selectors: SelectorTable;
  readonly services: ReadonlyMap<string, readonly ServiceEndpoint[]>;
}

function cidrs(texts: readonly string[] | undefined): Cidr[] {
  return (texts ?? []).flatMap((t) => parseCidr(t) ?? []);
}

function familyFilter(lists: readonly (readonly Cidr[])[], family: 4 | 6): boolean {
  return lists.some((l) => l.length > 0 && !l.some((c) => c.family === family));
}

function compileSide(side: EntityRule | undefined, ctx: RuleContext): CompiledSide | null {
  if (!side) return null;
  const positive = ruleEntitySelector(side, ctx.namespace);
  const negative = ruleNotSelector(side);
  const nets = cidrs(side.nets);
  const notNets = cidrs(side.notNets);
  const compiled: CompiledSide = {
    nets: side.nets && side.nets.length > 0 ? compileCidrSet(nets) : null,
    notNets: side.notNets && side.notNets.length > 0 ? compileCidrSet(notNets) : null,
    selector: positive ? ctx.selectors.intern(positive) : null,
    notSelector: negative ? ctx.selectors.intern(negative) : null,
    ports: side.ports && side.ports.length > 0 ? compilePortList(side.ports) : null,
    notPorts: side.notPorts && side.notPorts.length > 0 ? compilePortList(side.notPorts) : null,
    service: side.services
      ? (ctx.services.get(`${side.services.namespace ?? ctx.namespace ?? ''}/${side.services.name}`) ?? [])
      : null,
  };
  const empty = Object.values(compiled).every((v) => v === null);
  return empty ? null : compiled;
}

function icmpType(f: IcmpFields | undefined): number {
  return f?.type ?? -1;
}

function icmpCode(f: IcmpFields | undefined): number {
  return f?.code ?? -1;
}

export function compileRule(rule: Rule, index: number, ctx: RuleContext): CompiledRule {
  const lists = [
    rule.source?.nets,
    rule.source?.notNets,
    rule.destination?.nets,
    rule.destination?.notNets,
  ].map((l) => cidrs(l));
  return {
    index,
    action: rule.action,
    hit: `${ctx.hitPrefix}|${rule.action.toLowerCase()}|${index}`,
    ipVersion: rule.ipVersion ?? 0,
    skipV4: familyFilter(lists, 4),
    skipV6: familyFilter(lists, 6),
    protocol: rule.protocol === undefined ? 0 : (protocolNumber(rule.protocol) ?? -1),
    notProtocol: rule.notProtocol === undefined ? 0 : (protocolNumber(rule.notProtocol) ?? -1),
    icmpType: icmpType(rule.icmp),
    icmpCode: icmpCode(rule.icmp),
    notIcmpType: icmpType(rule.notICMP),
    notIcmpCode: icmpCode(rule.notICMP),
    source: compileSide(rule.source, ctx),
    destination: compileSide(rule.destination, ctx),
  };
}
