// Indexes over an evaluated world: which policies apply to an endpoint per direction, which
// endpoints a policy selects, and per endpoint whether ingress/egress are protected and whether it
// is reachable from the internet or from other namespaces.
//
// Method. "Protected" follows Calico's compliance reports: some enforced policy applies in that
// direction (rule content does not matter). Reachability, unlike Calico's over-approximation
// (any Allow rule with a public CIDR counts), uses the full semantics: tiers, order, Pass, Deny,
// end-of-tier, profiles and both sides of a connection. It evaluates representative connections
// (representatives.ts): one public address per region that no relevant CIDR, network set, service
// backend or endpoint address splits, times one protocol/port/ICMP combination per piece of the
// ranges the applicable rules mention. Because every rule criterion is constant on such a piece,
// "some representative is allowed" ⇔ "some real connection is allowed". For other namespaces, the
// peer endpoints are grouped by everything the verdict can depend on (their plan, the labels of
// the entities owning their address, their named ports, service membership and membership in the
// CIDRs involved), and one peer per group is evaluated. Results are memoised per endpoint.

import type { Connection } from '../engine/connection.js';
import type { PolicyEngine, Direction } from '../engine/engine.js';
import type { PolicyKindShort } from '../engine/policy-definition.js';
import type { Entity } from '../engine/world.js';
import type { Rule } from '../resources/types.js';
import { PROFILE_TIER } from '../engine/hit.js';
import { formatIp } from '../engine/ip.js';
import { fromBigInt, isPublic } from './address-space.js';
import { MutablePacket, type ResolvedAddress } from '../engine/packet.js';
import type { RulePlan } from '../engine/rule-plan.js';
import { addressFeatures, mergedView, planView } from './plan-view.js';
import { outsideAddressProbes, portProbes, publicAddressProbes, type PortProbe } from './representatives.js';
import { peerSignature } from './peer-signature.js';
import { PeerPartition, PeerSets, backendKeys } from './peer-partition.js';

export interface PolicyRef {
  kind: PolicyKindShort;
  namespace?: string;
  name: string;
  tier: string;
  staged: boolean;
}

export interface EndpointExposure {
  endpoint: string;
  ingressProtected: boolean;
  egressProtected: boolean;
  ingressFromInternet: boolean;
  egressToInternet: boolean;
  ingressFromOtherNamespaces: boolean;
  egressToOtherNamespaces: boolean;
}

const STAGES = ['normal', 'preDNAT', 'doNotTrack'] as const;

/** Split groups whose first peers are tried before an endpoint's peer classes are built. */
const WITNESS_GROUPS = 2;

/** Sets a packet's protocol, ports and ICMP fields to a probe's (its addresses stay). */
function withPortProbe(pkt: MutablePacket, p: PortProbe): void {
  pkt.protocol = p.protocol;
  pkt.srcPort = p.sourcePort ?? -1;
  pkt.dstPort = p.port ?? -1;
  pkt.icmpType = p.icmpType ?? -1;
  pkt.icmpCode = p.icmpCode ?? -1;
}

/**
 * A number per rule plan, the same in every index: engines on a basis share plans (decision
 * 0196), so keys built from it (peerSelf) carry over between the states of a report.
 */
const planIds = new WeakMap<RulePlan, number>();
let nextPlanId = 0;

/** A number per policy definition object (worldProbes' key). */
const definitionIds = new WeakMap<object, number>();
let nextDefinitionId = 0;

/**
 * The world probes last computed over some entities, by the definitions they were cut for
 * (worlds sharing entities share endpoints and Services too: withPolicies).
 */
const worldProbeMemo = new WeakMap<readonly Entity[], { key: string; probes: PortProbe[] }>();

/** Outside addresses resolved, per address index and family (see outsideAddress). */
const outsideResolved = new WeakMap<object, [Map<bigint, ResolvedAddress>, Map<bigint, ResolvedAddress>]>();

/** Endpoint partitions by the entities they were built over (see localPartition). */
const localPartitions = new WeakMap<readonly Entity[], Map<4 | 6, PeerPartition>>();

export interface PolicyIndexOptions {
  /**
   * Evaluate the straightforward way (the reference the fast path is tested against): peers
   * grouped by everything about them (all labels), outside addresses cut at every endpoint
   * address, nothing shared between endpoints. Quadratic in the endpoints.
   */
  exhaustive?: boolean;
  /**
   * Peer classes kept across indexes over worlds with the same entities (the same endpoints,
   * network sets and host endpoints; only policies differ), e.g. the policy states a compliance
   * report replays. The caller vouches that the entities are the same.
   */
  shared?: SharedPeerClasses;
  /**
   * Exposure to other namespaces looks at these workload peers only (default: every endpoint of
   * the world). A report replaying policy states passes the endpoints whose plans a change may
   * have touched: an endpoint whose own plan did not change and that was not exposed in the
   * previous state can only become exposed through them (decision 0195).
   */
  peers?: readonly Entity[];
  /**
   * Few endpoints will be asked (a replayed state's changed endpoints): each is evaluated on its
   * own instead of keyed into classes, which costs a pass over every endpoint under the merged
   * view of every peer plan (decision 0196).
   */
  few?: boolean;
}

/** Peer classes by view, as endpoint keys, reusable across worlds with the same entities. */
export class SharedPeerClasses {
  readonly local = new Map<string, Map<string, string[]>>();
  /**
   * What a peer's plan and profile make of it (peerSelf) as a number, by direction and family:
   * per entity id the plan it was last keyed under and that number (plans carry over between
   * states, decision 0196, so an unchanged peer costs a comparison; decision 0206).
   */
  readonly peerSelves = new Map<string, { plans: (RulePlan | undefined)[]; ids: Int32Array }>();
  /**
   * Whether an endpoint's own side refuses every endpoint address of a family (closed): by plan,
   * then direction, family, profile and own features; and by direction and family, per entity
   * id, the plan last asked about and the answer.
   */
  readonly closed = new Map<RulePlan, Map<string, boolean>>();
  readonly closedOf = new Map<string, { plans: (RulePlan | undefined)[]; closed: Uint8Array }>();
  /** The numbers of peerSelf's keys (equal keys, equal numbers). */
  readonly selfIds = new Map<string, number>();
  /** Every workload peer of a family with its criteria's sets, for exposure partitions. */
  readonly exposureSets = new Map<4 | 6, PeerSets>();
}

