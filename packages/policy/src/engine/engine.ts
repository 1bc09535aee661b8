// The fast evaluation engine (calico-semantics §3.3–§3.6). Per endpoint, direction, mode
// (enforced / pending) and dataplane stage it caches a rule plan — the applicable tiers and
// policies flattened, shared between endpoints with the same policy list, with candidate rules
// pre-filtered by protocol and destination port. A verdict walks the candidates with memoised
// selector membership and follows the trace trie, so a repeated outcome allocates nothing.
// Returned verdicts are shared and frozen. The reference evaluator (reference.ts) is the oracle.
// L7 `http` criteria cannot be enforced at L3/L4 and are ignored, as Felix does without the
// application layer; a connection without `sourcePort` matches no source-port criterion.

import { AddressIndex } from './address-index.js';
import { compilePolicies, type CompiledPolicy } from './compiled-policy.js';
import type { Connection, ConnectionVerdict, DirectionVerdict, Verdict } from './connection.js';
import { ConnectionResolver } from './connection-resolver.js';
import { EndpointState } from './endpoint-state.js';
import { NO_PROFILE_MATCH_HIT, profileAllowHit, type Hit } from './hit.js';
import { MutablePacket, type Packet, type ResolvedAddress } from './packet.js';
import type { PolicyStage } from './policy-definition.js';
import { ruleMatches } from './rule-match.js';
import { RulePlan, type TierPlan } from './rule-plan.js';
import { SelectorTable } from './selector-table.js';
import { TraceNode } from './trace-trie.js';
import type { Entity, World } from './world.js';

export type Direction = 'ingress' | 'egress';
export type { TierPlan } from './rule-plan.js';

const STAGES: readonly PolicyStage[] = ['normal', 'preDNAT', 'doNotTrack'];
const NORMAL = 0;
const PRE_DNAT = 1;
const DO_NOT_TRACK = 2;
const ALLOW = true;
const DENY = false;

/** A number per compiled policy, the same in every engine that shares it (plan keys). */
const policyIds = new WeakMap<CompiledPolicy, number>();
let nextPolicyId = 0;
function policyId(p: CompiledPolicy): number {
  let id = policyIds.get(p);
  if (id === undefined) policyIds.set(p, (id = nextPolicyId++));
  return id;
}

export class PolicyEngine {
  readonly policies: readonly CompiledPolicy[];
  readonly addresses: AddressIndex;
  readonly hasStaged: boolean;
  private readonly states: readonly EndpointState[];
  private readonly resolver: ConnectionResolver;
  /** Plans by their policies' ids (policyId): shared with a basis that has the same tiers. */
  private readonly sharedPlans: Map<string, RulePlan>;
  private readonly byNamespace = new Map<string, readonly CompiledPolicy[]>();
  private readonly profileHits = new Map<string, Hit>();
  private readonly traceRoot = new TraceNode([]);
  private trace: TraceNode = this.traceRoot;
  private readonly scratch = new MutablePacket();
  /** Named-port name → every port number an entity of the world gives it. */
  private readonly namedPortNumbers = new Map<string, number[]>();

  private readonly selectors: SelectorTable;

  /**
   * With `basis`, an engine over a world with the same entities (withPolicies): its selector
   * memos, address index and (with the same tiers) the policies it compiled from the same
   * definitions are shared instead of rebuilt, and so are the plans of the entities no differing
   * policy selects (carryPlans).
   */
  constructor(
    readonly world: World,
    basis?: PolicyEngine,
  ) {
    const shared = basis?.world.entities === world.entities ? basis : undefined;
    this.selectors = shared?.selectors ?? new SelectorTable(world.entities.length);
    // With the same tiers, a policy whose definition the basis compiled compiles alike.
    const sameTiers =
      shared !== undefined && JSON.stringify(shared.world.tiers) === JSON.stringify(world.tiers);
    this.policies = compilePolicies(
      world,
      this.selectors,
      sameTiers ? new Map(shared.policies.map((p) => [p.definition, p])) : undefined,
    );
    this.addresses = shared?.addresses ?? new AddressIndex(world);
    this.hasStaged = world.hasStaged;
    this.states = world.entities.map((e) => new EndpointState(e));
    this.sharedPlans = sameTiers ? shared.sharedPlans : new Map<string, RulePlan>();
    if (sameTiers) this.carryPlans(shared);
    this.resolver = new ConnectionResolver(
      new Map(world.endpoints.map((e) => [e.key, this.states[e.id]!])),
      this.addresses,
    );
    for (const e of world.entities) {
      for (const np of e.namedPorts) {
        const numbers = this.namedPortNumbers.get(np.name) ?? [];
        if (!numbers.includes(np.port)) numbers.push(np.port);
        this.namedPortNumbers.set(np.name, numbers);
      }
    }
  }

