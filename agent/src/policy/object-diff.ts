// Says what differs between the object Palisade applied and the one found in the cluster, in the
// words an operator reads in the console: `spec.ingress[0].action: desired "Allow", found "Deny"`.
// Only what Palisade set is compared: the labels, annotations and spec fields of the desired object
// (a field it does not set — a label another controller adds, a default the API server fills in,
// resourceVersion, status — is not drift); lists are compared whole, item by item.
import { stableStringify, type PolicyResource } from '@palisade/policy';
import { MAX_DRIFT_MESSAGE_LENGTH, MAX_DRIFT_PATHS } from '../limits.js';

export function describeDifferences(desired: PolicyResource, actual: PolicyResource): string | null {
  const found: string[] = [];
  const owned = (r: PolicyResource) => ({
    metadata: { labels: r.metadata.labels ?? {}, annotations: r.metadata.annotations ?? {} },
    spec: (r as { spec?: unknown }).spec ?? null,
  });
  walk(owned(desired), owned(actual), '', found);
  if (found.length === 0) return null;
  const shown = found.slice(0, MAX_DRIFT_PATHS);
  const more = found.length > shown.length ? `; and ${String(found.length - shown.length)} more` : '';
  return `${shown.join('; ')}${more}`.slice(0, MAX_DRIFT_MESSAGE_LENGTH);
}

function walk(desired: unknown, actual: unknown, path: string, out: string[]): void {
  if (out.length > MAX_DRIFT_PATHS) return;
  if (isRecord(desired) && isRecord(actual)) {
    for (const key of Object.keys(desired).sort()) {
      walk(desired[key], actual[key], path === '' ? key : `${path}.${key}`, out);
    }
    return;
  }
  if (Array.isArray(desired) && Array.isArray(actual) && desired.length === actual.length) {
    desired.forEach((item, i) => walk(item, actual[i], `${path}[${String(i)}]`, out));
    return;
  }
  if (stableStringify(desired) === stableStringify(actual)) return;
  out.push(`${path}: desired ${show(desired)}, found ${show(actual)}`);
}

function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