/** Peers of one plan and family that the plan cannot tell apart, two of each class. */
interface PeerClass {
  members: Entity[];
}

/** Peers of another namespace for exposure: one class per (peer plan, profile, features). */
interface ExposureClass {
  plan: RulePlan;
  /** The first split of the exposure partition it refines (what the peer makes of itself). */
  split: number;
  /** Members from at most two namespaces (so one is outside any endpoint's own namespace). */
  members: Entity[];
}

/**
 * The peer classes of one plan: those its criteria mark, grouped by their address's features
 * under it, and the representatives of the unmarked peers of the splits holding marked ones
 * (every other split keeps its own; see PeerPartition.refine).
 */
interface ExposurePeers {
  partition: PeerPartition;
  marked: ExposureClass[][];
  unmarked: Map<number, Entity[]>;
}

/** The first splits of an exposure partition with one unmarked key, fewest rules first. */
interface SplitGroup {
  splits: { split: number; plan: RulePlan }[];
}

/** Representative probes of one rule plan and family (see PolicyIndex.probesFor). */
interface PlanProbes {
  addresses: bigint[];
  ports: PortProbe[];
  peers: Entity[][] | null;
}

export class PolicyIndex {
  private readonly exposures = new Map<string, EndpointExposure>();
  private readonly decided = new Map<string, boolean>();
  /**
   * Per rule plan (shared by every workload endpoint with the same applicable policies) and
   * family: the representative outside addresses and port probes, and the peers grouped by
   * signature (two of each, so an endpoint can skip itself). They depend on the plan's rules and
   * the world only, so computing them once per plan instead of once per endpoint removes the
   * quadratic part of a report over thousands of endpoints.
   */
  private readonly planProbes = new Map<object, Map<string, PlanProbes>>();

  private readonly exhaustive: boolean;
  /** Per own plan and family: the peers it cannot tell apart (reachesProfile). */
  private readonly localClasses = new Map<RulePlan, Map<4 | 6, Map<string, PeerClass>>>();
  /** Per own plan and family: peers of every plan, for exposure to other namespaces. */
  private readonly exposureClasses = new Map<RulePlan, Map<4 | 6, ExposurePeers>>();
  /**
   * A peer side's verdicts on the world's probes, per exposure partition, first split and what
   * the peer's plan sees of the endpoint.
   */
  private readonly peerSides = new Map<PeerPartition, (Map<string, Int8Array> | undefined)[]>();
  private readonly scratch = new MutablePacket();
  /**
   * An endpoint side's verdicts on the world's probes, per group of peer classes its plan cannot
   * tell apart and per plan, profile and features of the endpoint's own address.
   */
  private readonly endpointSides = new Map<object, Map<string, Int8Array>>();
  private readonly splitOrder = new Map<PeerPartition, SplitGroup[]>();
  private readonly splitPlans = new Map<PeerPartition, RulePlan[]>();
  private allProbes: PortProbe[] | undefined;
  private readonly partitions = new Map<string, PeerPartition>();
  private readonly peerViewKeys = new Map<string, (e: Entity) => string | undefined>();
  private backendKeys: Map<string, string> | undefined;
  private readonly planRules = new Map<RulePlan, Rule[]>();
  /** Results shared by the workload endpoints of one class (same plan, same features). */
  private readonly classResults = new Map<string, boolean>();
  private readonly outside = new Map<RulePlan, Map<4 | 6, bigint[]>>();

  constructor(
    private readonly engine: PolicyEngine,
    options: PolicyIndexOptions = {},
  ) {
    this.exhaustive = options.exhaustive ?? false;
    this.shared = options.shared ?? new SharedPeerClasses();
    this.peers = options.peers ?? null;
    this.few = options.few === true || this.peers !== null;
  }

  private readonly few: boolean;

  private readonly peers: readonly Entity[] | null;

  /** The workload peers exposure to other namespaces looks at. */
  private exposureCandidates(): readonly Entity[] {
    return this.peers ?? this.engine.world.endpoints;
  }

  private readonly shared: SharedPeerClasses;

  private planId(plan: RulePlan): number {
    let id = planIds.get(plan);
    if (id === undefined) planIds.set(plan, (id = nextPlanId++));
    return id;
  }

  /** The rules of a workload endpoint's plan in evaluation order (what `rules` would list). */
  private rulesOfPlan(plan: RulePlan, direction: Direction): Rule[] {
    let rules = this.planRules.get(plan);
    if (!rules) {
      rules = plan.tiers.flatMap((t) =>
        t.policies.flatMap((p) => [
          ...(direction === 'ingress' ? p.definition.ingress : p.definition.egress),
        ]),
      );
      this.planRules.set(plan, rules);
    }
    return rules;
  }

  /** Addresses no endpoint owns, one per region the plan's CIDRs and the world's sets leave. */
  private outsideAddresses(plan: RulePlan, direction: Direction, family: 4 | 6): bigint[] {
    let byFamily = this.outside.get(plan);
    if (!byFamily) this.outside.set(plan, (byFamily = new Map<4 | 6, bigint[]>()));
    let list = byFamily.get(family);
    if (!list)
      byFamily.set(
        family,
        (list = outsideAddressProbes(this.rulesOfPlan(plan, direction), this.engine.world, family)),
      );
    return list;
  }

