// Policy recommendation from flows (issue 14 item 3), as Calico Cloud's recommender shapes it: for
// each namespace, one StagedNetworkPolicy in the tier `namespace-isolation` selecting the whole
// namespace, with ingress and egress rules built from the flows no policy covers (their enforced
// trace ends at a profile). Rule kinds: other namespaces by namespace selector, (global) network
// sets by their labels, one RFC 1918 rule for private networks, public traffic as port-only rules,
// DNS to kube-system on UDP 53, and same-namespace traffic allowed or passed per the scope. Every
// rule lists the flow keys that produced it. Pure: the API stores and schedules it.

import { NOT_APPLICABLE } from '@palisade/flows';
import type { Port, Protocol, Rule, StagedNetworkPolicy, Tier } from '../resources/types.js';
import { flowKeyId } from './flow-keys.js';
import { flowProtocol } from './flow-sides.js';
import type { PreviewFlowInput } from './preview-types.js';

export const RECOMMENDATION_TIER = 'namespace-isolation';
/** Before `default` (1 000 000) and after `kube-admin` (1 000), as Calico places it. */
export const RECOMMENDATION_TIER_ORDER = 10_000;
export const PRIVATE_NETWORKS = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'];
export const FLOWS_ANNOTATION = 'palisade.io/recommended-from';
/** Flow keys named in a rule's annotation; the full list is in the recommendation. */
const ANNOTATED_FLOWS = 5;

export interface RecommendationScope {
  /** Same-namespace traffic: allowed by one rule, or passed on to later tiers. */
  intraNamespace: 'ALLOW' | 'PASS';
}

export interface RecommendedRule {
  readonly direction: 'ingress' | 'egress';
  /** Index in the policy's rules of that direction. */
  readonly index: number;
  /** Ids (flowKeyId) of the flow keys that produced it. */
  readonly flows: readonly string[];
}

export interface Recommendation {
  readonly namespace: string;
  readonly policy: StagedNetworkPolicy;
  readonly rules: readonly RecommendedRule[];
  /** Uncovered flow keys no rule could express (host endpoints, unlabelled network sets). */
  readonly unmatched: readonly string[];
}

export function isUncovered(flow: Pick<PreviewFlowInput, 'enforced'>): boolean {
  const last = flow.enforced[flow.enforced.length - 1];
  return last !== undefined && last.split('|')[1] === '__PROFILE__';
}

export function recommendationTier(): Tier {
  return {
    apiVersion: 'projectcalico.org/v3',
    kind: 'Tier',
    metadata: { name: RECOMMENDATION_TIER },
    spec: { order: RECOMMENDATION_TIER_ORDER },
  } as Tier;
}

interface Draft {
  key: string;
  rule: Rule;
  ports: Set<number>;
  flows: string[];
  describe: string[];
}

const PORTED = new Set(['tcp', 'udp', 'sctp']);

function peerSelector(labels: readonly string[]): string | undefined {
  const clauses = labels
    .map((l) => {
      const eq = l.indexOf('=');
      return eq > 0 ? `${l.slice(0, eq)} == '${l.slice(eq + 1).replaceAll("'", "\\'")}'` : '';
    })
    .filter((c) => c !== '')
    .sort();
  return clauses.length > 0 ? clauses.join(' && ') : undefined;
}

const byNamespace = (ns: string): string => `projectcalico.org/name == '${ns}'`;

/** The peer part of a rule for the far side of a flow, or undefined when it cannot be expressed. */
function peer(
  type: PreviewFlowInput['source_type'],
  namespace: string,
  name: string,
  labels: readonly string[],
  own: string,
  scope: RecommendationScope,
): { key: string; side: Rule['source']; action: Rule['action'] } | undefined {
  switch (type) {
    case 'wep':
      if (namespace === own) {
        return {
          key: 'same',
          side: { selector: 'all()' },
          action: scope.intraNamespace === 'PASS' ? 'Pass' : 'Allow',
        };
      }
      return { key: `ns:${namespace}`, side: { namespaceSelector: byNamespace(namespace) }, action: 'Allow' };
    case 'ns': {
      const selector = peerSelector(labels);
      if (!selector) return undefined;
      const side =
        namespace === NOT_APPLICABLE
          ? { namespaceSelector: 'global()', selector }
          : { namespaceSelector: byNamespace(namespace), selector };
      return { key: `set:${namespace}/${name}`, side, action: 'Allow' };
    }
    case 'net':
      return name === 'pvt'
        ? { key: 'pvt', side: { nets: [...PRIVATE_NETWORKS] }, action: 'Allow' }
        : { key: 'pub', side: {}, action: 'Allow' };
    case 'hep':
      return undefined;
  }
}

