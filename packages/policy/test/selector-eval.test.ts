// Evaluation semantics of calico-semantics §1.3 and the §1.6 rewrites, for both evaluators.

import { describe, expect, it } from 'vitest';
import {
  canonicalSelector,
  compileSelector,
  containsGlobal,
  evaluateSelector,
  labelsFromRecord,
  parseSelector,
  prefixSelectorLabels,
  replaceAll,
} from '../src/selector/index.js';

function matchesBoth(selector: string, labels: Record<string, string>): boolean {
  const node = parseSelector(selector);
  const map = labelsFromRecord(labels);
  const reference = evaluateSelector(node, map);
  expect(compileSelector(node)(map)).toBe(reference);
  return reference;
}

describe('truth table', () => {
  it.each([
    ['k == "v"', { k: 'v' }, true],
    ['k == "v"', {}, false],
    ['k != "v"', { k: 'v' }, false],
    ['k != "v"', { k: 'w' }, true],
    ['k != "v"', {}, true],
    ['k in {"a", "b"}', { k: 'b' }, true],
    ['k in {"a", "b"}', {}, false],
    ['k in {}', { k: '' }, false],
    ['k not in {"a"}', { k: 'a' }, false],
    ['k not in {"a"}', {}, true],
    ['k not in {}', { k: 'a' }, true],
    ['k contains ""', { k: '' }, true],
    ['k contains ""', {}, false],
    ['k contains "eb"', { k: 'web' }, true],
    ['k starts with "we"', { k: 'web' }, true],
    ['k starts with "we"', {}, false],
    ['k ends with "eb"', { k: 'web' }, true],
    ['k ends with "eb"', { k: 'ebw' }, false],
    ['has(k)', { k: '' }, true],
    ['has(k)', {}, false],
    ['all()', {}, true],
    ['global()', {}, true],
    ['k == "V"', { k: 'v' }, false],
    ['K == "v"', { k: 'v' }, false],
    ['k == "v"', { k: ' v' }, false],
    ['k == "v*"', { k: 'vv' }, false],
    ['has(__proto__)', {}, false],
    ['has(constructor)', {}, false],
    ['toString == "x"', {}, false],
    ['__proto__ == "x"', JSON.parse('{"__proto__":"x"}') as Record<string, string>, true],
    ['constructor in {"x"}', { constructor: 'x' }, true],
    ['!has(a) && b != "x"', { b: 'y' }, true],
    ['has(a) || b == "x"', { b: 'x' }, true],
  ])('%s on %j is %s', (selector, labels, expected) => {
    expect(matchesBoth(selector, labels)).toBe(expected);
  });
});

describe('rewrites', () => {
  it('prefixes every label-bearing node', () => {
    const node = parseSelector(
      'a == "1" && b != "2" && c in {"3"} && d not in {"4"} && has(e) && f contains "5" && g starts with "6" && h ends with "7" && all()',
    );
    expect(canonicalSelector(prefixSelectorLabels(node, 'pcns.'))).toBe(
      '(pcns.a == "1" && pcns.b != "2" && pcns.c in {"3"} && pcns.d not in {"4"} && has(pcns.e) && ' +
        'pcns.f contains "5" && pcns.g starts with "6" && pcns.h ends with "7" && all())',
    );
  });

  it('replaces every all(), including nested ones, and keeps junctions flat', () => {
    const replacement = parseSelector('has(projectcalico.org/namespace)');
    const node = parseSelector('all() && (!all() || has(x))');
    expect(canonicalSelector(replaceAll(node, replacement))).toBe(
      '(has(projectcalico.org/namespace) && (!has(projectcalico.org/namespace) || has(x)))',
    );
    const andReplacement = parseSelector('has(a) && has(b)');
    expect(replaceAll(parseSelector('all() && has(c)'), andReplacement)).toEqual(
      parseSelector('has(a) && has(b) && has(c)'),
    );
  });

  it('does not mutate its input', () => {
    const node = parseSelector('a == "1" && all()');
    const before = canonicalSelector(node);
    prefixSelectorLabels(node, 'pcsa.');
    replaceAll(node, { kind: 'global' });
    expect(canonicalSelector(node)).toBe(before);
  });

  it('finds global() anywhere in the tree', () => {
    expect(containsGlobal(parseSelector('global()'))).toBe(true);
    expect(containsGlobal(parseSelector('has(a) || !(global() && has(b))'))).toBe(true);
    expect(containsGlobal(parseSelector('global == "x"'))).toBe(false);
    expect(containsGlobal(parseSelector('all()'))).toBe(false);
  });
});
