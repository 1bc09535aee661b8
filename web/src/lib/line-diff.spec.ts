import { describe, expect, it } from 'vitest';
import { foldContext, lineDiff } from './line-diff';

describe('lineDiff', () => {
  it('keeps common lines and marks the rest', () => {
    expect(lineDiff('a\nb\nc', 'a\nx\nc\nd')).toEqual([
      { kind: 'same', text: 'a' },
      { kind: 'del', text: 'b' },
      { kind: 'add', text: 'x' },
      { kind: 'same', text: 'c' },
      { kind: 'add', text: 'd' },
    ]);
  });

  it('handles empty sides', () => {
    expect(lineDiff('', 'a')).toEqual([{ kind: 'add', text: 'a' }]);
    expect(lineDiff('a', '')).toEqual([{ kind: 'del', text: 'a' }]);
  });

  it('folds long unchanged runs', () => {
    const before = Array.from({ length: 20 }, (_, i) => `l${i}`).join('\n');
    const after = before.replace('l10', 'L10');
    const folded = foldContext(lineDiff(before, after), 2);
    expect(folded[0]).toEqual({ kind: 'gap', text: '… 8 unchanged lines' });
    expect(folded.filter((l) => l.kind !== 'gap').map((l) => l.text)).toEqual([
      'l8',
      'l9',
      'l10',
      'L10',
      'l11',
      'l12',
    ]);
    expect(folded.at(-1)).toEqual({ kind: 'gap', text: '… 7 unchanged lines' });
  });
});
