// The cluster selector: Palisade's own field saying which clusters a resource targets, a Calico
// selector over cluster labels (decision 0008). The one home of its rule, shared by the policy list
// filter and the rollout so they cannot disagree: an empty selector selects every cluster; a stored
// selector that no longer parses (a grammar change, a row written by hand) selects none — nothing
// is pushed on a guess.
import type { LabelMap } from '../selector/ast.js';
import { junction } from '../selector/ast.js';
import { canonicalSelector } from '../selector/canonical.js';
import { compileSelector } from '../selector/compile.js';
import { labelsFromRecord } from '../selector/labels.js';
import { parseSelector } from '../selector/parser.js';
import type { PolicyResource } from '../resources/types.js';
import { CLUSTER_SELECTOR_ANNOTATION } from './metadata.js';

export type ClusterLabels = Readonly<Record<string, string>>;
export type ClusterMatcher = (labels: ClusterLabels) => boolean;

export type LabelMapMatcher = (labels: LabelMap) => boolean;

const EVERY_CLUSTER: ClusterMatcher = () => true;
const NO_CLUSTER: ClusterMatcher = () => false;
const EVERY_LABEL_MAP: LabelMapMatcher = () => true;
const NO_LABEL_MAP: LabelMapMatcher = () => false;

// One cluster's labels are tested against every resource of an organisation: convert them once.
const converted = new WeakMap<ClusterLabels, ReturnType<typeof labelsFromRecord>>();
function labelMap(labels: ClusterLabels): ReturnType<typeof labelsFromRecord> {
  let map = converted.get(labels);
  if (map === undefined) {
    map = labelsFromRecord(labels);
    converted.set(labels, map);
  }
  return map;
}

/**
 * The stored form of a cluster selector: '' for every cluster, otherwise Calico's canonical
 * printing (so `env == 'prod'` and `env=="prod"` compare equal). Throws SelectorSyntaxError.
 */
export function normaliseClusterSelector(text: string): string {
  const trimmed = text.trim();
  if (trimmed === '') return '';
  return canonicalSelector(parseSelector(trimmed));
}

/** Compiles a stored selector once, to test many clusters. */
export function clusterMatcher(selector: string): ClusterMatcher {
  if (selector.trim() === '') return EVERY_CLUSTER;
  try {
    const matches = compileSelector(parseSelector(selector));
    return (labels) => matches(labelMap(labels));
  } catch {
    return NO_CLUSTER;
  }
}

/**
 * The same rule over labels already held as a LabelMap (the engine's form: scope selectors over
 * namespaces and endpoints, cluster labels converted once), without converting back to a record.
 */
export function clusterLabelMatcher(selector: string): LabelMapMatcher {
  if (selector.trim() === '') return EVERY_LABEL_MAP;
  try {
    return compileSelector(parseSelector(selector));
  } catch {
    return NO_LABEL_MAP;
  }
}

/** The top-level conjuncts of a selector, canonically printed ('' has none: every cluster). */
function conjuncts(selector: string): Set<string> {
  const trimmed = selector.trim();
  if (trimmed === '') return new Set();
  const node = junction('and', [parseSelector(trimmed)]);
  const parts = node.kind === 'and' ? node.operands : [node];
  return new Set(parts.map(canonicalSelector).filter((p) => p !== 'all()'));
}

/**
 * Whether `selector` can only ever select clusters that `bound` selects, whatever labels clusters
 * get later: it is `bound` itself or `bound && more` (every conjunct of bound is one of its
 * conjuncts). Decided on the text, never on today's clusters, so a scoped editor's resource cannot
 * spread to a cluster registered tomorrow outside the scope (decision 0120). A bound of '' (every
 * cluster) holds every selector; a selector that does not parse is within nothing but ''.
 */
export function clusterSelectorWithin(selector: string, bound: string): boolean {
  let need: Set<string>;
  try {
    need = conjuncts(bound);
  } catch {
    return false;
  }
  if (need.size === 0) return true;
  try {
    const have = conjuncts(selector);
    for (const c of need) if (!have.has(c)) return false;
    return true;
  } catch {
    return false;
  }
}

/** `selector` narrowed to `bound`: unchanged when already within, else `bound && selector`. */
export function confineClusterSelector(selector: string, bound: string): string {
  if (clusterSelectorWithin(selector, bound)) return normaliseClusterSelector(selector);
  if (selector.trim() === '') return normaliseClusterSelector(bound);
  return normaliseClusterSelector(`(${bound}) && (${selector})`);
}

/** Whether a stored selector selects a cluster with these labels. */
export function selectsCluster(selector: string, labels: ClusterLabels): boolean {
  return clusterMatcher(selector)(labels);
}

/** The annotation's value, or undefined when the document does not carry it. */
export function annotatedClusterSelector(resource: Pick<PolicyResource, 'metadata'>): string | undefined {
  const annotations = resource.metadata.annotations;
  return annotations && Object.hasOwn(annotations, CLUSTER_SELECTOR_ANNOTATION)
    ? annotations[CLUSTER_SELECTOR_ANNOTATION]
    : undefined;
}