  /**
   * An outside address (outsideAddresses) resolved to its owners, memoised per address index:
   * engines on a basis share it, so a report resolves each once (decision 0206).
   */
  private outsideAddress(a: bigint, family: 4 | 6): ResolvedAddress {
    let byFamily = outsideResolved.get(this.engine.addresses);
    if (!byFamily)
      outsideResolved.set(
        this.engine.addresses,
        (byFamily = [new Map<bigint, ResolvedAddress>(), new Map<bigint, ResolvedAddress>()]),
      );
    const memo = byFamily[family === 4 ? 0 : 1];
    let r = memo.get(a);
    if (!r) memo.set(a, (r = this.engine.addresses.resolveIp(fromBigInt(a, family))));
    return r;
  }

  /** The features of the endpoint's own address of `family` under `plans`, or null. */
  private ownFeatures(e: Entity, family: 4 | 6, plans: readonly RulePlan[]): string | null {
    const addr = this.engine.endpointAddress(e, family);
    return addr ? addressFeatures(plans.map(planView), addr) : null;
  }

  private endpoint(key: string): Entity {
    return this.engine.endpoint(key, 'endpoint');
  }

  /** Policies applying to the endpoint in evaluation order; staged ones only when asked. */
  appliedPolicies(
    endpointKey: string,
    direction: Direction,
    options: { staged?: boolean } = {},
  ): PolicyRef[] {
    const e = this.endpoint(endpointKey);
    const stages = e.kind === 'hep' ? STAGES : (['normal'] as const);
    return stages.flatMap((stage) =>
      this.engine.tierPlans(e, direction, options.staged ?? false, stage).flatMap((t) =>
        t.policies.map((p) => {
          const d = p.definition;
          return {
            kind: d.kind,
            ...(d.namespace !== undefined ? { namespace: d.namespace } : {}),
            name: d.name,
            tier: d.tier,
            staged: d.staged,
          };
        }),
      ),
    );
  }

  /** Endpoints (keys) a policy applies to, per direction of its `types`. */
  selectedEndpoints(ref: { kind: PolicyKindShort; namespace?: string; name: string }): {
    ingress: string[];
    egress: string[];
  } {
    const p = this.engine.policies.find(
      (c) =>
        c.definition.kind === ref.kind &&
        c.definition.name === ref.name &&
        c.definition.namespace === ref.namespace,
    );
    if (!p) return { ingress: [], egress: [] };
    const selected = this.engine.world.endpoints.filter(
      (e) => p.target.matches(e) && (e.kind === 'hep' || p.definition.stage === 'normal'),
    );
    return {
      ingress: p.ingress ? selected.map((e) => e.key) : [],
      egress: p.egress ? selected.map((e) => e.key) : [],
    };
  }

  private rules(e: Entity, direction: Direction): Rule[] {
    if (!this.exhaustive && e.kind === 'wep')
      return this.rulesOfPlan(this.engine.planFor(e, direction), direction);
    return this.engine.world.policies.length === 0
      ? []
      : this.appliedPolicies(e.key, direction).flatMap((ref) => {
          const p = this.engine.policies.find(
            (c) =>
              c.definition.kind === ref.kind &&
              c.definition.name === ref.name &&
              c.definition.namespace === ref.namespace,
          )!;
          return [...(direction === 'ingress' ? p.definition.ingress : p.definition.egress)];
        });
  }

  private allowed(conn: Connection, src: Entity | undefined, dst: Entity | undefined): boolean {
    const { pkt } = this.engine.packet(conn);
    if (src && !this.engine.allows(src, 'egress', pkt)) return false;
    return !dst || this.engine.allows(dst, 'ingress', pkt);
  }

  private withProbe(conn: Pick<Connection, 'source' | 'destination'>, probe: PortProbe): Connection {
    return { ...conn, ...probe };
  }

  private internet(e: Entity, direction: Direction): boolean {
    if (this.exhaustive || e.kind !== 'wep') return this.internetOf(e, direction);
    // Depends on the plan, the endpoint's own address features under it and its profile only.
    const plan = this.engine.planFor(e, direction);
    const key = `i|${direction}|${this.planId(plan)}|${this.engine.profileAllows(e) ? 1 : 0}|${this.ownFeatures(e, 4, [plan])}|${this.ownFeatures(e, 6, [plan])}`;
    let result = this.classResults.get(key);
    if (result === undefined) {
      result = false;
      const rules = this.rulesOfPlan(plan, direction);
      const probes = portProbes(rules, this.engine.world, true);
      for (const family of new Set(e.ips.map((ip) => ip.family))) {
        const addresses = this.outsideAddresses(plan, direction, family).filter((a) => isPublic(a, family));
        if (this.anyAllowedFrom(e, direction, family, addresses, probes)) {
          result = true;
          break;
        }
      }
      this.classResults.set(key, result);
    }
    return result;
  }

  /**
   * Whether the endpoint's side allows some probe from (ingress) or to (egress) one of the outside
   * `addresses`: the only side there is. Fills one packet per probe (as sideVerdicts).
   */
  private anyAllowedFrom(
    e: Entity,
    direction: Direction,
    family: 4 | 6,
    addresses: readonly bigint[],
    probes: readonly PortProbe[],
  ): boolean {
    const own = this.engine.endpointAddress(e, family)!;
    const pkt = this.scratch;
    for (const a of addresses) {
      const outside = this.outsideAddress(a, family);
      pkt.family = family;
      pkt.src = direction === 'ingress' ? outside : own;
      pkt.dst = direction === 'ingress' ? own : outside;
      for (const probe of probes) {
        withPortProbe(pkt, probe);
        if (this.engine.allows(e, direction, pkt)) return true;
      }
    }
    return false;
  }

  /** The straightforward reachability from or to the internet. */
  private internetOf(e: Entity, direction: Direction): boolean {
    const rules = this.rules(e, direction);
    for (const family of new Set(e.ips.map((ip) => ip.family))) {
      const shared = this.probesFor(e, direction, family, rules, false);
      const probes = shared.ports;
      const addresses = shared.addresses.filter((a) => isPublic(a, family));
      for (const a of addresses) {
        const outside = { ip: formatIp(fromBigInt(a, family)) };
        const own = { endpoint: e.key };
        const ends =
          direction === 'ingress'
            ? { source: outside, destination: own }
            : { source: own, destination: outside };
        for (const probe of probes) {
          const conn = this.withProbe(ends, probe);
          if (
            this.allowed(
              conn,
              direction === 'egress' ? e : undefined,
              direction === 'ingress' ? e : undefined,
            )
          )
            return true;
        }
      }
    }
    return false;
  }

