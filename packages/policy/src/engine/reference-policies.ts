// The reference evaluator's reading of policy resources: Calico rules kept as written (selectors
// parsed once), Kubernetes NetworkPolicies converted straight from the §2.9 table with K8s label
// selector semantics, and each policy's endpoint test from the §1.6 rewrite rules.

import type {
  EntityRule,
  K8sNetworkPolicyPeer,
  K8sNetworkPolicySpec,
  LabelSelector,
  PolicyResource,
  Rule,
} from '../resources/types.js';
import {
  holds,
  NS_LABEL,
  parsed,
  SA_LABEL,
  selectorPredicate,
  type Get,
  type Predicate,
  type RefEntity,
  type RefPolicy,
  type RefRule,
  type RefSide,
} from './reference-model.js';

function k8sLabelSelectorHolds(s: LabelSelector, get: Get): boolean {
  for (const [k, v] of Object.entries(s.matchLabels ?? {})) if (get(k) !== v) return false;
  for (const e of s.matchExpressions ?? []) {
    const v = get(e.key);
    if (e.operator === 'In' && (v === undefined || !(e.values ?? []).includes(v))) return false;
    if (e.operator === 'NotIn' && v !== undefined && (e.values ?? []).includes(v)) return false;
    if (e.operator === 'Exists' && v === undefined) return false;
    if (e.operator === 'DoesNotExist' && v !== undefined) return false;
  }
  return true;
}

function k8sPodPredicate(s: LabelSelector | undefined): Predicate {
  return (get) => get('projectcalico.org/orchestrator') === 'k8s' && k8sLabelSelectorHolds(s ?? {}, get);
}

function k8sNamespacePredicate(s: LabelSelector): Predicate {
  const empty = Object.keys(s.matchLabels ?? {}).length === 0 && (s.matchExpressions ?? []).length === 0;
  return (get, allValue) => (empty ? allValue : k8sLabelSelectorHolds(s, get));
}

function calicoSide(raw: EntityRule | undefined): RefSide {
  const side: RefSide = { raw: raw ?? {} };
  const sel = parsed(raw?.selector);
  if (sel) side.selector = selectorPredicate(sel);
  const notSel = parsed(raw?.notSelector);
  if (notSel) side.notSelector = notSel;
  const ns = parsed(raw?.namespaceSelector);
  if (ns && JSON.stringify(ns).includes('"global"')) side.global = true;
  else if (ns) side.namespaceSelector = selectorPredicate(ns);
  const saSel = parsed(raw?.serviceAccounts?.selector);
  if (saSel) side.saSelector = saSel;
  if ((raw?.serviceAccounts?.names ?? []).length > 0) side.saNames = raw!.serviceAccounts!.names!;
  return side;
}

function k8sRules(spec: K8sNetworkPolicySpec, ingress: boolean): RefRule[] {
  const out: RefRule[] = [];
  for (const r of (ingress ? spec.ingress : spec.egress) ?? []) {
    const listed = ingress
      ? (r as { from?: K8sNetworkPolicyPeer[] }).from
      : (r as { to?: K8sNetworkPolicyPeer[] }).to;
    const peers: (K8sNetworkPolicyPeer | undefined)[] = [...(listed ?? [])];
    if (peers.length === 0) peers.push(undefined);
    const byProtocol = new Map<string, string[] | 'all'>();
    for (const p of r.ports ?? []) {
      const name = p.protocol ?? 'TCP';
      const port =
        p.port === undefined
          ? undefined
          : p.endPort !== undefined
            ? `${p.port}:${p.endPort}`
            : String(p.port);
      const sofar = byProtocol.get(name);
      if (port === undefined || sofar === 'all') byProtocol.set(name, 'all');
      else byProtocol.set(name, [...(sofar ?? []), port]);
    }
    const protocols = byProtocol.size === 0 ? [undefined] : [...byProtocol.keys()].sort();
    for (const protocol of protocols) {
      for (const peer of peers) {
        const peerSide: RefSide = { raw: {} };
        if (peer?.ipBlock) peerSide.raw = { nets: [peer.ipBlock.cidr], notNets: peer.ipBlock.except ?? [] };
        else if (peer) {
          peerSide.raw = { selector: 'set' };
          peerSide.selector = k8sPodPredicate(peer.podSelector);
          if (peer.namespaceSelector) {
            peerSide.raw.namespaceSelector = 'set';
            peerSide.namespaceSelector = k8sNamespacePredicate(peer.namespaceSelector);
          }
        }
        const ports = protocol === undefined ? 'all' : byProtocol.get(protocol)!;
        const portSide: RefSide = {
          raw: ports === 'all' ? {} : { ports: ports.map((p) => (/^[0-9]+$/.test(p) ? Number(p) : p)) },
        };
        const rule: Rule = { action: 'Allow', ...(protocol ? { protocol: protocol as 'TCP' } : {}) };
        if (ingress) out.push({ rule, source: peerSide, destination: portSide });
        else
          out.push({
            rule,
            source: { raw: {} },
            destination: { ...peerSide, raw: { ...peerSide.raw, ...portSide.raw } },
          });
      }
    }
  }
  return out;
}

