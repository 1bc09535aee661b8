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
import type { Packet, ResolvedAddress } from './packet.js';
import type { PolicyStage } from './policy-definition.js';
import { protocolNumber } from './protocols.js';
import { ruleMatches } from './rule-match.js';
import { SelectorTable } from './selector-table.js';
import type { TierInfo } from './tiers.js';
import type { Entity, World } from './world.js';

export type Direction = 'ingress' | 'egress';

export interface TierPlan {
  readonly tier: TierInfo;
  readonly policies: readonly CompiledPolicy[];
  /** Attributed to the last applicable policy of the tier (dataplane behaviour, §6.10). */
  readonly endOfTier: Hit;
}

const STAGES: readonly PolicyStage[] = ['normal', 'preDNAT', 'doNotTrack'];
const ALLOW = true;
const DENY = false;

export class PolicyEngine {
  readonly policies: readonly CompiledPolicy[];
  readonly addresses: AddressIndex;
  readonly hasStaged: boolean;
  private readonly plans: (TierPlan[] | undefined)[][];
  private readonly profileHits = new Map<string, Hit>();
  private readonly hits: Hit[] = [];

  constructor(readonly world: World) {
    this.policies = compilePolicies(world, new SelectorTable(world.entities.length));
    this.addresses = new AddressIndex(world);
    this.hasStaged = world.hasStaged;
    this.plans = world.entities.map(() => []);
  }