  private otherNamespaces(e: Entity, direction: Direction): boolean {
    if (this.exhaustive || e.kind !== 'wep') return this.otherNamespacesOf(e, direction);
    const plan = this.engine.planFor(e, direction);
    // Against a few given peers (a replayed state's changed endpoints), most endpoints asked are
    // closed: their own side refuses every other endpoint, whatever the peers' plans.
    if (this.peers && this.closed(e, direction, plan, 4) && this.closed(e, direction, plan, 6)) return false;
    // For a few endpoints, or against a few given peers (a replayed state's changed endpoints),
    // keying endpoint classes would cost more than evaluating each endpoint: its sides are
    // memoised anyway.
    if (this.few) return this.otherNamespacesFast(e, direction, plan);
    // Endpoints alike in namespace, plan, profile and in what every plan involved sees of their
    // address share the answer.
    const parts = [
      `o|${direction}|${this.planId(plan)}|${e.namespace}|${this.engine.profileAllows(e) ? 1 : 0}`,
    ];
    for (const family of [4, 6] as const)
      parts.push(`${this.ownFeatures(e, family, [plan])}|${this.seenByPeers(direction, family)(e) ?? '-'}`);
    const key = parts.join('/');
    let result = this.classResults.get(key);
    if (result === undefined) {
      result = this.otherNamespacesFast(e, direction, plan);
      this.classResults.set(key, result);
    }
    return result;
  }

  /**
   * One endpoint class against the peer classes of its plan. Every pair is probed with the
   * world's port probes (cut at every rule's ports, so finer than any pair's own: still one probe
   * per piece no rule splits), which lets each side's verdicts be memoised apart: the endpoint's
   * side per group of peer classes its plan cannot tell apart (a group it refuses every probe is
   * skipped whole), the peer's side per first split of the peers and endpoint features under the
   * peer's plan (shared by every endpoint class).
   */
  private otherNamespacesFast(e: Entity, direction: Direction, plan: RulePlan): boolean {
    const peerDirection: Direction = direction === 'ingress' ? 'egress' : 'ingress';
    const probes = this.worldProbes();
    for (const family of [4, 6] as const) {
      const ownAddr = this.engine.endpointAddress(e, family);
      if (!ownAddr) continue;
      const partition = this.exposurePartition(peerDirection, family);
      let sides = this.peerSides.get(partition);
      if (!sides) this.peerSides.set(partition, (sides = []));
      const seenBy = new Map<RulePlan, string>();
      let mine: Int8Array | undefined;
      let group: object = sides;
      // The endpoint's side gives the same verdicts to every endpoint alike in plan, profile and
      // own features, against one group of peers (decision 0196), of one address family: a CIDR
      // of the other family matches no packet, though it holds neither address (decision 0206).
      let own: string | undefined;
      // Whether a peer of the class (another namespace's) and the endpoint allow a common probe;
      // null when the endpoint's side refuses every probe from the class's group.
      const allows = (peerPlan: RulePlan, split: number, members: readonly Entity[]): boolean | null => {
        const peer = members[0]!.namespace !== e.namespace ? members[0]! : members[1];
        if (!peer) return false;
        const peerAddr = this.engine.endpointAddress(peer, family)!;
        const [src, dst] = direction === 'ingress' ? [peerAddr, ownAddr] : [ownAddr, peerAddr];
        if (!mine) {
          own ??= `${family}|${this.planId(plan)}|${this.engine.profileAllows(e) ? 1 : 0}|${addressFeatures([planView(plan)], ownAddr)}`;
          let byOwn = this.endpointSides.get(group);
          if (!byOwn) this.endpointSides.set(group, (byOwn = new Map<string, Int8Array>()));
          mine = byOwn.get(own);
          if (!mine) byOwn.set(own, (mine = this.sideVerdicts(e, direction, src, dst, probes)));
        }
        if (mine[probes.length] === 0) return null;
        let seen = seenBy.get(peerPlan);
        if (seen === undefined) seenBy.set(peerPlan, (seen = addressFeatures([planView(peerPlan)], ownAddr)));
        const bySeen = (sides[split] ??= new Map<string, Int8Array>());
        let theirs = bySeen.get(seen);
        if (!theirs) bySeen.set(seen, (theirs = this.sideVerdicts(peer, peerDirection, src, dst, probes)));
        for (let i = 0; i < probes.length; i++) if (mine[i] === 1 && theirs[i] === 1) return true;
        return false;
      };
      // A few real peers first, those of the fewest rules in the first groups: a pair of them
      // allowing a probe is an exposure, found without refining every peer under the endpoint's
      // plan (decision 0196). Their endpoint side is memoised per peer.
      for (const { splits } of this.splitGroups(partition, peerDirection).slice(0, WITNESS_GROUPS)) {
        const { split, plan: peerPlan } = splits[0]!;
        for (const peer of partition.representatives(split)) {
          if (peer.namespace === e.namespace) continue;
          mine = undefined;
          group = peer;
          if (allows(peerPlan, split, [peer]) === true) return true;
        }
      }
      // An endpoint whose side refuses every endpoint address needs no peer classes.
      if (this.closed(e, direction, plan, family)) continue;
      const { marked, unmarked } = this.exposurePeers(plan, direction, family);
      for (const classes of marked) {
        mine = undefined;
        group = classes;
        for (const c of classes) {
          const r = allows(c.plan, c.split, c.members);
          if (r === null) break;
          if (r) return true;
        }
      }
      for (const splitGroup of this.splitGroups(partition, peerDirection)) {
        mine = undefined;
        group = splitGroup;
        for (const { split, plan: peerPlan } of splitGroup.splits) {
          const members = unmarked.get(split) ?? partition.representatives(split);
          if (members.length === 0) continue;
          const r = allows(peerPlan, split, members);
          if (r === null) break;
          if (r) return true;
        }
      }
    }
    return false;
  }

