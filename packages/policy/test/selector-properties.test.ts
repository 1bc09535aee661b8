// Property tests for the selector language: the parser fails only with SelectorSyntaxError, the
// canonical form is a fixed point of parse∘print, and the compiled matcher agrees with the
// reference evaluator.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  canonicalSelector,
  compileSelector,
  evaluateSelector,
  parseSelector,
  SelectorSyntaxError,
  type SelectorNode,
} from '../src/selector/index.js';

const LABELS = ['a', 'b', 'app', 'has', 'all', 'in', 'not', 'contains', 'starts', 'ends', 'with', 'global'];
const TRICKY_LABELS = ['__proto__', 'constructor', 'toString', 'k8s.io/name', '-x', '9', '.a', '/a'];
const VALUES = ['', 'x', 'y', 'web', 'a b', "it's", 'say "hi"', '{},&|', 'ünï', '😀'];

const label = fc.constantFrom(...LABELS, ...TRICKY_LABELS);
const value = fc.oneof(
  fc.constantFrom(...VALUES),
  fc.string({ maxLength: 6 }).filter((s) => !(s.includes('"') && s.includes("'"))),
);

const { node: astArb } = fc.letrec<{ node: SelectorNode }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant<SelectorNode>({ kind: 'all' }),
    fc.constant<SelectorNode>({ kind: 'global' }),
    label.map<SelectorNode>((l) => ({ kind: 'has', label: l })),
    fc
      .record({
        kind: fc.constantFrom('eq', 'neq', 'contains', 'startsWith', 'endsWith' as const),
        label,
        value,
      })
      .map<SelectorNode>((n) => n),
    fc
      .record({
        kind: fc.constantFrom('in', 'notIn' as const),
        label,
        values: fc.array(value, { maxLength: 4 }),
      })
      .map<SelectorNode>((n) => n),
    tie('node').map<SelectorNode>((operand) => ({ kind: 'not', operand })),
    fc
      .record({
        kind: fc.constantFrom('and', 'or' as const),
        operands: fc.array(tie('node'), { minLength: 0, maxLength: 4 }),
      })
      .map<SelectorNode>((n) => n),
  ),
}));

const labelMap = fc
  .array(fc.tuple(label, fc.constantFrom(...VALUES)), { maxLength: 6 })
  .map((entries) => new Map(entries));

const TOKENS = [
  '(',
  ')',
  '{',
  '}',
  ',',
  '==',
  '!=',
  '!',
  '&&',
  '||',
  '=',
  '&',
  '|',
  '"x"',
  "'y'",
  '""',
  '"',
  "'",
  'has(a)',
  'has(',
  'has (a)',
  'all()',
  'all(',
  'global()',
  'a',
  'b',
  'in',
  'not',
  'not in',
  'notin',
  'contains',
  'starts',
  'with',
  'startswith',
  'ends with',
  '\n',
  '\t',
  ' ',
  '%',
  ':',
  '1',
];

function parseOrSyntaxError(input: string): SelectorNode | undefined {
  try {
    return parseSelector(input);
  } catch (err) {
    expect(err).toBeInstanceOf(SelectorSyntaxError);
    const e = err as SelectorSyntaxError;
    expect(e.input).toBe(input);
    expect(e.position).toBeGreaterThanOrEqual(0);
    expect(e.position).toBeLessThanOrEqual(input.length);
    return undefined;
  }
}

describe('selector properties', () => {
  it('parser throws nothing but SelectorSyntaxError on arbitrary strings', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 60 }), (s) => {
        parseOrSyntaxError(s);
      }),
      { numRuns: 2000 },
    );
  });

  it('parser throws nothing but SelectorSyntaxError on token soups, and what parses round-trips', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...TOKENS), { maxLength: 14 }),
        fc.constantFrom(' ', ''),
        (ts, sep) => {
          const node = parseOrSyntaxError(ts.join(sep));
          if (node !== undefined) {
            const canonical = canonicalSelector(node);
            expect(canonicalSelector(parseSelector(canonical))).toBe(canonical);
          }
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('survives deep nesting without a stack overflow', () => {
    expect(() => parseSelector('('.repeat(100_000))).toThrow(SelectorSyntaxError);
    expect(canonicalSelector(parseSelector('!'.repeat(100_001) + 'has(a)'))).toBe('!has(a)');
    expect(canonicalSelector(parseSelector('('.repeat(200) + 'has(a)' + ')'.repeat(200)))).toBe('has(a)');
  });

  it('flattens a nested junction that collapses to the parent kind (found by the property below)', () => {
    const node: SelectorNode = {
      kind: 'and',
      operands: [
        { kind: 'has', label: 'a' },
        {
          kind: 'or',
          operands: [
            {
              kind: 'and',
              operands: [
                { kind: 'has', label: 'b' },
                { kind: 'has', label: 'c' },
              ],
            },
          ],
        },
      ],
    };
    expect(canonicalSelector(node)).toBe('(has(a) && has(b) && has(c))');
    expect(canonicalSelector(parseSelector(canonicalSelector(node)))).toBe(canonicalSelector(node));
  });

  it('canonical(parse(canonical(x))) === canonical(x) for random ASTs', () => {
    fc.assert(
      fc.property(astArb, (node) => {
        const canonical = canonicalSelector(node);
        expect(canonicalSelector(parseSelector(canonical))).toBe(canonical);
      }),
      { numRuns: 2000 },
    );
  });

  it('re-parsed canonical form means the same as the AST it was printed from', () => {
    fc.assert(
      fc.property(astArb, labelMap, (node, labels) => {
        const reparsed = parseSelector(canonicalSelector(node));
        expect(evaluateSelector(reparsed, labels)).toBe(evaluateSelector(node, labels));
      }),
      { numRuns: 2000 },
    );
  });

  it('compiled matcher agrees with the reference evaluator', () => {
    fc.assert(
      fc.property(astArb, fc.array(labelMap, { minLength: 1, maxLength: 5 }), (node, maps) => {
        const match = compileSelector(node);
        for (const labels of maps) expect(match(labels)).toBe(evaluateSelector(node, labels));
      }),
      { numRuns: 2000 },
    );
  });
});
