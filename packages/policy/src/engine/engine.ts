// The fast evaluation engine (calico-semantics §3.3–§3.6). Per endpoint, direction, mode
// (enforced / pending) and dataplane stage it caches the tiers that apply and their policies in
// order; a verdict is then a walk over those lists with memoised selector membership. Traces are
// assembled from prebuilt hit strings. The reference evaluator (reference.ts) is the oracle.

import { AddressIndex } from './address-index.js';
import { compilePolicies, type CompiledPolicy } from './compiled-policy.js';
import {
  ConnectionError,
  type Connection,
  type ConnectionVerdict,
  type DirectionVerdict,
  type Peer,
  type Verdict,
} from './connection.js';
import { NO_PROFILE_MATCH_HIT, profileAllowHit, type Hit } from './hit.js';
import { TraceNode } from './trace-trie.js';
import { MutablePacket, type Packet, type ResolvedAddress } from './packet.js';
import type { PolicyStage } from './policy-definition.js';
import { protocolNumber } from './protocols.js';
import { ruleMatches } from './rule-match.js';
import { RulePlan, type TierPlan } from './rule-plan.js';
import { SelectorTable } from './selector-table.js';
import type { Entity, World } from './world.js';

export type Direction = 'ingress' | 'egress';
export type { TierPlan } from './rule-plan.js';

const STAGES: readonly PolicyStage[] = ['normal', 'preDNAT', 'doNotTrack'];
const NORMAL = 0;
const PRE_DNAT = 1;
const DO_NOT_TRACK = 2;
const ALLOW = true;
const DENY = false;

export class PolicyEngine {
  readonly policies: readonly CompiledPolicy[];
  readonly addresses: AddressIndex;
  readonly hasStaged: boolean;
  private readonly plans: (RulePlan | undefined)[][];
  private readonly sharedPlans = new Map<string, RulePlan>();
  private readonly policyIndex: ReadonlyMap<CompiledPolicy, number>;
  private readonly profileHits = new Map<string, Hit>();
  private readonly traceRoot = new TraceNode([]);
  private trace: TraceNode = this.traceRoot;
  private readonly profileDecision: (Hit | undefined)[];
  private readonly scratch = new MutablePacket();
  private src: Entity | undefined;
  private dst: Entity | undefined;
  private readonly v4: (ResolvedAddress | null | undefined)[];
  private readonly v6: (ResolvedAddress | null | undefined)[];

  constructor(readonly world: World) {
    this.policies = compilePolicies(world, new SelectorTable(world.entities.length));
    this.addresses = new AddressIndex(world);
    this.hasStaged = world.hasStaged;
    this.plans = world.entities.map(() => new Array<RulePlan | undefined>(12).fill(undefined));
    this.v4 = new Array<ResolvedAddress | null | undefined>(world.entities.length).fill(undefined);
    this.v6 = new Array<ResolvedAddress | null | undefined>(world.entities.length).fill(undefined);
    this.profileDecision = new Array<Hit | undefined>(world.entities.length).fill(undefined);
    this.policyIndex = new Map(this.policies.map((p, i) => [p, i]));
  }

  /** Tiers (in order) with at least one policy applying to `endpoint` in `direction`. */
  tierPlans(
    endpoint: Entity,
    direction: Direction,
    pending: boolean,
    stage: PolicyStage = 'normal',
  ): readonly TierPlan[] {
    return this.rulePlan(endpoint, direction, pending, STAGES.indexOf(stage)).tiers;
  }

  /** The flattened, pre-filterable plan for the normal stage (diagnostics, benchmarks). */
  planFor(endpoint: Entity, direction: Direction, pending = false): RulePlan {
    return this.rulePlan(endpoint, direction, pending, NORMAL);
  }

  get sharedPlanCount(): number {
    return this.sharedPlans.size;
  }

  /** The cached rule plan; a pending plan with no staged policy is the enforced plan itself. */
  private rulePlan(endpoint: Entity, direction: Direction, pending: boolean, stage: number): RulePlan {
    const slot = (direction === 'ingress' ? 0 : 1) + (pending ? 2 : 0) + stage * 4;
    const perEndpoint = this.plans[endpoint.id]!;
    let plan = perEndpoint[slot];
    if (plan) return plan;
    const tiers = this.buildPlan(endpoint, direction, pending, STAGES[stage]!);
    if (pending && !tiers.some((t) => t.policies.some((p) => p.definition.staged))) {
      plan = this.rulePlan(endpoint, direction, false, stage);
    } else {
      const key = `${slot & 1}:${tiers.map((t) => t.policies.map((p) => this.policyIndex.get(p)).join(',')).join('|')}`;
      plan = this.sharedPlans.get(key);
      if (!plan) this.sharedPlans.set(key, (plan = new RulePlan(tiers, direction === 'ingress')));
    }
    perEndpoint[slot] = plan;
    return plan;
  }

