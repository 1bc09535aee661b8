// Kubernetes networking.k8s.io/v1 NetworkPolicy → Calico policy, exactly as calico-semantics §2.9
// describes the conversion: one Allow rule per (protocol × peer), protocols in sorted order,
// numeric ports of one protocol merged into minimal ranges, `policyTypes` empty → [Ingress].

import type {
  K8sNetworkPolicyPeer,
  K8sNetworkPolicyPort,
  K8sNetworkPolicySpec,
  LabelSelector,
  PolicyType,
  Port,
  Protocol,
  Rule,
} from '../resources/types.js';
import { parsePortEntry } from './ports.js';

export const K8S_POLICY_ORDER = 1000;
const ORCHESTRATOR_CLAUSE = "projectcalico.org/orchestrator == 'k8s'";

function quoteValues(values: readonly string[] | undefined): string {
  return (values ?? []).map((v) => `'${v}'`).join(', ');
}

/** matchLabels sorted by key, then matchExpressions in order, joined with `&&`. */
function labelSelectorClauses(s: LabelSelector): string[] {
  const clauses = Object.keys(s.matchLabels ?? {})
    .sort()
    .map((k) => `${k} == '${s.matchLabels![k]!}'`);
  for (const e of s.matchExpressions ?? []) {
    if (e.operator === 'In') clauses.push(`${e.key} in { ${quoteValues(e.values)} }`);
    else if (e.operator === 'NotIn') clauses.push(`${e.key} not in { ${quoteValues(e.values)} }`);
    else if (e.operator === 'Exists') clauses.push(`has(${e.key})`);
    else clauses.push(`! has(${e.key})`);
  }
  return clauses;
}

export function k8sPodSelector(s: LabelSelector | undefined): string {
  return [ORCHESTRATOR_CLAUSE, ...labelSelectorClauses(s ?? {})].join(' && ');
}

export function k8sNamespaceSelector(s: LabelSelector): string {
  const clauses = labelSelectorClauses(s);
  return clauses.length === 0 ? 'all()' : clauses.join(' && ');
}

interface PeerFields {
  nets?: string[];
  notNets?: string[];
  selector?: string;
  namespaceSelector?: string;
}

function peerFields(peer: K8sNetworkPolicyPeer | undefined): PeerFields {
  if (!peer) return {};
  if (peer.ipBlock) {
    const except = peer.ipBlock.except ?? [];
    return except.length > 0
      ? { nets: [peer.ipBlock.cidr], notNets: [...except] }
      : { nets: [peer.ipBlock.cidr] };
  }
  const out: PeerFields = { selector: k8sPodSelector(peer.podSelector) };
  if (peer.namespaceSelector) out.namespaceSelector = k8sNamespaceSelector(peer.namespaceSelector);
  return out;
}

/** Merges numeric ports/ranges into minimal sorted ranges; named ports follow, de-duplicated. */
export function simplifyPorts(ports: readonly Port[]): Port[] {
  const ranges: [number, number][] = [];
  const names: string[] = [];
  for (const p of ports) {
    const entry = parsePortEntry(p);
    if (!entry) continue;
    if ('name' in entry) {
      if (!names.includes(entry.name)) names.push(entry.name);
    } else ranges.push(entry.range);
  }
  ranges.sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const r of ranges) {
    const last = merged[merged.length - 1];
    if (last && r[0] <= last[1] + 1) last[1] = Math.max(last[1], r[1]);
    else merged.push([r[0], r[1]]);
  }
  return [...merged.map(([a, b]): Port => (a === b ? a : `${a}:${b}`)), ...names];
}

/** Protocol → ports (undefined = all ports of that protocol); `null` key = no protocol at all. */
function groupPorts(
  ports: readonly K8sNetworkPolicyPort[] | undefined,
): Map<Protocol | null, Port[] | undefined> {
  const groups = new Map<Protocol | null, Port[] | undefined>();
  if (!ports || ports.length === 0) {
    groups.set(null, undefined);
    return groups;
  }
  for (const p of ports) {
    const protocol = p.protocol ?? 'TCP';
    if (p.port === undefined) {
      groups.set(protocol, undefined);
      continue;
    }
    const port: Port =
      p.endPort !== undefined && typeof p.port === 'number' ? `${p.port}:${p.endPort}` : p.port;
    if (!groups.has(protocol)) groups.set(protocol, [port]);
    else groups.get(protocol)?.push(port);
  }
  return groups;
}

function translateRule(
  peers: readonly K8sNetworkPolicyPeer[] | undefined,
  ports: readonly K8sNetworkPolicyPort[] | undefined,
  ingress: boolean,
): Rule[] {
  const groups = groupPorts(ports);
  const protocols = [...groups.keys()].sort((a, b) =>
    String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0,
  );
  const peerList: (K8sNetworkPolicyPeer | undefined)[] = peers && peers.length > 0 ? [...peers] : [undefined];
  const rules: Rule[] = [];
  for (const protocol of protocols) {
    const portList = groups.get(protocol);
    for (const peer of peerList) {
      const peerSide = peerFields(peer);
      const portSide = portList ? { ports: simplifyPorts(portList) } : {};
      const rule: Rule = ingress
        ? { action: 'Allow', source: peerSide, destination: portSide }
        : { action: 'Allow', source: {}, destination: { ...peerSide, ...portSide } };
      if (protocol !== null) rule.protocol = protocol;
      rules.push(rule);
    }
  }
  return rules;
}

export interface TranslatedK8sPolicy {
  selector: string;
  types: PolicyType[];
  ingress: Rule[];
  egress: Rule[];
}

export function translateK8sPolicy(spec: K8sNetworkPolicySpec): TranslatedK8sPolicy {
  const wantsIngress = spec.policyTypes?.includes('Ingress') ?? false;
  const wantsEgress = spec.policyTypes?.includes('Egress') ?? false;
  const types: PolicyType[] = [];
  if (wantsIngress || !wantsEgress) types.push('Ingress');
  if (wantsEgress) types.push('Egress');
  return {
    selector: k8sPodSelector(spec.podSelector),
    types,
    ingress: (spec.ingress ?? []).flatMap((r) => translateRule(r.from, r.ports, true)),
    egress: (spec.egress ?? []).flatMap((r) => translateRule(r.to, r.ports, false)),
  };
}
