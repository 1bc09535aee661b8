// The lint rule that fails the build on a second definition of a contract fact (CONVENTIONS.md,
// "One home per contract"; decision 0022). Each invalid case is a copy that once existed in the
// code base (or its shape under another name), linted at a path outside the fact's home; the valid
// cases are the same text in its home, and code that merely uses the facts.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint, RuleTester } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';
import rule from '../eslint-rules/one-home.js';

RuleTester.describe = describe;
RuleTester.it = it;
RuleTester.itOnly = it.only;

const root = fileURLToPath(new URL('..', import.meta.url));
const at = (file: string) => path.join(root, file);
const tester = new RuleTester({ languageOptions: { parser: tseslint.parser } });
const elsewhere = [{ messageId: 'elsewhere' }];

const KIND_LIST = `const POLICY_KINDS = new Set(['NetworkPolicy', 'GlobalNetworkPolicy', 'StagedNetworkPolicy']);`;
const ERROR_UNION = `export type ErrorCode = 'NOT_FOUND' | 'CONFLICT' | 'FORBIDDEN' | 'NETWORK';`;
const STATUS_LIST = `const rank = ['FAILED', 'DRIFTED', 'PENDING', 'DISCONNECTED', 'IN_SYNC'];`;
const LABEL = `export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';`;
const ANNOTATION = `const path = ['metadata', 'annotations', 'palisade.io/cluster-selector'];`;
const REF_KEY = 'export function policyKey(p) { return `${p.kind}/${p.namespace ?? ""}/${p.name}`; }';
const ROW_KEY = 'const key = `${r.kind}\\u0000${r.namespace}\\u0000${r.name}`;';
const PLUS_KEY = `const key = ref.kind + '/' + (ref.namespace ?? '') + '/' + ref.name;`;
const JOIN_KEY = `const key = [kind, namespace, name].join('/');`;
const SELECTOR_RULE = `export function selectorMatches(selector, labels) {
  if (selector === '') return true;
  try { return compileSelector(parseSelector(selector))(labels); } catch { return false; }
}`;
const SELECTOR_MATCHER = `function safeCompile(s) { try { return compileSelector(parseSelector(s)); } catch { return () => false; } }`;
const DIFF_IMPORT = `import { diffArrays } from 'diff';`;
const DIFF_FUNCTION = `export function lineDiff(before, after) { return []; }`;
const DIFF_ARROW = `const unifiedDiff = (a, b) => '';`;

