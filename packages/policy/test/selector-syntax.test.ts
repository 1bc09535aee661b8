// The lexical and grammatical corners of calico-semantics §1.1–1.4 and §6, one row each.

import { describe, expect, it } from 'vitest';
import {
  canonicalSelector,
  normaliseSelector,
  parseSelector,
  SelectorSyntaxError,
} from '../src/selector/index.js';

const canonical = (s: string): string => canonicalSelector(parseSelector(s));

describe('accepted selectors and their canonical form', () => {
  it.each([
    ['', 'all()'],
    [' \t ', 'all()'],
    ['all( )', 'all()'],
    ['global()', 'global()'],
    ['has(a)', 'has(a)'],
    ['has( a )', 'has(a)'],
    ['has(\ta\t)', 'has(a)'],
    ['a startswith "x"', 'a starts with "x"'],
    ['a starts   with "x"', 'a starts with "x"'],
    ['a starts\twith "x"', 'a starts with "x"'],
    ['a endswith "x"', 'a ends with "x"'],
    ['a notin {"x"}', 'a not in {"x"}'],
    ['a not   in {"x"}', 'a not in {"x"}'],
    ['a in{"x"}', 'a in {"x"}'],
    ['a contains"x"', 'a contains "x"'],
    ['a in {}', 'a in {}'],
    ['a not in {}', 'a not in {}'],
    ['a in {"a",}', 'a in {"a"}'],
    ['a in {"b", "a", "b"}', 'a in {"a", "b"}'],
    ['has == "x"', 'has == "x"'],
    ['all == "x"', 'all == "x"'],
    ['global == "x"', 'global == "x"'],
    ['in in {"in"}', 'in in {"in"}'],
    ['not in {"x"}', 'not in {"x"}'],
    ['contains contains "contains"', 'contains contains "contains"'],
    ['9 == "x"', '9 == "x"'],
    ['-x == "x"', '-x == "x"'],
    ['.a == "x"', '.a == "x"'],
    ['/a == "x"', '/a == "x"'],
    ['a == ""', 'a == ""'],
    ['a == "it\'s"', 'a == "it\'s"'],
    ['a == \'say "hi"\'', 'a == \'say "hi"\''],
    ['a == "{},&|()"', 'a == "{},&|()"'],
    ['!a == "x" && b == "y"', '(!a == "x" && b == "y")'],
    ['!a in {"x"}', '!a in {"x"}'],
    ['!!has(a)', 'has(a)'],
    ['!!!has(a)', '!has(a)'],
    ['!(!has(a))', '!(!has(a))'],
    ['a == "1" || b == "2" && c == "3"', '(a == "1" || (b == "2" && c == "3"))'],
    ['(a == "1" || b == "2") && c == "3"', '((a == "1" || b == "2") && c == "3")'],
    ['(has(a) && has(b)) && has(c)', '(has(a) && has(b) && has(c))'],
    ['has(a) || (has(b) || has(c))', '(has(a) || has(b) || has(c))'],
    ['((has(a)))', 'has(a)'],
    [`${'a'.repeat(512)} == "x"`, `${'a'.repeat(512)} == "x"`],
  ])('%j -> %j', (input, expected) => {
    expect(canonical(input)).toBe(expected);
  });
});

describe('rejected selectors', () => {
  it.each([
    ['has(a)\n', 6],
    ['a == "x"\n&& has(b)', 8],
    ['a = "x"', 2],
    ['a & b', 2],
    ['a | b', 2],
    ['has (a)', 4],
    ['all(x)', 4],
    ['global(x)', 7],
    ['a IN {"x"}', 2],
    ['a Contains "x"', 2],
    ['a inx {"x"}', 2],
    ['a == 1', 5],
    ['"x" == a', 0],
    ['a == "b" c == "d"', 9],
    ['(a == "b"))', 10],
    ['all() all()', 6],
    ['a in {,}', 6],
    ['a in {"a",,"b"}', 10],
    ['a in {"a" "b"}', 10],
    ['a in {"a",', 10],
    ['a in "x"', 5],
    ['a == "x', 5],
    [`${'a'.repeat(513)} == "x"`, 0],
    [`has(${'a'.repeat(513)})`, 4],
    ['!', 1],
    ['a ==', 4],
  ])('%j fails at %i', (input, position) => {
    let error: unknown;
    try {
      parseSelector(input);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(SelectorSyntaxError);
    expect(error).toMatchObject({ input, position });
  });
});

describe('normaliseSelector', () => {
  it('trims and prints canonically', () => {
    expect(normaliseSelector('  a==  "b"&&has( c ) ')).toBe('(a == "b" && has(c))');
  });

  it('trims a trailing newline from a YAML block scalar before parsing', () => {
    expect(normaliseSelector('has(a)\n')).toBe('has(a)');
  });

  it('returns unparseable input unchanged', () => {
    expect(normaliseSelector(' a == ')).toBe(' a == ');
  });
});

describe('canonical printing of hand-built trees', () => {
  it('sorts and de-duplicates set values and flattens nested junctions', () => {
    expect(
      canonicalSelector({
        kind: 'and',
        operands: [
          { kind: 'in', label: 'a', values: ['z', 'a', 'z'] },
          { kind: 'and', operands: [{ kind: 'has', label: 'b' }, { kind: 'all' }] },
        ],
      }),
    ).toBe('(a in {"a", "z"} && has(b) && all())');
  });

  it('prints degenerate junctions as their boolean identity', () => {
    expect(canonicalSelector({ kind: 'and', operands: [] })).toBe('all()');
    expect(canonicalSelector({ kind: 'or', operands: [] })).toBe('!all()');
    expect(canonicalSelector({ kind: 'or', operands: [{ kind: 'has', label: 'x' }] })).toBe('has(x)');
  });

  it('orders set values by UTF-8 bytes, not UTF-16 code units', () => {
    expect(canonical('a in {"\uffff", "😀"}')).toBe('a in {"\uffff", "😀"}');
  });
});