  /**
   * Whether the endpoint's own side refuses every packet from (ingress) or to (egress) every
   * endpoint address of `family` (true when it has none), whatever the peer's side: then no peer
   * can expose it while its plan stays. Its side reads its plan, profile and own address, and of
   * the peer only the address's features under the plan, so one member of each class of
   * localPeers stands for all, and the plan's own port probes are complete (decision 0206).
   * Memoised per endpoint and plan across the indexes sharing the memo (plans carry over between
   * states), and per plan, profile and own features.
   */
  private closed(e: Entity, direction: Direction, plan: RulePlan, family: 4 | 6): boolean {
    const memoKey = `${direction}|${family}`;
    let last = this.shared.closedOf.get(memoKey);
    if (!last) {
      const n = this.engine.world.entities.length;
      this.shared.closedOf.set(
        memoKey,
        (last = { plans: new Array<RulePlan | undefined>(n), closed: new Uint8Array(n) }),
      );
    }
    if (last.plans[e.id] === plan) return last.closed[e.id] === 1;
    const ownAddr = this.engine.endpointAddress(e, family);
    let result = true;
    if (ownAddr) {
      let byOwn = this.shared.closed.get(plan);
      if (!byOwn) this.shared.closed.set(plan, (byOwn = new Map<string, boolean>()));
      const key = `${memoKey}|${this.engine.profileAllows(e) ? 1 : 0}|${addressFeatures([planView(plan)], ownAddr)}`;
      const known = byOwn.get(key);
      if (known !== undefined) result = known;
      else {
        const probes = portProbes(this.rulesOfPlan(plan, direction), this.engine.world, true);
        for (const c of this.localPeers(plan, family).values()) {
          const peerAddr = this.engine.endpointAddress(c.members[0]!, family)!;
          const [src, dst] = direction === 'ingress' ? [peerAddr, ownAddr] : [ownAddr, peerAddr];
          if (this.sideVerdicts(e, direction, src, dst, probes)[probes.length] === 1) {
            result = false;
            break;
          }
        }
        byOwn.set(key, result);
      }
    }
    last.plans[e.id] = plan;
    last.closed[e.id] = result ? 1 : 0;
    return result;
  }

  /** The plan of the peers of a first split of an exposure partition (one plan: see peerSelf). */
  private splitPlan(partition: PeerPartition, split: number, peerDirection: Direction): RulePlan {
    let plans = this.splitPlans.get(partition);
    if (!plans) this.splitPlans.set(partition, (plans = []));
    return (plans[split] ??= this.engine.planFor(partition.representatives(split)[0]!, peerDirection));
  }

  /** The first splits of an exposure partition by unmarked key, fewest rules first (memoised). */
  private splitGroups(partition: PeerPartition, peerDirection: Direction): SplitGroup[] {
    let groups = this.splitOrder.get(partition);
    if (groups) return groups;
    const byKey = new Map<string, SplitGroup>();
    for (let split = 0; split < partition.splitCount; split++) {
      const key = partition.unmarkedKey(split);
      let g = byKey.get(key);
      if (!g) byKey.set(key, (g = { splits: [] }));
      g.splits.push({
        split,
        plan: this.splitPlan(partition, split, peerDirection),
      });
    }
    groups = [...byKey.values()];
    for (const g of groups) g.splits.sort((a, b) => a.plan.rules.length - b.plan.rules.length);
    this.splitOrder.set(partition, groups);
    return groups;
  }

  /**
   * One side's verdict (`entity` in `direction`) on each probe from `src` to `dst`, then whether
   * any allows (at index probes.length). Fills one packet instead of resolving a connection per
   * probe.
   */
  private sideVerdicts(
    entity: Entity,
    direction: Direction,
    src: ResolvedAddress,
    dst: ResolvedAddress,
    probes: readonly PortProbe[],
  ): Int8Array {
    const out = new Int8Array(probes.length + 1);
    const pkt = this.scratch;
    pkt.family = src.ip.family;
    pkt.src = src;
    pkt.dst = dst;
    for (let i = 0; i < probes.length; i++) {
      withPortProbe(pkt, probes[i]!);
      if (this.engine.allows(entity, direction, pkt)) out[i] = out[probes.length] = 1;
    }
    return out;
  }

  /**
   * Port probes for every rule of the world (memoised, and shared with the other indexes over the
   * same entities and policy definitions: a report's replayed states, whose definitions are the
   * same objects while their revisions are, decision 0206). Their order follows the policies',
   * which only orders the verdict arrays of one index.
   */
  private worldProbes(): PortProbe[] {
    if (this.allProbes) return this.allProbes;
    const ids = this.engine.policies.map((p) => {
      let id = definitionIds.get(p.definition);
      if (id === undefined) definitionIds.set(p.definition, (id = nextDefinitionId++));
      return id;
    });
    const key = ids.sort((a, b) => a - b).join(',');
    const known = worldProbeMemo.get(this.engine.world.entities);
    if (known?.key === key) return (this.allProbes = known.probes);
    const probes = portProbes(
      this.engine.policies.flatMap((p) => [...p.definition.ingress, ...p.definition.egress]),
      this.engine.world,
      true,
    );
    worldProbeMemo.set(this.engine.world.entities, { key, probes });
    return (this.allProbes = probes);
  }