  private buildPlan(
    endpoint: Entity,
    direction: Direction,
    pending: boolean,
    stage: PolicyStage,
  ): TierPlan[] {
    if (stage !== 'normal' && endpoint.kind !== 'hep') return [];
    const plans: TierPlan[] = [];
    let current: CompiledPolicy[] = [];
    const flush = (): void => {
      const last = current[current.length - 1];
      if (!last) return;
      const hit = last.tier.defaultAction === 'Pass' ? last.endOfTierPass : last.endOfTierDeny;
      plans.push({ tier: last.tier, policies: current, endOfTier: hit });
      current = [];
    };
    for (const p of this.policies) {
      if (p.definition.stage !== stage || (p.definition.staged && !pending)) continue;
      if ((direction === 'ingress' ? p.ingress : p.egress) === null || !p.target.matches(endpoint)) continue;
      if (current.length > 0 && current[0]!.tierIndex !== p.tierIndex) flush();
      current.push(p);
    }
    flush();
    return plans;
  }

  /**
   * Walks the tiers of one stage. Returns ALLOW/DENY for a verdict, or null when the stage ended
   * without one (all tiers passed; for early stages also an explicit Allow, which ends the stage).
   */
  private walkTiers(plan: RulePlan, pkt: Packet, early: boolean): boolean | null {
    if (plan.tiers.length === 0) return null;
    const { rules: picked, tierEnds } = plan.candidates(pkt.protocol, pkt.dstPort);
    const rules = plan.rules;
    let c = 0;
    tiers: for (let t = 0; t < tierEnds.length; t++) {
      const end = tierEnds[t]!;
      for (; c < end; c++) {
        const i = picked[c]!;
        const rule = rules[i]!;
        if (!ruleMatches(rule, pkt)) continue;
        this.trace = this.trace.child(plan.hits[i]!);
        if (rule.action === 'Allow') return early ? null : ALLOW;
        if (rule.action === 'Deny') return DENY;
        c = end;
        continue tiers;
      }
      if (early) continue;
      this.trace = this.trace.child(plan.endOfTier[t]!);
      if (plan.passAtEnd[t] === 0) return DENY;
    }
    return null;
  }

  private profileHit(name: string): Hit {
    let hit = this.profileHits.get(name);
    if (!hit) this.profileHits.set(name, (hit = profileAllowHit(name)));
    return hit;
  }

  private decide(endpoint: Entity, direction: Direction, pkt: Packet, pending: boolean): boolean {
    if (endpoint.kind === 'hep') {
      if (this.walkTiers(this.rulePlan(endpoint, direction, pending, DO_NOT_TRACK), pkt, true) === DENY)
        return DENY;
      if (
        direction === 'ingress' &&
        this.walkTiers(this.rulePlan(endpoint, direction, pending, PRE_DNAT), pkt, true) === DENY
      ) {
        return DENY;
      }
    }
    const tiered = this.walkTiers(this.rulePlan(endpoint, direction, pending, NORMAL), pkt, false);
    if (tiered !== null) return tiered;
    const hit = this.profileOutcome(endpoint);
    this.trace = this.trace.child(hit);
    return hit !== NO_PROFILE_MATCH_HIT;
  }

  /** The hit of the first allow-all profile of the endpoint, or the no-match deny. */
  private profileOutcome(endpoint: Entity): Hit {
    let hit = this.profileDecision[endpoint.id];
    if (!hit) {
      const allowing = endpoint.profiles.find((name) => this.world.profiles.get(name)?.allowAll);
      hit = allowing === undefined ? NO_PROFILE_MATCH_HIT : this.profileHit(allowing);
      this.profileDecision[endpoint.id] = hit;
    }
    return hit;
  }

  evaluateDirection(endpoint: Entity, direction: Direction, pkt: Packet, pending = false): DirectionVerdict {
    this.trace = this.traceRoot;
    const allowed = this.decide(endpoint, direction, pkt, pending);
    return this.trace.verdict(allowed);
  }

  /** The action alone (used by the indexes). */
  allows(endpoint: Entity, direction: Direction, pkt: Packet, pending = false): boolean {
    this.trace = this.traceRoot;
    return this.decide(endpoint, direction, pkt, pending);
  }

  endpoint(key: string, path: string): Entity {
    const e = this.world.endpointsByKey.get(key);
    if (!e) throw new ConnectionError(path, `unknown endpoint "${key}"`);
    return e;
  }

  /** The endpoint's first address of `family`, resolved once and kept per entity. */
  private endpointAddress(endpoint: Entity, family: 4 | 6): ResolvedAddress | null {
    const cache = family === 4 ? this.v4 : this.v6;
    let r = cache[endpoint.id];
    if (r === undefined) {
      const ip = endpoint.ips.find((a) => a.family === family);
      cache[endpoint.id] = r = ip ? this.addresses.resolveOwned(ip) : null;
    }
    return r;
  }

