// Whether one compiled rule matches a packet (calico-semantics §3.4): every present criterion must
// hold; lists are OR-ed within themselves. Cheap scalar checks run first; nothing allocates.

import type { CompiledRule, CompiledSide } from './compiled-rule.js';
import type { Packet, ResolvedAddress } from './packet.js';
import { portInRanges, type PortList } from './ports.js';
import type { SelectorSlot } from './selector-table.js';

function namedPortMatch(
  names: readonly string[],
  selector: SelectorSlot | null,
  addr: ResolvedAddress,
  protocol: number,
  port: number,
): boolean {
  const entities = addr.entities;
  for (let i = 0; i < entities.length; i++) {
    const e = entities[i]!;
    const ports = e.namedPorts;
    if (ports.length === 0 || (selector !== null && !selector.matches(e))) continue;
    for (let j = 0; j < ports.length; j++) {
      const np = ports[j]!;
      if (np.protocol === protocol && np.port === port && names.includes(np.name)) return true;
    }
  }
  return false;
}

function portMatch(
  list: PortList,
  side: CompiledSide,
  addr: ResolvedAddress,
  protocol: number,
  port: number,
): boolean {
  if (port < 0) return false;
  if (portInRanges(list, port)) return true;
  return list.names.length > 0 && namedPortMatch(list.names, side.selector, addr, protocol, port);
}

function serviceMatch(side: CompiledSide, pkt: Packet, isDestination: boolean): boolean {
  const backends = side.service!;
  const addr = isDestination ? pkt.dst.ip : pkt.src.ip;
  for (let i = 0; i < backends.length; i++) {
    const b = backends[i]!;
    const ip = b.ip;
    if (
      ip.family !== addr.family ||
      ip.w3 !== addr.w3 ||
      ip.w2 !== addr.w2 ||
      ip.w1 !== addr.w1 ||
      ip.w0 !== addr.w0
    )
      continue;
    if (!isDestination) return true;
    if (b.port === pkt.dstPort && b.protocol === pkt.protocol) return true;
  }
  return false;
}

function sideMatches(side: CompiledSide, pkt: Packet, isDestination: boolean): boolean {
  const addr = isDestination ? pkt.dst : pkt.src;
  const port = isDestination ? pkt.dstPort : pkt.srcPort;
  if (side.ports !== null && !portMatch(side.ports, side, addr, pkt.protocol, port)) return false;
  if (side.notPorts !== null && portMatch(side.notPorts, side, addr, pkt.protocol, port)) return false;
  if (side.nets !== null && !side.nets.contains(addr.ip)) return false;
  if (side.notNets !== null && side.notNets.contains(addr.ip)) return false;
  if (side.selector !== null && !side.selector.matchesAny(addr)) return false;
  if (side.notSelector !== null && side.notSelector.matchesAny(addr)) return false;
  if (side.service !== null && !serviceMatch(side, pkt, isDestination)) return false;
  return true;
}

function icmpMatch(type: number, code: number, pkt: Packet): boolean {
  return pkt.icmpType === type && (code < 0 || pkt.icmpCode === code);
}

export function ruleMatches(rule: CompiledRule, pkt: Packet): boolean {
  if (pkt.family === 4 ? rule.skipV4 : rule.skipV6) return false;
  if (rule.ipVersion !== 0 && rule.ipVersion !== pkt.family) return false;
  if (rule.protocol !== 0 && rule.protocol !== pkt.protocol) return false;
  if (rule.notProtocol !== 0 && rule.notProtocol === pkt.protocol) return false;
  if (rule.icmpType >= 0 && !icmpMatch(rule.icmpType, rule.icmpCode, pkt)) return false;
  if (rule.notIcmpType >= 0 && icmpMatch(rule.notIcmpType, rule.notIcmpCode, pkt)) return false;
  if (rule.destination !== null && !sideMatches(rule.destination, pkt, true)) return false;
  return rule.source === null || sideMatches(rule.source, pkt, false);
}
