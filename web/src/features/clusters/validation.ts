// Cluster name and label checks matching the API's (Kubernetes label syntax), and the compact
// "key=value, key=value" text form the console uses to edit labels.
import type { LabelInput } from '../../generated/graphql';

export const CLUSTER_NAME = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const LABEL_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;

export function clusterNameError(name: string): string | undefined {
  if (!name) return 'Enter a name.';
  if (!CLUSTER_NAME.test(name))
    return 'Use 1–63 lower-case letters, digits and dashes, starting and ending with a letter or digit.';
  return undefined;
}

function validLabelKey(key: string): boolean {
  const slash = key.indexOf('/');
  if (slash < 0) return LABEL_NAME.test(key);
  const prefix = key.slice(0, slash);
  return prefix.length <= 253 && DNS_SUBDOMAIN.test(prefix) && LABEL_NAME.test(key.slice(slash + 1));
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
    if (!validLabelKey(key)) return { labels, error: `"${key}" is not a valid label key.` };
    if (!LABEL_VALUE.test(value)) return { labels, error: `"${value}" is not a valid label value.` };
    if (seen.has(key)) return { labels, error: `The key "${key}" appears twice.` };
    seen.add(key);
    labels.push({ key, value });
  }
  return { labels };
}
