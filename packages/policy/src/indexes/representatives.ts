// Representative packets for "can anything of this kind get through?" questions. Every criterion
// of a rule is an interval test (CIDRs, port ranges), an exact match (protocol, ICMP type/code,
// named ports, service backends, endpoint addresses) or a selector over the entities owning an
// address (decided by the same intervals and exact addresses). Cutting each dimension at every
// boundary the rules and the world mention and taking one value per piece therefore covers every
// distinct verdict, without enumerating addresses or ports.

import type { Rule } from '../resources/types.js';
import { parseCidr } from '../engine/ip.js';
import { parsePortEntry } from '../engine/ports.js';
import { protocolNumber } from '../engine/protocols.js';
import type { Entity, World } from '../engine/world.js';
import { cidrRange, notPublicBoundaries, regionStarts, toBigInt } from './address-space.js';

export interface PortProbe {
  protocol: number;
  port?: number;
  sourcePort?: number;
  icmpType?: number;
  icmpCode?: number;
}

const PORT_PROTOCOLS = new Set([6, 17, 132, 136]);
const ICMP_PROTOCOLS = new Set([1, 58]);

function firstUnused(used: ReadonlySet<number>, from: number, to: number): number | undefined {
  for (let n = from; n <= to; n++) if (!used.has(n)) return n;
  return undefined;
}

function portStarts(
  rules: readonly Rule[],
  side: 'source' | 'destination',
  extra: Iterable<number>,
): number[] {
  const bounds = new Set<bigint>([1n, ...[...extra].flatMap((p) => [BigInt(p), BigInt(p + 1)])]);
  for (const r of rules) {
    for (const p of [...(r[side]?.ports ?? []), ...(r[side]?.notPorts ?? [])]) {
      const e = parsePortEntry(p);
      if (e && 'range' in e) bounds.add(BigInt(e.range[0])).add(BigInt(e.range[1] + 1));
    }
  }
  return regionStarts(bounds, 65535n)
    .filter((b) => b >= 1n)
    .map(Number);
}

const namedPortNumbers = new WeakMap<readonly Entity[], number[]>();

/**
 * Every port number a named port of the world stands for, memoised per entities: the worlds of
 * a report's policy states share them (withPolicies), so it is computed once per report.
 */
function worldNamedPorts(world: World): number[] {
  let ports = namedPortNumbers.get(world.entities);
  if (!ports) {
    ports = [...new Set(world.entities.flatMap((e) => e.namedPorts.map((p) => p.port)))];
    namedPortNumbers.set(world.entities, ports);
  }
  return ports;
}

function namesPorts(rules: readonly Rule[], side: 'source' | 'destination'): boolean {
  return rules.some((r) =>
    [...(r[side]?.ports ?? []), ...(r[side]?.notPorts ?? [])].some((p) => {
      const e = parsePortEntry(p);
      return e !== undefined && 'name' in e;
    }),
  );
}

/**
 * Protocol / port / ICMP combinations that together meet every distinction `rules` make. With
 * `tight`, a side's ports are cut at the world's named-port numbers only when some rule names a
 * port on that side (a port is read only by the ranges and names of its own side), which leaves
 * one source port instead of several when no rule looks at source ports; destination ports are
 * cut at Service backend ports when some rule matches a Service.
 */
export function portProbes(rules: readonly Rule[], world: World, tight = false): PortProbe[] {
  const protocols = new Set<number>([6, 17]);
  const icmpTypes = new Set<number>();
  const icmpCodes = new Set<number>();
  for (const r of rules) {
    for (const p of [r.protocol, r.notProtocol]) {
      const n = p === undefined ? undefined : protocolNumber(p);
      if (n !== undefined) protocols.add(n);
    }
    for (const f of [r.icmp, r.notICMP]) {
      if (f?.type !== undefined) icmpTypes.add(f.type);
      if (f?.code !== undefined) icmpCodes.add(f.code);
    }
    // An ICMP criterion without a protocol still tells ICMP packets apart (decision 0195: before,
    // only a rule naming the protocol made ICMP packets probed, and such an Allow was missed).
    if (r.icmp || r.notICMP) protocols.add(1).add(58);
  }
  const other = firstUnused(protocols, 2, 255);
  if (other !== undefined) protocols.add(other);
  // A rule that reads ports without naming a protocol (only `notProtocol`, or none) matches a
  // port-carrying protocol no rule names differently from `other`, which carries no ports: probe one.
  const readsPortsUnnamed = rules.some(
    (r) =>
      r.protocol === undefined &&
      [r.source, r.destination].some(
        (side) => (side?.ports?.length ?? 0) + (side?.notPorts?.length ?? 0) > 0,
      ),
  );
  const otherWithPorts = [...PORT_PROTOCOLS].find((p) => !protocols.has(p));
  if (readsPortsUnnamed && otherWithPorts !== undefined) protocols.add(otherWithPorts);
  const namedPorts = worldNamedPorts(world);
  // A Service criterion matches its backends' ports: they cut the destination ports too (before
  // decision 0150 they did not, and a Service-only Allow was missed unless a named port happened to
  // share the backend's number).
  const servicePorts = rules.some((r) => r.source?.services || r.destination?.services)
    ? [...world.services.values()].flat().map((b) => b.port)
    : [];
  const dstPorts = portStarts(rules, 'destination', [
    ...(!tight || namesPorts(rules, 'destination') ? namedPorts : []),
    ...servicePorts,
  ]);
  const srcPorts = portStarts(rules, 'source', !tight || namesPorts(rules, 'source') ? namedPorts : []);
  const types = [...icmpTypes, firstUnused(icmpTypes, 0, 255)!];
  const codes = [...icmpCodes, firstUnused(icmpCodes, 0, 255)!];
  const probes: PortProbe[] = [];
  for (const protocol of protocols) {
    if (PORT_PROTOCOLS.has(protocol)) {
      for (const port of dstPorts)
        for (const sourcePort of srcPorts) probes.push({ protocol, port, sourcePort });
    } else if (ICMP_PROTOCOLS.has(protocol)) {
      for (const icmpType of types)
        for (const icmpCode of codes) probes.push({ protocol, icmpType, icmpCode });
    } else probes.push({ protocol });
  }
  return probes;
}

