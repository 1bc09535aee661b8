import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { exceedsUtf8Bytes, truncateUtf8, utf8ByteLength } from './utf8.js';

const encoder = new TextEncoder();

describe('utf8ByteLength', () => {
  it.each([
    ['', 0],
    ['abc', 3],
    ['é', 2],
    ['€', 3],
    ['𝄞', 4],
    ['\ud834', 3],
    ['\udd1e\ud834', 6],
  ])('%j is %i bytes', (text, bytes) => {
    expect(utf8ByteLength(text)).toBe(bytes);
  });

  it('agrees with TextEncoder on any string', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        expect(utf8ByteLength(text)).toBe(encoder.encode(text).byteLength);
      }),
    );
  });
});

describe('exceedsUtf8Bytes and truncateUtf8', () => {
  it('decide the limit exactly and cut to the longest fitting prefix', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 60 }), fc.nat(200), (text, max) => {
        const bytes = utf8ByteLength(text);
        expect(exceedsUtf8Bytes(text, max)).toBe(bytes > max);
        const cut = truncateUtf8(text, max);
        expect(text.startsWith(cut)).toBe(true);
        expect(utf8ByteLength(cut)).toBeLessThanOrEqual(max);
        if (cut.length < text.length) {
          const next = text.codePointAt(cut.length) ?? 0;
          expect(utf8ByteLength(cut + String.fromCodePoint(next))).toBeGreaterThan(max);
        }
      }),
    );
  });
});
