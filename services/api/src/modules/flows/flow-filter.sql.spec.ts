import { describe, expect, it } from 'vitest';
import { flowCondition, policyPatterns } from './flow-filter.sql.js';
import type { FlowQuery } from './flow-store.js';

const ORG = '00000000-0000-0000-0000-000000000001';
const empty: FlowQuery = {
  clusters: [],
  from: null,
  to: null,
  sourceNames: [],
  sourceNamespaces: [],
  destNames: [],
  destNamespaces: [],
  protocols: [],
  destPorts: [],
  actions: [],
  pendingActions: [],
  policies: [],
  reporter: null,
};

describe('policyPatterns', () => {
  it('matches a policy directly and, through its trigger, the ends of tier it caused', () => {
    expect(policyPatterns({ kind: 'gnp', name: 'base', tier: 'security' })).toEqual([
      [{ kind: 'gnp', tier: 'security', name: 'base' }],
      [{ kind: 'eot', tier: 'security', trigger: { kind: 'gnp', name: 'base' } }],
    ]);
  });

  it('matches a tier or an action alone on the hit itself', () => {
    expect(policyPatterns({ tier: 'security', action: 'deny' })).toEqual([
      [{ tier: 'security', action: 'deny' }],
    ]);
  });

  it('looks for an end of tier of a named policy only in the trigger', () => {
    expect(policyPatterns({ kind: 'eot', name: 'base' })).toEqual([
      [{ kind: 'eot', trigger: { name: 'base' } }],
    ]);
    expect(policyPatterns({ kind: 'eot' })).toEqual([[{ kind: 'eot' }]]);
  });
});

describe('flowCondition', () => {
  it('always scopes to the organisation and its retention, with values only as parameters', () => {
    const q = flowCondition(ORG, { ...empty, sourceNames: [{ value: "x' OR TRUE --", type: 'fuzzy' }] });
    expect(q.text).toContain('f.org_id = $1::uuid');
    expect(q.text).toContain('flow_retention_days');
    expect(q.text).not.toContain("x' OR TRUE");
    expect(q.values).toContain("x' OR TRUE --");
  });

  it('matches an exact alias through the stored value it stands for', () => {
    const q = flowCondition(ORG, { ...empty, destNames: [{ value: 'PUBLIC NETWORK', type: 'exact' }] });
    expect(q.values).toContainEqual(['PUBLIC NETWORK', 'pub']);
  });
});
