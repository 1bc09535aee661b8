// Which flows an edit cannot decide. A record lacks facts the engine may need: labels the
// aggregated pods do not share, the service account, the address behind `pub`/`pvt` or a pod,
// the source port, an aggregated destination port, ICMP type and code. For each edited policy
// (created, changed, deleted, or in a changed tier) that the replayed walk could reach, its target
// selector and its rules for the replayed direction are evaluated in three-valued logic over what
// the record does say: a criterion that is certainly false settles a rule without the missing fact;
// only a policy whose outcome hangs on a missing fact makes the flow uncertain, naming the fact.
// Unedited policies act the same before and after, so they cannot change the class.

import type { EntityRule, Port, Rule } from '../resources/types.js';
import { evaluateSelector, type LabelMap, type SelectorNode } from '../selector/index.js';
import type { CompiledPolicy } from '../engine/compiled-policy.js';
import type { DirectionVerdict } from '../engine/connection.js';
import type { Direction } from '../engine/engine.js';
import { cidrContains, parseCidr } from '../engine/ip.js';
import { PROFILE_TIER } from '../engine/hit.js';
import { policyTargetSelector, ruleEntitySelector, ruleNotSelector } from '../engine/policy-selectors.js';
import { parsePortEntry } from '../engine/ports.js';
import { protocolNumber } from '../engine/protocols.js';
import type { Entity, World } from '../engine/world.js';
import type { PolicyDefinition } from '../engine/policy-definition.js';
import { cidrRanges, classRanges, coverage, type Coverage } from './address-classes.js';
import { flowProtocol, type FlowSide } from './flow-sides.js';
import type { FlowKey, Uncertainty, UncertaintyReason } from './preview-types.js';

/** Three-valued truth: null = depends on a fact the record does not carry (listed in `why`). */
interface Tri {
  readonly value: boolean | null;
  readonly why: readonly Uncertainty[];
}

const TRUE: Tri = { value: true, why: [] };
const FALSE: Tri = { value: false, why: [] };
const ICMP = new Set([1, 58]);
const PORT_PROTOCOLS = new Set([6, 17, 132, 136]);

function unknown(reason: UncertaintyReason, resource: string, detail: string): Tri {
  return { value: null, why: [{ reason, resource, detail }] };
}

function not(t: Tri): Tri {
  return t.value === null ? t : t.value ? FALSE : TRUE;
}

function all(items: readonly Tri[]): Tri {
  if (items.some((t) => t.value === false)) return FALSE;
  const open = items.filter((t) => t.value === null);
  return open.length === 0 ? TRUE : { value: null, why: open.flatMap((t) => t.why) };
}

function any(items: readonly Tri[]): Tri {
  if (items.some((t) => t.value === true)) return TRUE;
  const open = items.filter((t) => t.value === null);
  return open.length === 0 ? FALSE : { value: null, why: open.flatMap((t) => t.why) };
}

/** `Kind/[namespace/]name`, as resourceKey spells the policy's resource. */
export function policyResourceKey(d: PolicyDefinition): string {
  return d.namespace === undefined ? `${d.kindName}/${d.name}` : `${d.kindName}/${d.namespace}/${d.name}`;
}

/** One side of the flow as the checker sees it in one world. */
export interface SideView {
  readonly role: 'source' | 'destination';
  readonly side: FlowSide;
  /** The side's entity in this world; undefined for `net` sides and unknown endpoints. */
  readonly entity: Entity | undefined;
}

export class UncertaintyChecker {
  constructor(
    private readonly world: World,
    /** Policies of this world that the edits touch, in evaluation order. */
    private readonly edited: readonly CompiledPolicy[],
  ) {}

  get empty(): boolean {
    return this.edited.length === 0;
  }

  check(
    flow: FlowKey,
    direction: Direction,
    source: SideView,
    destination: SideView,
    verdict: DirectionVerdict,
  ): Uncertainty[] {
    const own = direction === 'egress' ? source : destination;
    const decisive = this.decisiveTier(verdict);
    const out: Uncertainty[] = [];
    for (const p of this.edited) {
      const d = p.definition;
      if (d.staged || d.stage !== 'normal') continue;
      if (!d.types.includes(direction === 'ingress' ? 'Ingress' : 'Egress')) continue;
      if (p.tierIndex > decisive) continue;
      const resource = policyResourceKey(d);
      const target = this.selector(policyTargetSelector(d), own, resource);
      if (target.value === false) continue;
      out.push(...target.why);
      for (const rule of direction === 'ingress' ? d.ingress : d.egress) {
        if (rule.action === 'Log') continue;
        const match = this.rule(rule, d.namespace, flow, source, destination, resource);
        out.push(...match.why);
        if (match.value === true) break;
      }
    }
    return out;
  }

  /** Index of the tier whose hit decided the walk; every tier when a profile decided. */
  private decisiveTier(verdict: DirectionVerdict): number {
    const last = verdict.trace[verdict.trace.length - 1];
    const tier = last?.split('|')[1];
    if (tier === undefined || tier === PROFILE_TIER) return Number.POSITIVE_INFINITY;
    const index = this.world.tiers.findIndex((t) => t.name === tier);
    return index < 0 ? Number.POSITIVE_INFINITY : index;
  }

  private selector(node: SelectorNode, view: SideView, resource: string): Tri {
    // An address outside every endpoint and network set has no labels: no selector matches it.
    if (view.side.type === 'net') return FALSE;
    if (!view.entity) {
      return unknown(
        'UNKNOWN_ENDPOINT',
        resource,
        `${view.role} ${view.side.description} is not among the resources`,
      );
    }
    return this.tri(node, view.entity.labels, view, resource);
  }