tester.run('one-home', rule, {
  valid: [
    { code: KIND_LIST, filename: at('packages/policy/src/managed/kinds.ts') },
    { code: KIND_LIST, filename: at('packages/policy/src/resources/kinds.ts') },
    { code: ERROR_UNION, filename: at('packages/access/src/error-codes.ts') },
    { code: STATUS_LIST, filename: at('packages/policy/src/managed/sync-status.ts') },
    { code: LABEL, filename: at('packages/policy/src/managed/metadata.ts') },
    { code: REF_KEY, filename: at('packages/policy/src/managed/resource-ref.ts') },
    { code: SELECTOR_RULE, filename: at('packages/policy/src/managed/cluster-selector.ts') },
    { code: DIFF_IMPORT, filename: at('packages/policy/src/managed/document-diff.ts') },
    // Using the facts is fine anywhere.
    {
      code: `import { refKey, isPolicyKind, MANAGED_BY_LABEL } from '@palisade/policy/managed';
             const k = refKey(r); const ok = isPolicyKind(r.kind); const l = { [MANAGED_BY_LABEL]: 'x' };`,
      filename: at('web/src/features/policies/api.ts'),
    },
    // Two kinds, one status, one code: a comparison, not a list.
    {
      code: `const k8s = p.kind === 'KubernetesNetworkPolicy' || p.kind === 'StagedKubernetesNetworkPolicy';
             type S = 'PENDING' | 'ACCEPTED' | 'REVOKED'; const c = ['NOT_FOUND', 'x'];`,
      filename: at('web/src/features/policies/api.ts'),
    },
    // A selector error reported to the caller is not the "matches nothing" rule.
    {
      code: `try { m = compileSelector(parseSelector(s)); } catch (e) { throw invalid(e); }`,
      filename: at('services/api/src/modules/clusters/clusters.resolver.ts'),
    },
    // Joining other things, or a kind with a name only, is not a reference key.
    {
      code: "const a = `${r.kind} ${r.name}`; const b = [ns, name].join('/'); const c = kind + ': ' + name;",
      filename: at('web/src/features/policies/model.ts'),
    },
    { code: PLUS_KEY, filename: at('packages/policy/src/managed/resource-ref.ts') },
    // A text that mentions an annotation is not its definition.
    {
      code: `const d = "Selector over cluster labels (annotation palisade.io/cluster-selector)";`,
      filename: at('services/api/src/modules/policies/models/policy.model.ts'),
    },
    // A home can be configured.
    {
      code: ERROR_UNION,
      filename: at('web/src/lib/graphql-client.ts'),
      options: [{ homes: { 'error-codes': ['web/src/lib/'] } }],
    },
  ],
  invalid: [
    { code: KIND_LIST, filename: at('web/src/features/policies/api.ts'), errors: elsewhere },
    {
      code: `enum PolicyResourceKind { Tier = 'Tier', NetworkSet = 'NetworkSet', NetworkPolicy = 'NetworkPolicy' }`,
      filename: at('services/api/src/modules/policies/models/policy.model.ts'),
      errors: elsewhere,
    },
    { code: ERROR_UNION, filename: at('web/src/lib/graphql-client.ts'), errors: elsewhere },
    {
      code: `const KNOWN_CODES = new Set<string>(['NOT_FOUND', 'CONFLICT', 'VALIDATION_FAILED']);`,
      filename: at('web/src/lib/graphql-client.ts'),
      errors: elsewhere,
    },
    {
      code: `export const ERROR_CODES = ['NOT_FOUND', 'CONFLICT', 'BAD_REQUEST', 'INTERNAL'] as const;`,
      filename: at('services/api/src/platform/errors/app-error.ts'),
      errors: elsewhere,
    },
    { code: STATUS_LIST, filename: at('web/src/features/policies/model.ts'), errors: elsewhere },
    {
      code: `export type StoredSyncStatus = 'IN_SYNC' | 'FAILED' | 'DRIFTED';`,
      filename: at('services/cluster-gateway/src/rollout/apply-report.ts'),
      errors: elsewhere,
    },
    { code: LABEL, filename: at('agent/src/policy/managed-objects.ts'), errors: elsewhere },
    {
      code: ANNOTATION,
      filename: at('services/api/src/modules/policies/policies.service.ts'),
      errors: elsewhere,
    },
    {
      code: `const a = { 'palisade.io/drift-mode': mode };`,
      filename: at('agent/src/policy/managed-policies.ts'),
      errors: elsewhere,
    },
    { code: REF_KEY, filename: at('web/src/features/policies/model.ts'), errors: elsewhere },
    {
      code: ROW_KEY,
      filename: at('services/cluster-gateway/src/rollout/apply-report.ts'),
      errors: elsewhere,
    },
    { code: PLUS_KEY, filename: at('agent/src/policy/managed-policies.ts'), errors: elsewhere },
    { code: JOIN_KEY, filename: at('web/src/features/policies/model.ts'), errors: elsewhere },
    {
      code: SELECTOR_RULE,
      filename: at('services/api/src/modules/policies/policies.service.ts'),
      errors: elsewhere,
    },
    {
      code: SELECTOR_MATCHER,
      filename: at('services/api/src/modules/policies/rollout/desired-state.service.ts'),
      errors: elsewhere,
    },
    { code: DIFF_IMPORT, filename: at('web/src/lib/line-diff.ts'), errors: elsewhere },
    { code: DIFF_FUNCTION, filename: at('web/src/lib/line-diff.ts'), errors: elsewhere },
    { code: DIFF_ARROW, filename: at('services/api/src/modules/policies/policy-diff.ts'), errors: elsewhere },
    // A kind list elsewhere in the policy package's own home is fine, but not in another package.
    { code: KIND_LIST, filename: at('packages/protocol/src/messages.ts'), errors: elsewhere },
  ],
});

describe('one-home in the project lint configuration', () => {
  const eslint = new ESLint({ cwd: root });
  const severity = async (file: string): Promise<unknown> => {
    const config = (await eslint.calculateConfigForFile(at(file))) as { rules?: Record<string, unknown> };
    const setting = config.rules?.['palisade/one-home'];
    return Array.isArray(setting) ? (setting as unknown[])[0] : setting;
  };

  it('is an error in every deployable and package source, off in tests and fixtures', async () => {
    for (const file of [
      'services/api/src/modules/policies/policies.service.ts',
      'services/cluster-gateway/src/rollout/apply-report.ts',
      'agent/src/policy/managed-policies.ts',
      'web/src/features/policies/model.ts',
      'web/src/lib/graphql-client.ts',
      'packages/protocol/src/messages.ts',
    ]) {
      expect(await severity(file), file).toBe(2);
    }
    for (const file of ['agent/test/simulated-policy.test.ts', 'web/src/lib/graphql-client.spec.tsx']) {
      expect(await severity(file), file).toBe(0);
    }
  });
});
