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
import { portProbes, publicAddressProbes, type PortProbe } from './representatives.js';
import { peerSignature } from './peer-signature.js';

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

  constructor(private readonly engine: PolicyEngine) {}

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
    const peerDirection: Direction = direction === 'ingress' ? 'egress' : 'ingress';
    const ownRules = this.rules(e, direction);
    const seen = new Set<string>();
    for (const peer of this.engine.world.endpoints) {
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
