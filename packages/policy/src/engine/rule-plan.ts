// One endpoint's applicable policies for one direction and stage, flattened into a single rule
// array with tier boundaries, plus lazily built candidate lists per (protocol, destination-port
// segment): rules that cannot match a packet's protocol or destination ports (numeric ranges, or
// the port numbers the world's named ports of those names have), and Log rules (never decisive),
// are left out, so a verdict only tests rules that might decide it. Plans are shared by every
// endpoint with the same policy list.

import type { CompiledPolicy } from './compiled-policy.js';
import type { CompiledRule } from './compiled-rule.js';
import type { Hit } from './hit.js';
import type { TierInfo } from './tiers.js';

export interface TierPlan {
  readonly tier: TierInfo;
  readonly policies: readonly CompiledPolicy[];
  /** Attributed to the last applicable policy of the tier (dataplane behaviour, §6.10). */
  readonly endOfTier: Hit;
}

export interface Candidates {
  /** Flattened rule indices to test, in evaluation order. */
  readonly rules: Int32Array;
  /** For each tier, the end offset of its candidates in `rules`. */
  readonly tierEnds: Int32Array;
}

const NO_PORT_SEGMENT = -1;

export class RulePlan {
  readonly rules: readonly CompiledRule[];
  readonly hits: readonly (Hit | undefined)[];
  /** For each tier, the end offset of its rules in `rules`. */
  readonly tierEnds: Int32Array;
  readonly endOfTier: readonly Hit[];
  readonly passAtEnd: Uint8Array;
  private readonly protocols: readonly number[];
  private readonly bounds: Int32Array;
  private readonly cache: (Candidates | undefined)[] = [];
  private readonly sameAs: (boolean | undefined)[] = [];

  constructor(
    readonly tiers: readonly TierPlan[],
    ingress: boolean,
    private readonly namedPortNumbers: ReadonlyMap<string, readonly number[]>,
  ) {
    const rules: CompiledRule[] = [];
    const hits: (Hit | undefined)[] = [];
    const tierEnds: number[] = [];
    for (const t of tiers) {
      for (const p of t.policies) {
        const list = (ingress ? p.ingress : p.egress) ?? [];
        const listHits = ingress ? p.ingressHits : p.egressHits;
        list.forEach((r, i) => {
          rules.push(r);
          hits.push(listHits[i]);
        });
      }
      tierEnds.push(rules.length);
    }
    this.rules = rules;
    this.hits = hits;
    this.tierEnds = Int32Array.from(tierEnds);
    this.endOfTier = tiers.map((t) => t.endOfTier);
    this.passAtEnd = Uint8Array.from(tiers.map((t) => (t.tier.defaultAction === 'Pass' ? 1 : 0)));
    this.protocols = [...new Set(rules.map((r) => r.protocol).filter((p) => p > 0))];
    const bounds = new Set<number>();
    for (const r of rules) {
      const ports = r.destination?.ports;
      if (!ports) continue;
      for (let i = 0; i < ports.ranges.length; i += 2)
        bounds.add(ports.ranges[i]!).add(ports.ranges[i + 1]! + 1);
      for (const name of ports.names)
        for (const n of namedPortNumbers.get(name) ?? []) bounds.add(n).add(n + 1);
    }
    this.bounds = Int32Array.from([...bounds].sort((a, b) => a - b));
  }

  private key(protocol: number, port: number): number {
    let protoClass = this.protocols.indexOf(protocol);
    if (protoClass < 0) protoClass = this.protocols.length;
    const segment = port < 0 ? NO_PORT_SEGMENT : this.segmentOf(port);
    return protoClass * (this.bounds.length + 2) + segment + 1;
  }

  /** The rules worth testing for a packet with this protocol and destination port (-1: none). */
  candidates(protocol: number, port: number): Candidates {
    const key = this.key(protocol, port);
    let c = this.cache[key];
    if (!c) {
      const known = this.protocols.includes(protocol);
      this.cache[key] = c = this.build(
        known ? protocol : -2,
        port < 0 ? NO_PORT_SEGMENT : this.segmentOf(port),
      );
    }
    return c;
  }

  /**
   * Whether walking this plan and `other` for such a packet tests the same rules in the same tiers
   * with the same end-of-tier outcomes — then their verdicts are equal. Used to skip a pending
   * evaluation when the staged policies cannot take part for this protocol and port.
   */
  walksLike(other: RulePlan, protocol: number, port: number): boolean {
    const key = this.key(protocol, port);
    let same = this.sameAs[key];
    if (same === undefined) this.sameAs[key] = same = this.compareWalk(other, protocol, port);
    return same;
  }

  private compareWalk(other: RulePlan, protocol: number, port: number): boolean {
    if (this.tiers.length !== other.tiers.length) return false;
    for (let t = 0; t < this.tiers.length; t++) {
      if (this.endOfTier[t] !== other.endOfTier[t] || this.passAtEnd[t] !== other.passAtEnd[t]) return false;
    }
    const mine = this.candidates(protocol, port);
    const theirs = other.candidates(protocol, port);
    if (mine.rules.length !== theirs.rules.length) return false;
    for (let t = 0; t < mine.tierEnds.length; t++) if (mine.tierEnds[t] !== theirs.tierEnds[t]) return false;
    for (let c = 0; c < mine.rules.length; c++) {
      if (this.rules[mine.rules[c]!] !== other.rules[theirs.rules[c]!]) return false;
    }
    return true;
  }

  private segmentOf(port: number): number {
    const b = this.bounds;
    let lo = 0;
    let hi = b.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (b[mid]! <= port) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private mayMatch(rule: CompiledRule, protocol: number, segment: number): boolean {
    if (rule.action === 'Log') return false;
    if (rule.protocol !== 0 && rule.protocol !== protocol) return false;
    const ports = rule.destination?.ports;
    if (!ports) return true;
    if (segment === NO_PORT_SEGMENT) return false;
    const start = segment === 0 ? 0 : this.bounds[segment - 1]!;
    for (let i = 0; i < ports.ranges.length; i += 2) {
      if (start >= ports.ranges[i]! && start <= ports.ranges[i + 1]!) return true;
    }
    return ports.names.some((name) => this.namedPortNumbers.get(name)?.includes(start));
  }

  private build(protocol: number, segment: number): Candidates {
    const picked: number[] = [];
    const tierEnds: number[] = [];
    let start = 0;
    for (const end of this.tierEnds) {
      for (let i = start; i < end; i++) if (this.mayMatch(this.rules[i]!, protocol, segment)) picked.push(i);
      tierEnds.push(picked.length);
      start = end;
    }
    return { rules: Int32Array.from(picked), tierEnds: Int32Array.from(tierEnds) };
  }
}