export function refPolicy(r: PolicyResource): RefPolicy | undefined {
  const k8s = r.apiVersion === 'networking.k8s.io/v1' || r.kind === 'StagedKubernetesNetworkPolicy';
  const staged = r.kind.startsWith('Staged');
  if (staged && (r.spec as { stagedAction?: string }).stagedAction === 'Delete') return undefined;
  const namespace = r.metadata.namespace ?? 'default';
  if (k8s) {
    const spec = r.spec as K8sNetworkPolicySpec & { stagedAction?: string };
    const pod = k8sPodPredicate(spec.podSelector);
    const types = spec.policyTypes && spec.policyTypes.length > 0 ? spec.policyTypes : ['Ingress'];
    return {
      kind: staged ? 'sknp' : 'knp',
      kindName: staged ? 'StagedKubernetesNetworkPolicy' : 'KubernetesNetworkPolicy',
      staged,
      name: r.metadata.name,
      namespace,
      tier: 'default',
      order: 1000,
      stage: 'normal',
      types,
      selects: (e) => e.labels.get(NS_LABEL) === namespace && pod((k) => e.labels.get(k), true),
      ingress: k8sRules(spec, true),
      egress: k8sRules(spec, false),
    };
  }
  if (
    !['NetworkPolicy', 'GlobalNetworkPolicy', 'StagedNetworkPolicy', 'StagedGlobalNetworkPolicy'].includes(
      r.kind,
    )
  )
    return undefined;
  const spec = r.spec as {
    tier?: string;
    order?: number;
    selector?: string;
    serviceAccountSelector?: string;
    namespaceSelector?: string;
    types: string[];
    ingress?: Rule[];
    egress?: Rule[];
    doNotTrack?: boolean;
    preDNAT?: boolean;
  };
  const global = r.kind.includes('Global');
  const s = parsed(spec.selector) ?? { kind: 'all' };
  const sa = parsed(spec.serviceAccountSelector);
  const ns = global ? parsed(spec.namespaceSelector) : undefined;
  const selects = (e: RefEntity): boolean => {
    const real: Get = (k) => e.labels.get(k);
    const pcns: Get = (k) => e.labels.get(`pcns.${k}`);
    const pcsa: Get = (k) => e.labels.get(`pcsa.${k}`);
    const hasNs = e.labels.has(NS_LABEL);
    const hasSa = e.labels.has(SA_LABEL);
    if (!global)
      return e.labels.get(NS_LABEL) === namespace && holds(s, real, true) && (!sa || holds(sa, pcsa, true));
    const sAll = ns ? hasNs : sa ? hasSa : true;
    return holds(s, real, sAll) && (!ns || holds(ns, pcns, hasNs)) && (!sa || holds(sa, pcsa, hasSa));
  };
  const rules = (list: Rule[] | undefined): RefRule[] =>
    (list ?? []).map((rule) => ({
      rule,
      source: calicoSide(rule.source),
      destination: calicoSide(rule.destination),
    }));
  return {
    kind: (staged ? 's' : '') + (global ? 'gnp' : 'np'),
    kindName: r.kind,
    staged,
    name: r.metadata.name,
    namespace: global ? undefined : namespace,
    tier: spec.tier || 'default',
    order: spec.order ?? Infinity,
    stage: global && spec.doNotTrack ? 'doNotTrack' : global && spec.preDNAT ? 'preDNAT' : 'normal',
    types: spec.types.length > 0 ? spec.types : ['Ingress', 'Egress'],
    selects,
    ingress: rules(spec.ingress),
    egress: rules(spec.egress),
  };
}
