// What a rule plan can tell apart about an address: every criterion a rule side reads from the
// address it looks at — CIDR sets (nets, notNets), interned selectors over the entities owning the
// address (selector, notSelector), Service backends and, for named ports, the owners' ports. Two
// addresses with the same features under a plan get the same verdicts from it for every packet,
// so the reachability index evaluates one peer per feature class instead of every peer: the
// number of classes depends on the plan's rules (a few selectors and CIDRs), not on the fleet.
// Both sides of every rule are read (conservative: a side that only ever sees the endpoint itself
// merely splits classes further).

import type { CidrSet } from '../engine/cidr-set.js';
import type { CompiledSide } from '../engine/compiled-rule.js';
import type { ResolvedAddress } from '../engine/packet.js';
import type { RulePlan } from '../engine/rule-plan.js';
import type { SelectorSlot } from '../engine/selector-table.js';
import type { ServiceEndpoint } from '../engine/world.js';

export interface PlanView {
  /** The criteria as text: views with equal keys split addresses alike in any world. */
  readonly key: string;
  readonly cidrs: readonly CidrSet[];
  readonly selectors: readonly SelectorSlot[];
  readonly services: readonly (readonly ServiceEndpoint[])[];
  /** Some side matches named ports: the owners' named ports (and their selector bits) count too. */
  readonly namedPorts: boolean;
}

const views = new WeakMap<RulePlan, PlanView>();

/** The view of one plan (memoised: plans are shared and immutable). */
export function planView(plan: RulePlan): PlanView {
  let v = views.get(plan);
  if (v) return v;
  const cidrs = new Set<CidrSet>();
  const selectors = new Set<SelectorSlot>();
  const services = new Set<readonly ServiceEndpoint[]>();
  let namedPorts = false;
  const side = (s: CompiledSide | null): void => {
    if (!s) return;
    if (s.nets) cidrs.add(s.nets);
    if (s.notNets) cidrs.add(s.notNets);
    if (s.selector) selectors.add(s.selector);
    if (s.notSelector) selectors.add(s.notSelector);
    if (s.service) services.add(s.service);
    if ((s.ports?.names.length ?? 0) > 0 || (s.notPorts?.names.length ?? 0) > 0) namedPorts = true;
  };
  for (const r of plan.rules) {
    side(r.source);
    side(r.destination);
  }
  v = viewOf([...cidrs], [...selectors], [...services], namedPorts);
  views.set(plan, v);
  return v;
}

function viewOf(
  cidrs: CidrSet[],
  selectors: SelectorSlot[],
  services: (readonly ServiceEndpoint[])[],
  namedPorts: boolean,
): PlanView {
  // The key is only read for plans' own views (shared peer classes); merged views, which can hold
  // thousands of criteria, never build it.
  let key: string | undefined;
  return {
    get key() {
      return (key ??= JSON.stringify([
        cidrs.map((c) => c.key),
        selectors.map((s) => s.canonical),
        services.map((b) =>
          b.map((x) => `${x.ip.family}:${x.ip.w0}.${x.ip.w1}.${x.ip.w2}.${x.ip.w3}:${x.protocol}:${x.port}`),
        ),
        namedPorts,
      ]));
    },
    cidrs,
    selectors,
    services,
    namedPorts,
  };
}

/** One view holding every criterion of `views` once (features under it split no less). */
export function mergedView(views: readonly PlanView[]): PlanView {
  return viewOf(
    [...new Set(views.flatMap((v) => v.cidrs))],
    [...new Set(views.flatMap((v) => v.selectors))],
    [...new Set(views.flatMap((v) => v.services))],
    views.some((v) => v.namedPorts),
  );
}

/** The features of `addr` under the views, as a string: equal strings, equal verdicts. */
export function addressFeatures(views: readonly PlanView[], addr: ResolvedAddress): string {
  let out = '';
  const ip = addr.ip;
  for (const v of views) {
    for (const c of v.cidrs) out += c.contains(ip) ? '1' : '0';
    out += '|';
    for (const s of v.selectors) out += s.matchesAny(addr) ? '1' : '0';
    out += '|';
    for (const backends of v.services) {
      for (const b of backends) {
        if (
          b.ip.family === ip.family &&
          b.ip.w0 === ip.w0 &&
          b.ip.w1 === ip.w1 &&
          b.ip.w2 === ip.w2 &&
          b.ip.w3 === ip.w3
        )
          out += `${b.protocol}:${b.port},`;
      }
      out += ';';
    }
    if (v.namedPorts) {
      for (const e of addr.entities) {
        if (e.namedPorts.length === 0) continue;
        out += JSON.stringify(e.namedPorts);
        for (const s of v.selectors) out += s.matches(e) ? '1' : '0';
        out += ';';
      }
    }
    out += '#';
  }
  return out;
}