  /**
   * Workload peers for exposure of endpoints with `plan`, grouped by what the verdict of a
   * connection with them can depend on: the peer's own plan (its rules, tiers, end of tier),
   * whether its profile allows, and its address's features under both plans (the endpoint's
   * rules see the peer's address, the peer's rules see its own). Two namespaces per class are
   * kept, so every endpoint finds a member outside its own namespace when there is one.
   */
  private exposurePeers(plan: RulePlan, direction: Direction, family: 4 | 6): ExposurePeers {
    let byFamily = this.exposureClasses.get(plan);
    if (!byFamily) this.exposureClasses.set(plan, (byFamily = new Map<4 | 6, ExposurePeers>()));
    let found = byFamily.get(family);
    if (found) return found;
    const peerDirection: Direction = direction === 'ingress' ? 'egress' : 'ingress';
    const partition = this.exposurePartition(peerDirection, family);
    const { marked, unmarked } = partition.refine(planView(plan));
    const bySeen = new Map<string, ExposureClass[]>();
    for (const c of marked) {
      const group = bySeen.get(c.key) ?? [];
      group.push({
        plan: this.splitPlan(partition, c.split, peerDirection),
        split: c.split,
        members: c.members,
      });
      bySeen.set(c.key, group);
    }
    // Peers whose plan has fewer rules first: they let more through, so an exposed endpoint
    // usually stops at the first classes.
    const rules = (c: ExposureClass) => c.plan.rules.length;
    const groups = [...bySeen.values()].map((g) => g.sort((a, b) => rules(a) - rules(b)));
    found = { partition, marked: groups.sort((a, b) => rules(a[0]!) - rules(b[0]!)), unmarked };
    byFamily.set(family, found);
    return found;
  }

  /**
   * Per endpoint, a key standing for its address's features under every peer plan of exposure
   * in `direction` (the merged view of the peers' plans, refined over the endpoint partition).
   */
  private seenByPeers(direction: Direction, family: 4 | 6): (e: Entity) => string | undefined {
    const key = `${direction}|${family}`;
    let keys = this.peerViewKeys.get(key);
    if (!keys) {
      const peerDirection: Direction = direction === 'ingress' ? 'egress' : 'ingress';
      const plans = new Set(
        this.exposurePartition(peerDirection, family)
          .classes(mergedView([]))
          .map((c) => this.engine.planFor(c.members[0]!, peerDirection)),
      );
      keys = this.localPartition(family).keys(mergedView([...plans].map(planView)));
      this.peerViewKeys.set(key, keys);
    }
    return keys;
  }

  /** Workload peers for exposure, split by what they make of themselves (peerSelf). */
  private exposurePartition(peerDirection: Direction, family: 4 | 6): PeerPartition {
    const key = `${peerDirection}|${family}`;
    let partition = this.partitions.get(key);
    if (partition) return partition;
    // Every workload peer: the same in every index sharing the memo (same entities).
    let sets = this.peers ? undefined : this.shared.exposureSets.get(family);
    if (!sets) {
      const peers: Entity[] = [];
      const addresses: ResolvedAddress[] = [];
      for (const peer of this.exposureCandidates()) {
        if (peer.kind !== 'wep') continue;
        const addr = this.engine.endpointAddress(peer, family);
        if (!addr) continue;
        peers.push(peer);
        addresses.push(addr);
      }
      sets = new PeerSets(peers, addresses, this.backends());
      if (!this.peers) this.shared.exposureSets.set(family, sets);
    }
    let selves = this.shared.peerSelves.get(key);
    if (!selves) {
      const n = this.engine.world.entities.length;
      this.shared.peerSelves.set(
        key,
        (selves = { plans: new Array<RulePlan | undefined>(n), ids: new Int32Array(n) }),
      );
    }
    const own = new Int32Array(sets.peers.length);
    for (let i = 0; i < own.length; i++) {
      const peer = sets.peers[i]!;
      const plan = this.engine.planFor(peer, peerDirection);
      if (selves.plans[peer.id] !== plan) {
        const addr = this.engine.endpointAddress(peer, family)!;
        selves.ids[peer.id] = this.peerSelf(peer, plan, addr);
        selves.plans[peer.id] = plan;
      }
      own[i] = selves.ids[peer.id]!;
    }
    partition = new PeerPartition(sets, own, true);
    this.partitions.set(key, partition);
    return partition;
  }

  /**
   * Every endpoint with an address of `family`, for localPeers and endpoint keys; shared by the
   * indexes of every engine over the same entities (successive policy states of a report).
   */
  private localPartition(family: 4 | 6): PeerPartition {
    let byFamily = localPartitions.get(this.engine.world.entities);
    if (!byFamily)
      localPartitions.set(this.engine.world.entities, (byFamily = new Map<4 | 6, PeerPartition>()));
    let partition = byFamily.get(family);
    if (partition) return partition;
    const peers = this.engine.world.endpoints.filter((e) => e.ips.some((ip) => ip.family === family));
    const addresses = peers.map((e) =>
      this.engine.addresses.resolveOwned(e.ips.find((ip) => ip.family === family)!),
    );
    partition = new PeerPartition(
      new PeerSets(peers, addresses, this.backends()),
      new Int32Array(peers.length),
      false,
    );
    byFamily.set(family, partition);
    return partition;
  }

  private backends(): Map<string, string> {
    return (this.backendKeys ??= backendKeys(this.engine.world));
  }

  /**
   * What a peer's own plan and profile make of it, the same for every endpoint it meets, as a
   * number (equal numbers, equal keys; shared by the indexes sharing the memo).
   */
  private peerSelf(peer: Entity, plan: RulePlan, addr: ResolvedAddress): number {
    const self = `${this.planId(plan)}|${this.engine.profileAllows(peer) ? 1 : 0}|${addressFeatures([planView(plan)], addr)}|`;
    let id = this.shared.selfIds.get(self);
    if (id === undefined) this.shared.selfIds.set(self, (id = this.shared.selfIds.size));
    return id;
  }