  /** Tiers (in order) with at least one policy applying to `endpoint` in `direction`. */
  tierPlans(
    endpoint: Entity,
    direction: Direction,
    pending: boolean,
    stage: PolicyStage = 'normal',
  ): readonly TierPlan[] {
    const slot = (direction === 'ingress' ? 0 : 1) + (pending ? 2 : 0) + STAGES.indexOf(stage) * 4;
    const perEndpoint = this.plans[endpoint.id]!;
    let plan = perEndpoint[slot];
    if (!plan) perEndpoint[slot] = plan = this.buildPlan(endpoint, direction, pending, stage);
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
  private walkTiers(
    plans: readonly TierPlan[],
    direction: Direction,
    pkt: Packet,
    early: boolean,
  ): boolean | null {
    const hits = this.hits;
    tiers: for (let t = 0; t < plans.length; t++) {
      const plan = plans[t]!;
      const policies = plan.policies;
      for (let p = 0; p < policies.length; p++) {
        const policy = policies[p]!;
        const rules = direction === 'ingress' ? policy.ingress! : policy.egress!;
        for (let r = 0; r < rules.length; r++) {
          const rule = rules[r]!;
          if (!ruleMatches(rule, pkt)) continue;
          switch (rule.action) {
            case 'Allow':
              hits.push((direction === 'ingress' ? policy.ingressHits : policy.egressHits)[r]!);
              return early ? null : ALLOW;
            case 'Deny':
              hits.push((direction === 'ingress' ? policy.ingressHits : policy.egressHits)[r]!);
              return DENY;
            case 'Pass':
              hits.push((direction === 'ingress' ? policy.ingressHits : policy.egressHits)[r]!);
              continue tiers;
            default:
              break;
          }
        }
      }
      if (early) continue;
      hits.push(plan.endOfTier);
      if (plan.tier.defaultAction !== 'Pass') return DENY;
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
      const early: PolicyStage[] = direction === 'ingress' ? ['doNotTrack', 'preDNAT'] : ['doNotTrack'];
      for (const stage of early) {
        if (
          this.walkTiers(this.tierPlans(endpoint, direction, pending, stage), direction, pkt, true) === DENY
        )
          return DENY;
      }
    }
    const tiered = this.walkTiers(this.tierPlans(endpoint, direction, pending), direction, pkt, false);
    if (tiered !== null) return tiered;
    const profiles = endpoint.profiles;
    for (let i = 0; i < profiles.length; i++) {
      const name = profiles[i]!;
      if (this.world.profiles.get(name)?.allowAll) {
        this.hits.push(this.profileHit(name));
        return ALLOW;
      }
    }
    this.hits.push(NO_PROFILE_MATCH_HIT);
    return DENY;
  }

  evaluateDirection(endpoint: Entity, direction: Direction, pkt: Packet, pending = false): DirectionVerdict {
    this.hits.length = 0;
    const allowed = this.decide(endpoint, direction, pkt, pending);
    const hits = this.hits;
    const trace = new Array<string>(hits.length);
    for (let i = 0; i < hits.length; i++) trace[i] = hits[i]!.at(i);
    return { action: allowed ? 'allow' : 'deny', trace };
  }

  /** The action alone, without building a trace (used by the indexes). */
  allows(endpoint: Entity, direction: Direction, pkt: Packet, pending = false): boolean {
    this.hits.length = 0;
    return this.decide(endpoint, direction, pkt, pending);
  }

  endpoint(key: string, path: string): Entity {
    const e = this.world.endpointsByKey.get(key);
    if (!e) throw new ConnectionError(path, `unknown endpoint "${key}"`);
    return e;
  }

  private address(
    peer: Peer,
    endpoint: Entity | undefined,
    family: 4 | 6 | undefined,
    path: string,
  ): ResolvedAddress {
    if (peer.ip !== undefined) {
      const r = this.addresses.resolve(peer.ip);
      if (!r) throw new ConnectionError(`${path}.ip`, `invalid IP address "${peer.ip}"`);
      return r;
    }
    const ip = endpoint!.ips.find((a) => family === undefined || a.family === family);
    if (!ip) throw new ConnectionError(`${path}.endpoint`, `endpoint has no IPv${family ?? 4} address`);
    return this.addresses.resolveIp(ip);
  }

  /** Resolves a connection into a packet plus the endpoints on each side. */
  packet(conn: Connection): { pkt: Packet; src: Entity | undefined; dst: Entity | undefined } {
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
    const explicit = conn.source.ip ?? conn.destination.ip;
    let family: 4 | 6 | undefined = explicit === undefined ? undefined : explicit.includes(':') ? 6 : 4;
    if (family === undefined) {
      const both = (f: 4 | 6): boolean =>
        src!.ips.some((a) => a.family === f) && dst!.ips.some((a) => a.family === f);
      family = both(4) ? 4 : both(6) ? 6 : 4;
    }
    const protocol = protocolNumber(conn.protocol);
    if (protocol === undefined) throw new ConnectionError('protocol', `unknown protocol "${conn.protocol}"`);
    const srcAddr = this.address(conn.source, src, family, 'source');
    const dstAddr = this.address(conn.destination, dst, family, 'destination');
    if (srcAddr.ip.family !== dstAddr.ip.family)
      throw new ConnectionError('destination', 'address family differs from source');
    return {
      src,
      dst,
      pkt: {
        family: srcAddr.ip.family,
        protocol,
        srcPort: conn.sourcePort ?? -1,
        dstPort: conn.port ?? -1,
        icmpType: conn.icmpType ?? -1,
        icmpCode: conn.icmpCode ?? -1,
        src: srcAddr,
        dst: dstAddr,
      },
    };
  }

  evaluate(conn: Connection): ConnectionVerdict {
    const { pkt, src, dst } = this.packet(conn);
    const run = (pending: boolean) => {
      const egress = src ? this.evaluateDirection(src, 'egress', pkt, pending) : null;
      const ingress = dst ? this.evaluateDirection(dst, 'ingress', pkt, pending) : null;
      const action: Verdict = egress?.action !== 'deny' && ingress?.action !== 'deny' ? 'allow' : 'deny';
      return { action, egress, ingress };
    };
    const enforced = run(false);
    return this.hasStaged ? { ...enforced, pending: run(true) } : enforced;
  }
}
