import { validateResource, type PolicyResource } from '@palisade/policy';
import { describe, expect, it } from 'vitest';
import { MAX_DRIFT_PATHS } from '../limits.js';
import { describeDifferences } from './object-diff.js';

function policy(spec: Record<string, unknown>, metadata: Record<string, unknown> = {}): PolicyResource {
  const r = validateResource({
    apiVersion: 'projectcalico.org/v3',
    kind: 'NetworkPolicy',
    metadata: { name: 'p', namespace: 'shop', ...metadata },
    spec: { selector: 'all()', order: 100, ...spec },
  });
  if (!r.resource) throw new Error(JSON.stringify(r.errors));
  return r.resource;
}

const MANAGED = { labels: { 'app.kubernetes.io/managed-by': 'palisade' } };

describe('describeDifferences', () => {
  it('is null when the cluster only adds what Palisade does not set', () => {
    const desired = policy({}, MANAGED);
    const found = policy({}, { labels: { ...MANAGED.labels, 'team.example.com/owner': 'a' } });
    expect(describeDifferences(desired, found)).toBeNull();
  });

  it("names each field Palisade set that differs, with Palisade's and the cluster's values", () => {
    const desired = policy({ order: 100 }, MANAGED);
    const found = policy({ order: 5 }, { labels: { 'app.kubernetes.io/managed-by': 'someone' } });
    expect(describeDifferences(desired, found)).toBe(
      'metadata.labels["app.kubernetes.io/managed-by"]: desired "palisade", found "someone"; spec.order: desired 100, found 5',
    );
  });

  it('compares lists whole: a rule added in the cluster is drift', () => {
    const rule = { action: 'Allow' };
    const desired = policy({ ingress: [rule] }, MANAGED);
    const found = policy({ ingress: [rule, { action: 'Deny' }] }, MANAGED);
    expect(describeDifferences(desired, found)).toMatch(/^spec\.ingress: desired \[.*\], found \[.*\]$/);
  });

  it('shows at most MAX_DRIFT_PATHS paths and counts the others', () => {
    const labels = Object.fromEntries(
      Array.from({ length: MAX_DRIFT_PATHS + 5 }, (_, i) => [`l${String(i)}`, 'a']),
    );
    const message = describeDifferences(policy({}, { labels }), policy({}, {}));
    expect(message?.split('; ')).toHaveLength(MAX_DRIFT_PATHS + 1);
    expect(message).toMatch(/; and 5 more$/);
  });
});