  endpoint(key: string, path: string): Entity {
    return this.resolver.state(key, path).entity;
  }

  /** Tiers (in order) with at least one policy applying to `endpoint` in `direction`. */
  tierPlans(
    endpoint: Entity,
    direction: Direction,
    pending: boolean,
    stage: PolicyStage = 'normal',
  ): readonly TierPlan[] {
    return this.rulePlan(this.states[endpoint.id]!, direction, pending, STAGES.indexOf(stage)).tiers;
  }

  /** The flattened, pre-filterable plan for the normal stage (diagnostics, benchmarks). */
  planFor(endpoint: Entity, direction: Direction, pending = false): RulePlan {
    return this.rulePlan(this.states[endpoint.id]!, direction, pending, NORMAL);
  }

  get sharedPlanCount(): number {
    return this.sharedPlans.size;
  }

  /** The cached rule plan; a pending plan with no staged policy is the enforced plan itself. */
  private rulePlan(s: EndpointState, direction: Direction, pending: boolean, stage: number): RulePlan {
    const slot = (direction === 'ingress' ? 0 : 1) + (pending ? 2 : 0) + stage * 4;
    let plan = s.plans[slot];
    if (plan) return plan;
    const tiers = this.buildTiers(s.entity, direction, pending, STAGES[stage]!);
    if (pending && !tiers.some((t) => t.policies.some((p) => p.definition.staged))) {
      plan = this.rulePlan(s, direction, false, stage);
    } else {
      const ids = tiers.map((t) => t.policies.map(policyId).join(',')).join('|');
      const key = `${direction}:${ids}`;
      plan = this.sharedPlans.get(key);
      if (!plan)
        this.sharedPlans.set(
          key,
          (plan = new RulePlan(tiers, direction === 'ingress', this.namedPortNumbers)),
        );
    }
    s.plans[slot] = plan;
    return plan;
  }

  /**
   * Keeps the basis's plans of every entity that no policy of only one of the two engines can
   * select (decision 0196): the other policies are the same compiled objects, in the same relative
   * order (same definitions, same tiers), so such an entity's plans would be built alike.
   */
  private carryPlans(basis: PolicyEngine): void {
    const mine = new Set(this.policies);
    const theirs = new Set(basis.policies);
    const differing = [
      ...this.policies.filter((p) => !theirs.has(p)),
      ...basis.policies.filter((p) => !mine.has(p)),
    ];
    for (const s of this.states) {
      const e = s.entity;
      const touched = differing.some(
        (p) =>
          (p.definition.namespace === undefined || p.definition.namespace === (e.namespace ?? '')) &&
          p.target.matches(e),
      );
      if (touched) continue;
      const plans = basis.states[e.id]!.plans;
      for (let i = 0; i < plans.length; i++) s.plans[i] = plans[i];
    }
  }

  /** Global policies plus those of the endpoint's namespace (the only ones that can select it), in order. */
  private policiesFor(endpoint: Entity): readonly CompiledPolicy[] {
    const ns = endpoint.namespace ?? '';
    let list = this.byNamespace.get(ns);
    if (!list) {
      list = this.policies.filter(
        (p) => p.definition.namespace === undefined || p.definition.namespace === ns,
      );
      this.byNamespace.set(ns, list);
    }
    return list;
  }

