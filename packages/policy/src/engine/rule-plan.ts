// One endpoint's applicable policies for one direction and stage, flattened into a single rule
// array with tier boundaries, plus lazily built candidate lists per (protocol, destination-port
// segment): rules that cannot match a packet's protocol or numeric destination ports, and Log
// rules (never decisive), are left out, so a verdict only tests rules that might decide it.
// Plans are shared by every endpoint with the same policy list.

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

  constructor(
    readonly tiers: readonly TierPlan[],
    ingress: boolean,
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
      if (!ports || ports.names.length > 0) continue;
      for (let i = 0; i < ports.ranges.length; i += 2)
        bounds.add(ports.ranges[i]!).add(ports.ranges[i + 1]! + 1);
    }
    this.bounds = Int32Array.from([...bounds].sort((a, b) => a - b));
  }

  /** The rules worth testing for a packet with this protocol and destination port (-1: none). */
  candidates(protocol: number, port: number): Candidates {
    let protoClass = this.protocols.indexOf(protocol);
    if (protoClass < 0) protoClass = this.protocols.length;
    const segment = port < 0 ? NO_PORT_SEGMENT : this.segmentOf(port);
    const key = protoClass * (this.bounds.length + 2) + segment + 1;
    return (this.cache[key] ??= this.build(protoClass < this.protocols.length ? protocol : -2, segment));
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
    if (!ports || ports.names.length > 0) return true;
    if (segment === NO_PORT_SEGMENT) return false;
    const start = segment === 0 ? 0 : this.bounds[segment - 1]!;
    for (let i = 0; i < ports.ranges.length; i += 2) {
      if (start >= ports.ranges[i]! && start <= ports.ranges[i + 1]!) return true;
    }
    return false;
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