  /** The straightforward check: every peer grouped by its full signature. */
  private otherNamespacesOf(e: Entity, direction: Direction): boolean {
    const peerDirection: Direction = direction === 'ingress' ? 'egress' : 'ingress';
    const ownRules = this.rules(e, direction);
    const seen = new Set<string>();
    for (const peer of this.exposureCandidates()) {
      if (peer.kind !== 'wep' || peer.namespace === e.namespace) continue;
      const peerRules = this.rules(peer, peerDirection);
      const rules = [...ownRules, ...peerRules];
      for (const family of [4, 6] as const) {
        const peerIp = peer.ips.find((ip) => ip.family === family);
        const ownIp = e.ips.find((ip) => ip.family === family);
        if (!peerIp || !ownIp) continue;
        const key = peerSignature(this.engine, peer, peerDirection, family, rules);
        if (seen.has(key)) continue;
        seen.add(key);
        const peerEnd = { endpoint: peer.key, ip: formatIp(peerIp) };
        const ownEnd = { endpoint: e.key, ip: formatIp(ownIp) };
        const ends =
          direction === 'ingress'
            ? { source: peerEnd, destination: ownEnd }
            : { source: ownEnd, destination: peerEnd };
        const [src, dst] = direction === 'ingress' ? [peer, e] : [e, peer];
        for (const probe of portProbes(rules, this.engine.world)) {
          if (this.allowed(this.withProbe(ends, probe), src, dst)) return true;
        }
      }
    }
    return false;
  }

  /** Whether the internet can reach the endpoint (ingress) or it the internet (egress): exposure's flag alone. */
  internetExposure(endpointKey: string, direction: Direction): boolean {
    return this.internet(this.endpoint(endpointKey), direction);
  }

  /**
   * Whether some workload peer of another namespace (of `peers`, when given) can reach the
   * endpoint (ingress) or be reached by it (egress): exposure's other-namespace flag alone.
   */
  otherNamespaceExposure(endpointKey: string, direction: Direction): boolean {
    return this.otherNamespaces(this.endpoint(endpointKey), direction);
  }

  exposure(endpointKey: string): EndpointExposure {
    const cached = this.exposures.get(endpointKey);
    if (cached) return cached;
    const e = this.endpoint(endpointKey);
    const result: EndpointExposure = {
      endpoint: e.key,
      ingressProtected: this.appliedPolicies(e.key, 'ingress').length > 0,
      egressProtected: this.appliedPolicies(e.key, 'egress').length > 0,
      ingressFromInternet: this.internet(e, 'ingress'),
      egressToInternet: this.internet(e, 'egress'),
      ingressFromOtherNamespaces: this.otherNamespaces(e, 'ingress'),
      egressToOtherNamespaces: this.otherNamespaces(e, 'egress'),
    };
    this.exposures.set(endpointKey, result);
    return result;
  }

  /**
   * Palisade's protection (compliance reports, decision 0067): some enforced policy applies in
   * `direction` AND no connection in that direction is decided by the endpoint's profile (which a
   * Pass out of the last tier with applicable policies, or a tier whose end action is Pass, leads
   * to). Calico's reports only ask the first question. Evaluates the same representative
   * connections as exposure: one address per region that no rule or entity splits, one peer per
   * signature (same namespace included), one packet per piece of the rules' port ranges.
   */
  decidedByPolicy(endpointKey: string, direction: Direction): boolean {
    const key = `${endpointKey}\u0000${direction}`;
    const cached = this.decided.get(key);
    if (cached !== undefined) return cached;
    const e = this.endpoint(endpointKey);
    const result = this.appliedPolicies(e.key, direction).length > 0 && !this.reachesProfile(e, direction);
    this.decided.set(key, result);
    return result;
  }

  /** Probes for `e` in `direction` and `family`, shared across endpoints of the same plan. */
  private probesFor(e: Entity, direction: Direction, family: 4 | 6, rules: Rule[], withPeers: boolean) {
    const compute = () =>
      ({
        addresses: publicAddressProbes(rules, this.engine.world, family),
        ports: portProbes(rules, this.engine.world),
        peers: null,
      }) as PlanProbes;
    // Host endpoints have several dataplane stages; only workload endpoints share the cache.
    if (e.kind !== 'wep') {
      const p = compute();
      if (withPeers) p.peers = this.peerGroups(direction, family, rules);
      return p;
    }
    const plan = this.engine.planFor(e, direction);
    let byKey = this.planProbes.get(plan);
    if (!byKey) this.planProbes.set(plan, (byKey = new Map<string, PlanProbes>()));
    const key = `${direction}:${family}`;
    let p = byKey.get(key);
    if (!p) byKey.set(key, (p = compute()));
    if (withPeers && !p.peers) p.peers = this.peerGroups(direction, family, rules);
    return p;
  }

  /** Every endpoint with an address of `family`, grouped by peer signature, two per group. */
  private peerGroups(direction: Direction, family: 4 | 6, ownRules: Rule[]): Entity[][] {
    const peerDirection: Direction = direction === 'ingress' ? 'egress' : 'ingress';
    const groups = new Map<string, Entity[]>();
    for (const peer of this.engine.world.endpoints) {
      if (!peer.ips.some((ip) => ip.family === family)) continue;
      const signature = peerSignature(this.engine, peer, peerDirection, family, ownRules);
      const g = groups.get(signature);
      if (!g) groups.set(signature, [peer]);
      else if (g.length < 2) g.push(peer);
    }
    return [...groups.values()];
  }

  private reachesProfile(e: Entity, direction: Direction): boolean {
    if (this.exhaustive || e.kind !== 'wep') return this.reachesProfileOf(e, direction);
    const plan = this.engine.planFor(e, direction);
    if (!this.mayPassAll(e, direction)) return false;
    // The endpoint's own direction alone decides, so peers matter only through what its plan sees
    // of their address; the class of the endpoint itself counts only with another member.
    const features = ([4, 6] as const).map((family) => {
      const own = this.ownFeatures(e, family, [plan]);
      if (own === null) return '-';
      const mine = this.localPeers(plan, family).get(own);
      return `${own}${mine && mine.members.length < 2 ? '!' : ''}`;
    });
    const key = `p|${direction}|${this.planId(plan)}|${features.join('/')}`;
    let result = this.classResults.get(key);
    if (result !== undefined) return result;
    result = this.profileReachable(e, direction, plan);
    this.classResults.set(key, result);
    return result;
  }

