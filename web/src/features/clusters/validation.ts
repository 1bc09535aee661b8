// Cluster name and label checks with the API's own rules (@palisade/access for the name, Kubernetes
// label syntax from @palisade/policy/managed), and the compact "key=value, key=value" text form the
// console uses to edit labels.
import { isClusterName, MAX_CLUSTER_LABELS } from '@palisade/access';
import { isLabelKey, isLabelValue } from '@palisade/policy/managed';
import type { LabelInput } from '../../generated/graphql';

export function clusterNameError(name: string): string | undefined {
  if (!name) return 'Enter a name.';
  if (!isClusterName(name))
    return 'Use 1–63 lower-case letters, digits and dashes, starting and ending with a letter or digit.';
  return undefined;
}

export function formatLabels(labels: readonly LabelInput[]): string {
  return labels.map((l) => `${l.key}=${l.value}`).join(', ');
}

/** Parses "env=prod, region=eu"; the first problem found is returned as `error`. */
export function parseLabels(text: string): { labels: LabelInput[]; error?: string } {
  const labels: LabelInput[] = [];
  const seen = new Set<string>();
  for (const raw of text.split(/[,\n]/)) {
    const part = raw.trim();
    if (!part) continue;
    const eq = part.indexOf('=');
    if (eq < 0) return { labels, error: `"${part}" is not key=value.` };
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (!isLabelKey(key)) return { labels, error: `"${key}" is not a valid label key.` };
    if (!isLabelValue(value)) return { labels, error: `"${value}" is not a valid label value.` };
    if (seen.has(key)) return { labels, error: `The key "${key}" appears twice.` };
    seen.add(key);
    labels.push({ key, value });
  }
  if (labels.length > MAX_CLUSTER_LABELS)
    return { labels, error: `Use at most ${String(MAX_CLUSTER_LABELS)} labels.` };
  return { labels };
}
