// Everything the verdict of a connection with a given peer endpoint can depend on, as a string:
// two peers with the same signature get the same verdicts against the same endpoint, so the
// reachability index evaluates one of them. Kept deliberately conservative (over-distinguishes).

import type { PolicyEngine, Direction } from '../engine/engine.js';
import { cidrContains, parseCidr } from '../engine/ip.js';
import type { Entity } from '../engine/world.js';
import type { Rule } from '../resources/types.js';

function labelsKey(e: Entity): string {
  return JSON.stringify([e.kind, [...e.labels.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))]);
}

export function peerSignature(
  engine: PolicyEngine,
  peer: Entity,
  peerDirection: Direction,
  family: 4 | 6,
  rules: readonly Rule[],
): string {
  const ip = peer.ips.find((a) => a.family === family)!;
  const owners = engine.addresses.resolveIp(ip).entities;
  const cidrs = [
    ...new Set(
      rules.flatMap((r) =>
        [r.source, r.destination].flatMap((s) => [...(s?.nets ?? []), ...(s?.notNets ?? [])]),
      ),
    ),
  ];
  const membership = cidrs.map((c) => {
    const parsed = parseCidr(c);
    return parsed && cidrContains(parsed, ip) ? '1' : '0';
  });
  const services = [...engine.world.services.entries()].map(([key, backends]) => [
    key,
    backends
      .filter(
        (b) =>
          b.ip.family === ip.family &&
          b.ip.w0 === ip.w0 &&
          b.ip.w1 === ip.w1 &&
          b.ip.w2 === ip.w2 &&
          b.ip.w3 === ip.w3,
      )
      .map((b) => `${b.protocol}:${b.port}`),
  ]);
  const plan = engine
    .tierPlans(peer, peerDirection, false)
    .map((t) => t.policies.map((p) => engine.policies.indexOf(p)).join(','))
    .join('|');
  return JSON.stringify([
    family,
    plan,
    peer.kind,
    peer.profiles,
    owners.map(labelsKey),
    owners.map((o) => o.namedPorts),
    membership.join(''),
    services,
  ]);
}