  /** Peers of every kind grouped by their address features under `plan`, two per class. */
  private localPeers(plan: RulePlan, family: 4 | 6): Map<string, PeerClass> {
    let byFamily = this.localClasses.get(plan);
    if (!byFamily) this.localClasses.set(plan, (byFamily = new Map<4 | 6, Map<string, PeerClass>>()));
    let classes = byFamily.get(family);
    if (classes) return classes;
    classes = new Map();
    const view = [planView(plan)];
    const sharedKey = `${family}|${view[0]!.key}`;
    const known = this.shared.local.get(sharedKey);
    if (known) {
      const byKey = this.engine.world.endpointsByKey;
      for (const [features, members] of known)
        classes.set(features, { members: members.map((k) => byKey.get(k)!) });
      byFamily.set(family, classes);
      return classes;
    }
    // The partition's classes may be finer than the features: merge them by features.
    for (const part of this.localPartition(family).classes(view[0]!)) {
      const first = part.members[0]!;
      const addr = this.engine.addresses.resolveOwned(first.ips.find((ip) => ip.family === family)!);
      const key = addressFeatures(view, addr);
      const c = classes.get(key);
      if (!c) classes.set(key, { members: [...part.members] });
      else for (const m of part.members) if (c.members.length < 2) c.members.push(m);
    }
    byFamily.set(family, classes);
    this.shared.local.set(
      sharedKey,
      new Map([...classes].map(([features, c]) => [features, c.members.map((m) => m.key)])),
    );
    return classes;
  }

  private profileReachable(e: Entity, direction: Direction, plan: RulePlan): boolean {
    const probes = portProbes(this.rulesOfPlan(plan, direction), this.engine.world, true);
    const pkt = this.scratch;
    const byProfile = (other: ResolvedAddress, own: ResolvedAddress): boolean => {
      pkt.family = own.ip.family;
      [pkt.src, pkt.dst] = direction === 'ingress' ? [other, own] : [own, other];
      for (const p of probes) {
        withPortProbe(pkt, p);
        if (this.engine.fallsToProfile(e, direction, pkt)) return true;
      }
      return false;
    };
    for (const family of new Set(e.ips.map((ip) => ip.family))) {
      const own = this.engine.endpointAddress(e, family)!;
      for (const a of this.outsideAddresses(plan, direction, family))
        if (byProfile(this.outsideAddress(a, family), own)) return true;
      for (const c of this.localPeers(plan, family).values()) {
        const peer = c.members[0] !== e ? c.members[0] : c.members[1];
        const peerAddr = peer && this.engine.endpointAddress(peer, family);
        if (peerAddr && byProfile(peerAddr, own)) return true;
      }
    }
    return false;
  }

  /** Whether a packet can pass every tier with applicable policies (else it never reaches the profile). */
  private mayPassAll(e: Entity, direction: Direction): boolean {
    const stages = e.kind === 'hep' ? STAGES : (['normal'] as const);
    return stages.some((stage) =>
      this.engine
        .tierPlans(e, direction, false, stage)
        .every(
          (t) =>
            t.tier.defaultAction === 'Pass' ||
            t.policies.some((p) =>
              (direction === 'ingress' ? p.definition.ingress : p.definition.egress).some(
                (r) => r.action === 'Pass',
              ),
            ),
        ),
    );
  }

  /** The straightforward check. */
  private reachesProfileOf(e: Entity, direction: Direction): boolean {
    // A packet reaches the profile only by passing through every tier with applicable policies;
    // a tier with no Pass rule and a Deny end decides every packet itself. Most endpoints stop
    // here, exactly and without probes.
    const stages = e.kind === 'hep' ? STAGES : (['normal'] as const);
    const mayPassAll = stages.some((stage) =>
      this.engine
        .tierPlans(e, direction, false, stage)
        .every(
          (t) =>
            t.tier.defaultAction === 'Pass' ||
            t.policies.some((p) =>
              (direction === 'ingress' ? p.definition.ingress : p.definition.egress).some(
                (r) => r.action === 'Pass',
              ),
            ),
        ),
    );
    if (!mayPassAll) return false;
    const ownRules = this.rules(e, direction);
    const byProfile = (conn: Connection): boolean => {
      const { pkt } = this.engine.packet(conn);
      const trace = this.engine.evaluateDirection(e, direction, pkt).trace;
      const last = trace[trace.length - 1];
      return last !== undefined && last.split('|')[1] === PROFILE_TIER;
    };
    const own = (ip: string) => ({ endpoint: e.key, ip });
    for (const family of new Set(e.ips.map((ip) => ip.family))) {
      const ownIp = formatIp(e.ips.find((ip) => ip.family === family)!);
      const { addresses, ports, peers } = this.probesFor(e, direction, family, ownRules, true);
      for (const a of addresses) {
        const other = { ip: formatIp(fromBigInt(a, family)) };
        const ends =
          direction === 'ingress'
            ? { source: other, destination: own(ownIp) }
            : { source: own(ownIp), destination: other };
        for (const probe of ports) if (byProfile(this.withProbe(ends, probe))) return true;
      }
      for (const group of peers ?? []) {
        const peer = group[0] !== e ? group[0] : group[1];
        const peerIp = peer?.ips.find((ip) => ip.family === family);
        if (!peer || !peerIp) continue;
        const other = { endpoint: peer.key, ip: formatIp(peerIp) };
        const ends =
          direction === 'ingress'
            ? { source: other, destination: own(ownIp) }
            : { source: own(ownIp), destination: other };
        for (const probe of ports) if (byProfile(this.withProbe(ends, probe))) return true;
      }
    }
    return false;
  }

  /** Every endpoint's exposure, in world order. */
  report(): EndpointExposure[] {
    return this.engine.world.endpoints.map((e) => this.exposure(e.key));
  }
}
