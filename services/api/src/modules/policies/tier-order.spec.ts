// The reorder plan on its own: stored rows as plain objects, no database.
import { parseResourcesYaml } from '@palisade/policy';
import { storedDocument, type ManagedRef } from '@palisade/policy/managed';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../platform/errors/app-error.js';
import { planReorder, REORDER_STEP } from './tier-order.js';

function row(name: string, order: number) {
  const yaml = `apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata:
  name: ${name}
spec:
  tier: security
  order: ${order}
  selector: all()
  types: [Ingress]
`;
  const resource = parseResourcesYaml(yaml).documents[0]!.resource!;
  return {
    kind: 'GlobalNetworkPolicy',
    namespace: '',
    name,
    clusterSelector: '',
    object: storedDocument(resource, ''),
  };
}

const ref = (name: string): ManagedRef => ({ kind: 'GlobalNetworkPolicy', namespace: '', name });

function issuesOf(fn: () => unknown): { path: (string | number)[]; message: string }[] {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('VALIDATION_FAILED');
    return (err as AppError).issues;
  }
  throw new Error('expected VALIDATION_FAILED');
}

describe('planReorder', () => {
  const rows = [row('a', REORDER_STEP), row('b', 2 * REORDER_STEP), row('c', 7)];

  it('numbers the new order 100, 200, … and leaves policies already in place alone', () => {
    const steps = planReorder('security', rows, [ref('a'), ref('c'), ref('b')]);
    expect(steps.map((s) => s.row.name)).toEqual(['a', 'c', 'b']);
    expect(steps[0]!.reordered).toBeNull();
    expect(steps.map((s) => (s.reordered?.spec as { order?: number } | undefined)?.order)).toEqual([
      undefined,
      2 * REORDER_STEP,
      3 * REORDER_STEP,
    ]);
  });

  it('refuses a list that repeats, strays outside the tier or leaves a policy out', () => {
    const issues = issuesOf(() => planReorder('security', rows, [ref('a'), ref('a'), ref('x')]));
    expect(issues.map((i) => i.path)).toEqual([
      ['input', 'order', 1],
      ['input', 'order', 2],
      ['input', 'order'],
    ]);
    expect(issues[0]!.message).toContain('listed twice');
    expect(issues[1]!.message).toContain('not a policy of tier "security"');
    expect(issues[2]!.message).toContain('missing');
  });
});
