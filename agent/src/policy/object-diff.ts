// Says what differs between the object Palisade applied and the one found in the cluster, in the
// words an operator reads in the console: `spec.ingress[0].action: desired "Allow", found "Deny"`.
// Only what Palisade set is compared: the labels, annotations and spec fields of the desired object
// (a field it does not set — a label another controller adds, a default the API server fills in,
// resourceVersion, status — is not drift); lists are compared whole. The comparison is the
// managed-document contract's field diff in its `owned` mode; this file only words and bounds it.
import type { PolicyResource } from '@palisade/policy';
import { fieldChanges } from '@palisade/policy/managed';
import { MAX_DRIFT_MESSAGE_LENGTH, MAX_DRIFT_PATHS } from '../limits.js';

export function describeDifferences(desired: PolicyResource, actual: PolicyResource): string | null {
  const owned = (r: PolicyResource) => ({
    metadata: { labels: r.metadata.labels ?? {}, annotations: r.metadata.annotations ?? {} },
    spec: (r as { spec?: unknown }).spec ?? null,
  });
  const found = fieldChanges(owned(desired), owned(actual), { compare: 'owned' });
  if (found.length === 0) return null;
  const shown = found
    .slice(0, MAX_DRIFT_PATHS)
    .map((c) => `${c.path}: desired ${show(c.before)}, found ${show(c.after)}`);
  const more = found.length > shown.length ? `; and ${String(found.length - shown.length)} more` : '';
  return `${shown.join('; ')}${more}`.slice(0, MAX_DRIFT_MESSAGE_LENGTH);
}

function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