  private address(peer: Peer, endpoint: Entity | undefined, family: 4 | 6, path: string): ResolvedAddress {
    if (peer.ip !== undefined) {
      const r = this.addresses.resolve(peer.ip);
      if (!r) throw new ConnectionError(`${path}.ip`, `invalid IP address "${peer.ip}"`);
      return r;
    }
    const r = this.endpointAddress(endpoint!, family);
    if (!r) throw new ConnectionError(`${path}.endpoint`, `endpoint has no IPv${family} address`);
    return r;
  }

  private family(conn: Connection, src: Entity | undefined, dst: Entity | undefined): 4 | 6 {
    const explicit = conn.source.ip ?? conn.destination.ip;
    if (explicit !== undefined) return explicit.includes(':') ? 6 : 4;
    if (this.endpointAddress(src!, 4) && this.endpointAddress(dst!, 4)) return 4;
    return this.endpointAddress(src!, 6) && this.endpointAddress(dst!, 6) ? 6 : 4;
  }

  /** Resolves a connection into a new packet plus the endpoints on each side. */
  packet(conn: Connection): { pkt: Packet; src: Entity | undefined; dst: Entity | undefined } {
    const pkt = new MutablePacket();
    this.fill(conn, pkt);
    return { pkt, src: this.src, dst: this.dst };
  }

  /** Fills `into` from `conn` and sets `src`/`dst`; throws ConnectionError naming a bad field. */
  private fill(conn: Connection, into: MutablePacket): void {
    const src =
      conn.source.endpoint === undefined ? undefined : this.endpoint(conn.source.endpoint, 'source.endpoint');
    const dst =
      conn.destination.endpoint === undefined
        ? undefined
        : this.endpoint(conn.destination.endpoint, 'destination.endpoint');
    if (!src && conn.source.ip === undefined)
      throw new ConnectionError('source', 'needs an endpoint or an ip');
    if (!dst && conn.destination.ip === undefined)
      throw new ConnectionError('destination', 'needs an endpoint or an ip');
    const family = this.family(conn, src, dst);
    const protocol = protocolNumber(conn.protocol);
    if (protocol === undefined) throw new ConnectionError('protocol', `unknown protocol "${conn.protocol}"`);
    const srcAddr = this.address(conn.source, src, family, 'source');
    const dstAddr = this.address(conn.destination, dst, family, 'destination');
    if (srcAddr.ip.family !== dstAddr.ip.family) {
      throw new ConnectionError('destination', 'address family differs from source');
    }
    into.family = srcAddr.ip.family;
    into.protocol = protocol;
    into.srcPort = conn.sourcePort ?? -1;
    into.dstPort = conn.port ?? -1;
    into.icmpType = conn.icmpType ?? -1;
    into.icmpCode = conn.icmpCode ?? -1;
    into.src = srcAddr;
    into.dst = dstAddr;
    this.src = src;
    this.dst = dst;
  }

  /** True when staged policies cannot change this endpoint's verdict in this direction. */
  private pendingSame(endpoint: Entity, direction: Direction): boolean {
    const stages = endpoint.kind === 'hep' ? STAGES.length : 1;
    for (let s = 0; s < stages; s++) {
      if (this.rulePlan(endpoint, direction, true, s) !== this.rulePlan(endpoint, direction, false, s))
        return false;
    }
    return true;
  }

  private pendingDirection(
    endpoint: Entity | undefined,
    direction: Direction,
    enforced: DirectionVerdict | null,
    pkt: Packet,
  ): DirectionVerdict | null {
    if (!endpoint) return null;
    return this.pendingSame(endpoint, direction)
      ? enforced
      : this.evaluateDirection(endpoint, direction, pkt, true);
  }

  evaluate(conn: Connection): ConnectionVerdict {
    const pkt = this.scratch;
    this.fill(conn, pkt);
    const src = this.src;
    const dst = this.dst;
    const egress = src ? this.evaluateDirection(src, 'egress', pkt, false) : null;
    const ingress = dst ? this.evaluateDirection(dst, 'ingress', pkt, false) : null;
    const action: Verdict = egress?.action !== 'deny' && ingress?.action !== 'deny' ? 'allow' : 'deny';
    if (!this.hasStaged) return { action, egress, ingress };
    const pendingEgress = this.pendingDirection(src, 'egress', egress, pkt);
    const pendingIngress = this.pendingDirection(dst, 'ingress', ingress, pkt);
    const pendingAction: Verdict =
      pendingEgress?.action !== 'deny' && pendingIngress?.action !== 'deny' ? 'allow' : 'deny';
    return {
      action,
      egress,
      ingress,
      pending: { action: pendingAction, egress: pendingEgress, ingress: pendingIngress },
    };
  }
}
