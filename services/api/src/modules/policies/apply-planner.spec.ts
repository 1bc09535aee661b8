// The apply planner on its own: documents parsed by @palisade/policy, stored rows as plain objects,
// no database. The API tests (test/policies/policies-api.test.ts) cover the same rules end to end.
import { parseResourcesYaml } from '@palisade/policy';
import { refKey, storedDocument, type ManagedRef } from '@palisade/policy/managed';
import { describe, expect, it } from 'vitest';
import { namedRefs, planApply, type StoredResource } from './apply-planner.js';

const gnp = (name: string, extra = '') => `apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata:
  name: ${name}
${extra}spec:
  tier: default
  selector: all()
  types: [Ingress]
`;

const documents = (...docs: string[]) => parseResourcesYaml(docs.join('---\n')).documents;

function storedAs(yaml: string, clusterSelector = ''): StoredResource {
  const [d] = documents(yaml);
  return { clusterSelector, object: storedDocument(d!.resource!, clusterSelector) };
}

const ref = (name: string, kind: ManagedRef['kind'] = 'GlobalNetworkPolicy'): string =>
  refKey({ kind, namespace: '', name });

describe('planApply', () => {
  it('plans created, configured and unchanged against what is stored', () => {
    const stored = new Map([
      [ref('same'), storedAs(gnp('same'))],
      [ref('changed'), storedAs(gnp('changed'))],
    ]);
    const docs = documents(gnp('new'), gnp('same'), gnp('changed').replace('Ingress', 'Egress'));
    expect(namedRefs(docs).map(refKey)).toEqual([ref('new'), ref('same'), ref('changed')]);
    const plan = planApply(docs, stored, new Set(['default']));
    expect(plan.map((p) => p.action)).toEqual(['created', 'unchanged', 'configured']);
    expect(plan.map((p) => p.errors)).toEqual([[], [], []]);
    expect(plan[1]!.current).toBe(stored.get(ref('same')));
  });

  it('keeps the stored cluster selector when the document has no annotation', () => {
    const stored = new Map([[ref('p'), storedAs(gnp('p'), "env == 'prod'")]]);
    const [p] = planApply(documents(gnp('p')), stored, new Set(['default']));
    expect(p!.action).toBe('unchanged');
    expect(p!.doc!.metadata.annotations?.['palisade.io/cluster-selector']).toBe("env == 'prod'");
  });

  it('reports a cluster selector that does not parse, with its line, and fails the whole plan', () => {
    const bad = gnp('bad', "  annotations:\n    palisade.io/cluster-selector: 'env =='\n");
    const plan = planApply(documents(gnp('ok'), bad), new Map(), new Set(['default']));
    expect(plan.map((p) => p.action)).toEqual(['created', 'error']);
    expect(plan[1]!.errors[0]).toMatchObject({
      path: ['input', 'yaml', 'metadata', 'annotations', 'palisade.io/cluster-selector'],
      line: plan[1]!.line,
    });
  });

  it('needs the tier, stored or created by the same apply', () => {
    const inTier = gnp('p').replace('tier: default', 'tier: security');
    const missing = planApply(documents(inTier), new Map(), new Set(['default']));
    expect(missing[0]!.action).toBe('error');
    expect(missing[0]!.errors[0]).toMatchObject({
      field: 'spec.tier',
      path: ['input', 'yaml', 'spec', 'tier'],
    });

    const tier =
      'apiVersion: projectcalico.org/v3\nkind: Tier\nmetadata:\n  name: security\nspec:\n  order: 300\n';
    const together = planApply(documents(inTier, tier), new Map(), new Set(['default']));
    expect(together.map((p) => p.action)).toEqual(['created', 'created']);
  });

  it('refuses to change a built-in tier', () => {
    const tier = (meta = '') =>
      `apiVersion: projectcalico.org/v3\nkind: Tier\nmetadata:\n  name: kube-admin\n${meta}spec:\n  order: 1000\n  defaultAction: Pass\n`;
    const stored = new Map([[ref('kube-admin', 'Tier'), storedAs(tier())]]);
    expect(planApply(documents(tier()), stored, new Set())[0]!.action).toBe('unchanged');
    const plan = planApply(documents(tier('  labels:\n    team: net\n')), stored, new Set());
    expect(plan[0]!.action).toBe('error');
    expect(plan[0]!.errors[0]!.message).toContain('built-in tier "kube-admin" cannot be changed');
  });

  it('carries the parse errors of an invalid document, with the field path', () => {
    const plan = planApply(
      documents(gnp('p').replace('types: [Ingress]', 'types: [Sideways]')),
      new Map(),
      new Set(),
    );
    expect(plan[0]!.action).toBe('error');
    expect(plan[0]!.errors[0]!.path.slice(0, 3)).toEqual(['input', 'yaml', 'spec']);
  });
});