  private buildTiers(
    endpoint: Entity,
    direction: Direction,
    pending: boolean,
    stage: PolicyStage,
  ): TierPlan[] {
    if (stage !== 'normal' && endpoint.kind !== 'hep') return [];
    const tiers: TierPlan[] = [];
    let current: CompiledPolicy[] = [];
    const flush = (): void => {
      const last = current[current.length - 1];
      if (!last) return;
      const hit = last.tier.defaultAction === 'Pass' ? last.endOfTierPass : last.endOfTierDeny;
      tiers.push({ tier: last.tier, policies: current, endOfTier: hit });
      current = [];
    };
    for (const p of this.policiesFor(endpoint)) {
      if (p.definition.stage !== stage || (p.definition.staged && !pending)) continue;
      if ((direction === 'ingress' ? p.ingress : p.egress) === null || !p.target.matches(endpoint)) continue;
      if (current.length > 0 && current[0]!.tierIndex !== p.tierIndex) flush();
      current.push(p);
    }
    flush();
    return tiers;
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

  /** The hit of the first allow-all profile of the endpoint, or the no-match deny. */
  private profileOutcome(s: EndpointState): Hit {
    let hit = s.profileHit;
    if (!hit) {
      const allowing = s.entity.profiles.find((name) => this.world.profiles.get(name)?.allowAll);
      if (allowing === undefined) hit = NO_PROFILE_MATCH_HIT;
      else {
        hit = this.profileHits.get(allowing);
        if (!hit) this.profileHits.set(allowing, (hit = profileAllowHit(allowing)));
      }
      s.profileHit = hit;
    }
    return hit;
  }

  private decide(s: EndpointState, direction: Direction, pkt: Packet, pending: boolean): boolean {
    this.trace = this.traceRoot;
    if (s.isHost) {
      if (this.walkTiers(this.rulePlan(s, direction, pending, DO_NOT_TRACK), pkt, true) === DENY) return DENY;
      if (
        direction === 'ingress' &&
        this.walkTiers(this.rulePlan(s, direction, pending, PRE_DNAT), pkt, true) === DENY
      ) {
        return DENY;
      }
    }
    const tiered = this.walkTiers(this.rulePlan(s, direction, pending, NORMAL), pkt, false);
    if (tiered !== null) return tiered;
    const hit = this.profileOutcome(s);
    this.trace = this.trace.child(hit);
    return hit !== NO_PROFILE_MATCH_HIT;
  }

  private direction(s: EndpointState, direction: Direction, pkt: Packet, pending: boolean): DirectionVerdict {
    const allowed = this.decide(s, direction, pkt, pending);
    return this.trace.verdict(allowed);
  }

  evaluateDirection(endpoint: Entity, direction: Direction, pkt: Packet, pending = false): DirectionVerdict {
    return this.direction(this.states[endpoint.id]!, direction, pkt, pending);
  }

  /** The endpoint's first address of `family`, resolved to its owners (null: it has none). */
  endpointAddress(endpoint: Entity, family: 4 | 6): ResolvedAddress | null {
    return this.resolver.endpointAddress(this.states[endpoint.id]!, family);
  }

  /** Whether a packet that reaches the endpoint's profiles is allowed (some profile allows all). */
  profileAllows(endpoint: Entity): boolean {
    return this.profileOutcome(this.states[endpoint.id]!) !== NO_PROFILE_MATCH_HIT;
  }

  /**
   * Whether no tier decides `pkt` for a workload endpoint, so its profiles do (the indexes'
   * "reaches the profile"); the walk leaves no trace behind.
   */
  fallsToProfile(endpoint: Entity, direction: Direction, pkt: Packet): boolean {
    const s = this.states[endpoint.id]!;
    if (s.isHost) throw new Error('fallsToProfile: host endpoints have several stages');
    this.trace = this.traceRoot;
    return this.walkTiers(this.rulePlan(s, direction, false, NORMAL), pkt, false) === null;
  }

  /** The action alone (used by the indexes). */
  allows(endpoint: Entity, direction: Direction, pkt: Packet, pending = false): boolean {
    return this.decide(this.states[endpoint.id]!, direction, pkt, pending);
  }

  /** Resolves a connection into a new packet plus the endpoints on each side. */
  packet(conn: Connection): { pkt: Packet; src: Entity | undefined; dst: Entity | undefined } {
    const pkt = new MutablePacket();
    this.resolver.fill(conn, pkt);
    return { pkt, src: this.resolver.src?.entity, dst: this.resolver.dst?.entity };
  }

  /** True when staged policies cannot change this endpoint's verdict for this packet. */
  private pendingSame(s: EndpointState, direction: Direction, pkt: Packet): boolean {
    const stages = s.isHost ? STAGES.length : 1;
    for (let stage = 0; stage < stages; stage++) {
      const pending = this.rulePlan(s, direction, true, stage);
      const enforced = this.rulePlan(s, direction, false, stage);
      if (pending !== enforced && !pending.walksLike(enforced, pkt.protocol, pkt.dstPort)) return false;
    }
    return true;
  }

  private pendingDirection(
    s: EndpointState | undefined,
    direction: Direction,
    enforced: DirectionVerdict | null,
    pkt: Packet,
  ): DirectionVerdict | null {
    if (!s) return null;
    return this.pendingSame(s, direction, pkt) ? enforced : this.direction(s, direction, pkt, true);
  }

  evaluate(conn: Connection): ConnectionVerdict {
    const pkt = this.scratch;
    this.resolver.fill(conn, pkt);
    const src = this.resolver.src;
    const dst = this.resolver.dst;
    const egress = src ? this.direction(src, 'egress', pkt, false) : null;
    const ingress = dst ? this.direction(dst, 'ingress', pkt, false) : null;
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