/**
 * One public address per region of the family that no CIDR of `rules`, network set, service
 * backend or endpoint address splits — minus addresses owned by an endpoint (those are not "the
 * internet").
 */
export function publicAddressProbes(rules: readonly Rule[], world: World, family: 4 | 6): bigint[] {
  const bounds: bigint[] = notPublicBoundaries(family);
  const addCidr = (text: string): void => {
    const c = parseCidr(text);
    if (c?.family !== family) return;
    const [lo, hi] = cidrRange(c);
    bounds.push(lo, hi + 1n);
  };
  for (const r of rules) {
    for (const side of [r.source, r.destination])
      for (const t of [...(side?.nets ?? []), ...(side?.notNets ?? [])]) addCidr(t);
  }
  for (const e of world.entities)
    for (const c of e.nets)
      if (c.family === family) bounds.push(...cidrRange(c).map((v, i) => v + BigInt(i)));
  const owned = new Set<bigint>();
  const exact = [
    ...world.entities.flatMap((e) => e.ips),
    ...[...world.services.values()].flat().map((b) => b.ip),
  ];
  for (const ip of exact) {
    if (ip.family !== family) continue;
    const v = toBigInt(ip);
    bounds.push(v, v + 1n);
  }
  for (const e of world.endpoints) for (const ip of e.ips) if (ip.family === family) owned.add(toBigInt(ip));
  const max = family === 4 ? (1n << 32n) - 1n : (1n << 128n) - 1n;
  return regionStarts(bounds, max).filter((v) => !owned.has(v));
}

interface AddressBase {
  /** Boundaries every plan shares: non-public ranges, network sets, service backends. */
  bounds: bigint[];
  /** Endpoint addresses, sorted, and for each the last address of its run of consecutive ones. */
  owned: bigint[];
  runEnd: bigint[];
}

/**
 * By entities: worlds sharing them (withPolicies: a report's policy states) share their endpoints
 * and Services too, all an address base reads, so it is computed once per report (decision 0206).
 */
const bases = new WeakMap<readonly Entity[], Map<4 | 6, AddressBase>>();

function addressBase(world: World, family: 4 | 6): AddressBase {
  let byFamily = bases.get(world.entities);
  if (!byFamily) bases.set(world.entities, (byFamily = new Map<4 | 6, AddressBase>()));
  let base = byFamily.get(family);
  if (base) return base;
  const bounds: bigint[] = notPublicBoundaries(family);
  for (const e of world.entities)
    for (const c of e.nets)
      if (c.family === family) bounds.push(...cidrRange(c).map((v, i) => v + BigInt(i)));
  for (const b of [...world.services.values()].flat()) {
    if (b.ip.family !== family) continue;
    const v = toBigInt(b.ip);
    bounds.push(v, v + 1n);
  }
  const owned = [
    ...new Set(world.endpoints.flatMap((e) => e.ips.filter((ip) => ip.family === family).map(toBigInt))),
  ].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const runEnd = new Array<bigint>(owned.length);
  for (let i = owned.length - 1; i >= 0; i--)
    runEnd[i] = i + 1 < owned.length && owned[i + 1] === owned[i]! + 1n ? runEnd[i + 1]! : owned[i]!;
  base = { bounds, owned, runEnd };
  byFamily.set(family, base);
  return base;
}

/** The first address in [lo, hi] that no endpoint owns, or undefined. */
function firstNotOwned(base: AddressBase, lo: bigint, hi: bigint): bigint | undefined {
  let a = 0;
  let b = base.owned.length;
  while (a < b) {
    const mid = (a + b) >>> 1;
    if (base.owned[mid]! < lo) a = mid + 1;
    else b = mid;
  }
  const v = a < base.owned.length && base.owned[a] === lo ? base.runEnd[a]! + 1n : lo;
  return v <= hi ? v : undefined;
}

/**
 * Like publicAddressProbes, without cutting the address space at every endpoint address: one
 * address no endpoint owns per region that no CIDR of `rules`, network set or service backend
 * splits. Every address such a region holds and no endpoint owns resolves to the same owners
 * (the network sets containing it), lies in the same CIDRs and backs no Service, so one of them
 * stands for all; the regions are few (they do not grow with the fleet) and shared bounds are
 * computed once per world.
 */
export function outsideAddressProbes(rules: readonly Rule[], world: World, family: 4 | 6): bigint[] {
  const base = addressBase(world, family);
  const bounds = [...base.bounds];
  for (const r of rules) {
    for (const side of [r.source, r.destination])
      for (const t of [...(side?.nets ?? []), ...(side?.notNets ?? [])]) {
        const c = parseCidr(t);
        if (c?.family !== family) continue;
        const [lo, hi] = cidrRange(c);
        bounds.push(lo, hi + 1n);
      }
  }
  const max = family === 4 ? (1n << 32n) - 1n : (1n << 128n) - 1n;
  const starts = regionStarts(bounds, max);
  const out: bigint[] = [];
  for (let i = 0; i < starts.length; i++) {
    const hi = i + 1 < starts.length ? starts[i + 1]! - 1n : max;
    const v = firstNotOwned(base, starts[i]!, hi);
    if (v !== undefined) out.push(v);
  }
  return out;
}
