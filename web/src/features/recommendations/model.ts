// What the recommendations page shows of a recommended policy: its rules in words with the flows
// behind each (the rule's palisade.io/recommended-from annotation names up to five; the API gives
// the ids of all of them), and the enforced twin previewing it replays (a staged policy changes no
// verdict, so the preview asks what enforcing it would do).
import { recommendationTier } from '@palisade/policy';
import { parse, stringify } from 'yaml';
import type { RecommendationFieldsFragment, RecommendationState } from '../../generated/graphql';

export type Recommendation = RecommendationFieldsFragment;

/** The annotation a recommended rule carries (set by @palisade/policy's recommender). */
const FLOWS_ANNOTATION = 'palisade.io/recommended-from';

export interface RuleView {
  direction: 'ingress' | 'egress';
  index: number;
  action: string;
  /** The protocol and ports, e.g. `TCP 80, 443`; `any protocol` when the rule names none. */
  traffic: string;
  /** The far end in words: a namespace, a selector, networks, or anywhere. */
  peer: string;
  /** The flows named in the annotation, split at `;`. */
  namedFlows: string[];
  /** How many flow keys produced it (0 for the always-present DNS rule). */
  flowCount: number;
}

interface RawEntity {
  selector?: string;
  namespaceSelector?: string;
  nets?: string[];
  ports?: (number | string)[];
}

interface RawRule {
  action?: string;
  protocol?: string | number;
  source?: RawEntity;
  destination?: RawEntity;
  metadata?: { annotations?: Record<string, string> };
}

interface RawPolicy {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; namespace?: string; annotations?: Record<string, string> };
  spec?: { ingress?: RawRule[]; egress?: RawRule[]; stagedAction?: string; [k: string]: unknown };
}

function parsePolicy(yaml: string): RawPolicy {
  const doc: unknown = parse(yaml);
  if (doc === null || typeof doc !== 'object') throw new Error('the recommendation is not a YAML object');
  return doc;
}

/** `projectcalico.org/name == 'shop'` → `namespace shop`; anything else stays a selector. */
function namespaceWords(sel: string): string {
  const m = /^projectcalico\.org\/name == '([^']+)'$/.exec(sel.trim());
  return m ? `namespace ${m[1]}` : `namespaces ${sel}`;
}

export function peerWords(e: RawEntity | undefined): string {
  if (!e) return 'anywhere';
  const parts: string[] = [];
  if (e.namespaceSelector === 'global()') parts.push('global network sets');
  else if (e.namespaceSelector) parts.push(namespaceWords(e.namespaceSelector));
  if (e.selector === 'all()') parts.push(e.namespaceSelector ? 'every endpoint' : 'this namespace');
  else if (e.selector) parts.push(`selector ${e.selector}`);
  if (e.nets && e.nets.length > 0) parts.push(`networks ${e.nets.join(', ')}`);
  return parts.length > 0 ? parts.join(', ') : 'anywhere';
}

function trafficWords(rule: RawRule, ports: RawEntity['ports']): string {
  const proto = rule.protocol === undefined ? 'any protocol' : String(rule.protocol);
  return ports && ports.length > 0 ? `${proto} ${ports.join(', ')}` : proto;
}

/** The rules of a recommendation in words, each with its flows. */
export function ruleViews(rec: Pick<Recommendation, 'yaml' | 'rules'>): RuleView[] {
  const policy = parsePolicy(rec.yaml);
  const counts = new Map(rec.rules.map((r) => [`${r.direction}:${r.index}`, r.flowKeys.length]));
  const out: RuleView[] = [];
  for (const direction of ['ingress', 'egress'] as const) {
    (policy.spec?.[direction] ?? []).forEach((rule, index) => {
      // Ingress rules name their peer as the source; egress rules as the destination.
      const far = direction === 'ingress' ? rule.source : rule.destination;
      const named = rule.metadata?.annotations?.[FLOWS_ANNOTATION] ?? '';
      out.push({
        direction,
        index,
        action: rule.action ?? 'Allow',
        traffic: trafficWords(rule, rule.destination?.ports),
        peer: peerWords(far),
        namedFlows: named
          .split(';')
          .map((s) => s.trim())
          .filter((s) => s !== ''),
        flowCount: counts.get(`${direction}:${index}`) ?? 0,
      });
    });
  }
  return out;
}

/**
 * The policy enforcing the recommendation would store: the same spec as a NetworkPolicy (no
 * stagedAction), preceded by the recommendation tier when the organisation has none yet, so the
 * preview replays exactly what accepting and then enforcing would leave in force.
 */
export function enforcedPreviewYaml(yaml: string, tierExists: boolean): string {
  const policy = parsePolicy(yaml);
  const spec = { ...(policy.spec ?? {}) };
  delete spec.stagedAction;
  const enforced: RawPolicy = { ...policy, kind: 'NetworkPolicy', spec };
  const docs: string[] = [];
  const tier = recommendationTier();
  if (!tierExists && spec['tier'] === tier.metadata.name) docs.push(stringify(tier));
  docs.push(stringify(enforced));
  return docs.join('---\n');
}

/** The staged policy an accepted recommendation stored, as the policies API names it. */
export function stagedRefOf(yaml: string): { kind: 'StagedNetworkPolicy'; namespace: string; name: string } {
  const policy = parsePolicy(yaml);
  const name = policy.metadata?.name;
  const namespace = policy.metadata?.namespace;
  if (!name || !namespace) throw new Error('the recommendation has no metadata.name or metadata.namespace');
  return { kind: 'StagedNetworkPolicy', namespace, name };
}

export function tierOf(yaml: string): string | undefined {
  const tier = parsePolicy(yaml).spec?.['tier'];
  return typeof tier === 'string' ? tier : undefined;
}

/** What a role may do to a recommendation in its state. */
export function actionsFor(
  state: RecommendationState,
  canWrite: boolean,
): { accept: boolean; dismiss: boolean; preview: boolean; enforce: boolean } {
  if (!canWrite) return { accept: false, dismiss: false, preview: false, enforce: false };
  return {
    accept: state === 'RECOMMENDED',
    dismiss: state === 'RECOMMENDED' || state === 'ACCEPTED',
    preview: state === 'RECOMMENDED' || state === 'ACCEPTED',
    enforce: state === 'ACCEPTED',
  };
}

export const STATE_LABEL: Record<RecommendationState, string> = {
  RECOMMENDED: 'Recommended',
  ACCEPTED: 'Accepted (staged)',
  ENFORCED: 'Enforced',
  DISMISSED: 'Dismissed',
};

/** Recommendations grouped by cluster, clusters and namespaces A to Z. */
export function byCluster(recs: readonly Recommendation[]): [string, Recommendation[]][] {
  const groups = new Map<string, Recommendation[]>();
  for (const r of recs) {
    const list = groups.get(r.cluster) ?? [];
    list.push(r);
    groups.set(r.cluster, list);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([c, list]) => [c, list.sort((x, y) => x.namespace.localeCompare(y.namespace))]);
}
