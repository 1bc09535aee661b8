import { parseResourcesYaml } from '@palisade/policy';
import { describe, expect, it } from 'vitest';
import { newTierYaml, tierProblems, withTierFields } from './tier-yaml';

describe('tiers from the board', () => {
  it('creates a valid Tier document', () => {
    const yaml = newTierYaml({ name: 'security', order: '100', defaultAction: 'Pass' });
    expect(tierProblems(yaml)).toEqual([]);
    const [doc] = parseResourcesYaml(yaml).documents;
    expect(doc?.resource).toMatchObject({
      kind: 'Tier',
      metadata: { name: 'security' },
      spec: { order: 100, defaultAction: 'Pass' },
    });
  });

  it('reports a bad name and a bad order as the validator words them', () => {
    const problems = tierProblems(newTierYaml({ name: 'Bad Name', order: 'soon', defaultAction: 'Deny' }));
    expect(problems.some((p) => p.startsWith('metadata.name: '))).toBe(true);
    expect(problems.some((p) => p.startsWith('spec.order: '))).toBe(true);
  });

  it('edits order and default action, keeping the cluster selector annotation', () => {
    const stored =
      'apiVersion: projectcalico.org/v3\nkind: Tier\nmetadata:\n  name: a\n  annotations:\n    palisade.io/cluster-selector: env == "prod"\nspec:\n  order: 5\n  defaultAction: Deny\n';
    const edited = withTierFields(stored, { order: '50', defaultAction: 'Pass' });
    expect(edited).toContain('palisade.io/cluster-selector: env == "prod"');
    expect(edited).toContain('order: 50');
    expect(edited).toContain('defaultAction: Pass');
  });
});