  private tri(node: SelectorNode, labels: LabelMap, view: SideView, resource: string): Tri {
    switch (node.kind) {
      case 'all':
      case 'global':
        return evaluateSelector(node, labels) ? TRUE : FALSE;
      case 'not':
        return not(this.tri(node.operand, labels, view, resource));
      case 'and':
        return all(node.operands.map((o) => this.tri(o, labels, view, resource)));
      case 'or':
        return any(node.operands.map((o) => this.tri(o, labels, view, resource)));
      default: {
        const reason = view.side.unknownLabel(node.label);
        if (reason !== null) {
          const what = reason === 'SERVICE_ACCOUNT' ? 'service account' : `label "${node.label}"`;
          return unknown(reason, resource, `${what} of ${view.role} ${view.side.description}`);
        }
        return evaluateSelector(node, labels) ? TRUE : FALSE;
      }
    }
  }

  private rule(
    rule: Rule,
    namespace: string | undefined,
    flow: FlowKey,
    source: SideView,
    destination: SideView,
    resource: string,
  ): Tri {
    const proto = protocolNumber(flowProtocol(flow.proto)) ?? -1;
    const criteria: Tri[] = [];
    if (rule.ipVersion === 6) criteria.push(FALSE);
    if (rule.protocol !== undefined) criteria.push(protocolNumber(rule.protocol) === proto ? TRUE : FALSE);
    if (rule.notProtocol !== undefined)
      criteria.push(protocolNumber(rule.notProtocol) === proto ? FALSE : TRUE);
    if ((rule.icmp || rule.notICMP) && ICMP.has(proto)) {
      criteria.push(unknown('AGGREGATED_PORT', resource, 'ICMP type and code are not in flow records'));
    }
    criteria.push(this.side(rule.source, namespace, flow, source, proto, resource));
    criteria.push(this.side(rule.destination, namespace, flow, destination, proto, resource));
    return all(criteria);
  }

  private side(
    er: EntityRule | undefined,
    namespace: string | undefined,
    flow: FlowKey,
    view: SideView,
    proto: number,
    resource: string,
  ): Tri {
    if (!er) return TRUE;
    const criteria: Tri[] = [];
    const positive = ruleEntitySelector(er, namespace);
    if (positive) criteria.push(this.selector(positive, view, resource));
    const negative = ruleNotSelector(er);
    if (negative)
      criteria.push(view.side.type === 'net' ? TRUE : not(this.selector(negative, view, resource)));
    if (er.nets && er.nets.length > 0) criteria.push(this.address(er.nets, view, resource));
    if (er.notNets && er.notNets.length > 0) criteria.push(not(this.address(er.notNets, view, resource)));
    if (er.ports && er.ports.length > 0) criteria.push(this.ports(er.ports, flow, view, proto, resource));
    if (er.notPorts && er.notPorts.length > 0) {
      criteria.push(not(this.ports(er.notPorts, flow, view, proto, resource)));
    }
    return all(criteria);
  }

  private address(texts: readonly string[], view: SideView, resource: string): Tri {
    const cidrs = texts.flatMap((t) => parseCidr(t) ?? []);
    const fromCoverage = (c: Coverage, detail: string): Tri =>
      c === 'all' ? TRUE : c === 'none' ? FALSE : unknown('AGGREGATED_NETWORK', resource, detail);
    const where = `${view.role} ${view.side.description}`;
    if (view.side.networkClass !== undefined) {
      return fromCoverage(
        coverage(classRanges(view.side.networkClass), cidrs),
        `address of ${where}: a rule names ${texts.join(', ')}`,
      );
    }
    if (view.side.type === 'ns') {
      if (!view.entity) return unknown('UNKNOWN_ENDPOINT', resource, `${where} is not among the resources`);
      return fromCoverage(
        coverage(cidrRanges(view.entity.nets), cidrs),
        `address in ${where}: a rule names ${texts.join(', ')}`,
      );
    }
    const addresses = view.side.type === 'hep' ? view.entity?.ips : view.side.addresses;
    if (!addresses || addresses.length === 0) {
      return unknown('AGGREGATED_NETWORK', resource, `addresses of ${where} are not in flow records`);
    }
    const inside = addresses.map((ip) => cidrs.some((c) => c.family === ip.family && cidrContains(c, ip)));
    if (inside.every(Boolean)) return TRUE;
    if (!inside.some(Boolean)) return FALSE;
    return unknown(
      'AGGREGATED_NETWORK',
      resource,
      `addresses of ${where}: only some are in ${texts.join(', ')}`,
    );
  }

  private ports(list: readonly Port[], flow: FlowKey, view: SideView, proto: number, resource: string): Tri {
    if (!PORT_PROTOCOLS.has(proto)) return FALSE;
    const where = `${view.role} ${view.side.description}`;
    if (view.role === 'source') {
      return unknown('AGGREGATED_PORT', resource, `source port of ${where} is not in flow records`);
    }
    if (flow.dest_port === 0) {
      return unknown('AGGREGATED_PORT', resource, `destination port of ${where} is aggregated`);
    }
    const items: Tri[] = [];
    for (const p of list) {
      const entry = parsePortEntry(p);
      if (!entry) continue;
      if ('range' in entry) {
        items.push(flow.dest_port >= entry.range[0] && flow.dest_port <= entry.range[1] ? TRUE : FALSE);
        continue;
      }
      const number = view.side.namedPort(entry.name);
      items.push(
        number === undefined
          ? unknown('AGGREGATED_PORT', resource, `named port "${entry.name}" of ${where} is not known`)
          : number === flow.dest_port
            ? TRUE
            : FALSE,
      );
    }
    return any(items);
  }
}