function describe(f: PreviewFlowInput): string {
  return `${f.source_namespace}/${f.source_name} > ${f.dest_namespace}/${f.dest_name}:${String(f.dest_port)}/${f.proto}`;
}

/**
 * One recommendation per namespace that has uncovered pod flows, in namespace order; `excluded`
 * namespaces (and flows already covered by a policy) are left out.
 */
export function recommendPolicies(
  flows: readonly PreviewFlowInput[],
  scope: RecommendationScope = { intraNamespace: 'ALLOW' },
  excluded: (namespace: string) => boolean = () => false,
): Recommendation[] {
  const drafts = new Map<
    string,
    { ingress: Map<string, Draft>; egress: Map<string, Draft>; unmatched: string[] }
  >();
  const of = (ns: string) => {
    let d = drafts.get(ns);
    if (!d) drafts.set(ns, (d = { ingress: new Map(), egress: new Map(), unmatched: [] }));
    return d;
  };
  for (const f of flows) {
    if (!isUncovered(f)) continue;
    const egress = f.reporter === 'src';
    const [ownType, own] = egress ? [f.source_type, f.source_namespace] : [f.dest_type, f.dest_namespace];
    if (ownType !== 'wep' || excluded(own)) continue;
    const target = of(own);
    const far = egress
      ? peer(f.dest_type, f.dest_namespace, f.dest_name, f.dest_labels, own, scope)
      : peer(f.source_type, f.source_namespace, f.source_name, f.source_labels, own, scope);
    if (!far) {
      target.unmatched.push(flowKeyId(f));
      continue;
    }
    const protocol: Protocol = flowProtocol(f.proto);
    const key = `${far.key}|${f.proto}|${far.action}`;
    const list = egress ? target.egress : target.ingress;
    let draft = list.get(key);
    if (!draft) {
      const rule: Rule = { action: far.action, protocol };
      // A port-only peer (the public network) has no side of its own.
      if (far.side && Object.keys(far.side).length > 0) {
        if (egress) rule.destination = { ...far.side };
        else rule.source = { ...far.side };
      }
      draft = { key, rule, ports: new Set(), flows: [], describe: [] };
      list.set(key, draft);
    }
    if (PORTED.has(f.proto) && f.dest_port > 0) draft.ports.add(f.dest_port);
    draft.flows.push(flowKeyId(f));
    draft.describe.push(describe(f));
  }
  return [...drafts.keys()].sort().map((namespace) => {
    const d = drafts.get(namespace)!;
    const rules: RecommendedRule[] = [];
    const build = (direction: 'ingress' | 'egress', list: Map<string, Draft>): Rule[] =>
      [...list.values()]
        .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
        .map((draft, index): Rule => {
          rules.push({ direction, index, flows: draft.flows });
          const ports: Port[] = [...draft.ports].sort((a, b) => a - b);
          const rule: Rule = { ...draft.rule };
          if (ports.length > 0) rule.destination = { ...rule.destination, ports };
          const named = draft.describe.slice(0, ANNOTATED_FLOWS).join('; ');
          const more = draft.describe.length - ANNOTATED_FLOWS;
          rule.metadata = {
            annotations: { [FLOWS_ANNOTATION]: more > 0 ? `${named}; and ${String(more)} more` : named },
          };
          return rule;
        });
    const ingress = build('ingress', d.ingress);
    const egress = build('egress', d.egress);
    // Name resolution keeps working under isolation, whatever the window happened to show.
    if (!d.egress.get(`ns:kube-system|udp|Allow`)?.ports.has(53)) {
      rules.push({ direction: 'egress', index: egress.length, flows: [] });
      egress.push({
        action: 'Allow',
        protocol: 'UDP',
        destination: { namespaceSelector: byNamespace('kube-system'), ports: [53] },
        metadata: { annotations: { [FLOWS_ANNOTATION]: 'DNS to kube-system, always allowed' } },
      });
    }
    const policy: StagedNetworkPolicy = {
      apiVersion: 'projectcalico.org/v3',
      kind: 'StagedNetworkPolicy',
      metadata: { name: `${RECOMMENDATION_TIER}.${namespace}`, namespace },
      spec: {
        tier: RECOMMENDATION_TIER,
        selector: `projectcalico.org/namespace == '${namespace}'`,
        types: ['Ingress', 'Egress'],
        ingress,
        egress,
      },
    } as StagedNetworkPolicy;
    return { namespace, policy, rules, unmatched: d.unmatched };
  });
}
