// Label restrictions (calico-semantics §1.5): the documented derivations, and soundness — every
// label map a selector matches satisfies every restriction derived from it.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  evaluateSelector,
  labelRestrictions,
  parseSelector,
  type LabelRestriction,
} from '../src/selector/index.js';

function restrictionsOf(
  selector: string,
): Record<string, { present?: true; absent?: true; oneOf?: string[] }> {
  const out: Record<string, { present?: true; absent?: true; oneOf?: string[] }> = {};
  for (const [label, r] of labelRestrictions(parseSelector(selector))) {
    out[label] = {
      ...(r.mustBePresent ? { present: true as const } : {}),
      ...(r.mustBeAbsent ? { absent: true as const } : {}),
      ...(r.mustHaveOneOf ? { oneOf: [...r.mustHaveOneOf].sort() } : {}),
    };
  }
  return out;
}

describe('labelRestrictions', () => {
  it.each<[string, ReturnType<typeof restrictionsOf>]>([
    ['a == "x"', { a: { present: true, oneOf: ['x'] } }],
    ['a in {"x", "y"}', { a: { present: true, oneOf: ['x', 'y'] } }],
    ['a in {}', { a: { present: true, oneOf: [] } }],
    ['has(a)', { a: { present: true } }],
    [
      'a contains "x" && b starts with "y" && c ends with "z"',
      { a: { present: true }, b: { present: true }, c: { present: true } },
    ],
    ['!has(a)', { a: { absent: true } }],
    ['a != "x"', {}],
    ['a not in {"x"}', {}],
    ['!a == "x"', {}],
    ['all()', {}],
    ['global()', {}],
    ['a == "x" && a in {"x", "y"}', { a: { present: true, oneOf: ['x'] } }],
    ['a == "x" && a == "y"', { a: { present: true, oneOf: [] } }],
    ['has(a) && !has(a)', { a: { present: true, absent: true } }],
    ['a == "x" || a == "y"', { a: { present: true, oneOf: ['x', 'y'] } }],
    ['a == "x" || has(a)', { a: { present: true } }],
    ['a == "x" || b == "y"', {}],
    ['!has(a) || !has(a) && has(b)', { a: { absent: true } }],
  ])('%s', (selector, expected) => {
    expect(restrictionsOf(selector)).toEqual(expected);
  });

  const ATOMS = [
    'a == "x"',
    'a == "y"',
    'a in {"x", "z"}',
    'has(a)',
    '!has(a)',
    'b != "x"',
    'has(b)',
    'b contains "x"',
    'a not in {"x"}',
    'all()',
  ];
  const selector: fc.Arbitrary<string> = fc.letrec<{ s: string }>((tie) => ({
    s: fc.oneof(
      { depthSize: 'small' },
      fc.constantFrom(...ATOMS),
      tie('s').map((s) => `!(${s})`),
      fc.tuple(tie('s'), tie('s')).map(([x, y]) => `(${x} && ${y})`),
      fc.tuple(tie('s'), tie('s')).map(([x, y]) => `(${x} || ${y})`),
    ),
  })).s;
  const labels = fc
    .dictionary(fc.constantFrom('a', 'b'), fc.constantFrom('x', 'y', 'z', 'xx'), { maxKeys: 2 })
    .map((d) => new Map(Object.entries(d)));

  const satisfies = (r: LabelRestriction, value: string | undefined): boolean =>
    (!r.mustBePresent || value !== undefined) &&
    (!r.mustBeAbsent || value === undefined) &&
    (r.mustHaveOneOf === undefined || (value !== undefined && r.mustHaveOneOf.has(value)));

  it('is sound: matching label maps satisfy every restriction', () => {
    fc.assert(
      fc.property(selector, labels, (s, l) => {
        const node = parseSelector(s);
        if (!evaluateSelector(node, l)) return;
        for (const [label, r] of labelRestrictions(node)) expect(satisfies(r, l.get(label))).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });
});
