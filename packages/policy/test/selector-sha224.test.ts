/// <reference types="node" />
// The pure-TypeScript SHA-224 behind selector UIDs, checked against FIPS 180 examples and against
// Node's own implementation on random inputs around the block boundaries.

import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalSelector, parseSelector, selectorUid, sha224 } from '../src/selector/index.js';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
const ascii = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));

describe('sha224', () => {
  it.each([
    ['', 'd14a028c2a3a2bc9476102bb288234c415a2b01f828ea62ac5b3e42f'],
    ['abc', '23097d223405d8228642a477bda255b32aadbce4bda0b3f7e36c9da7'],
    [
      'abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq',
      '75388b16512776cc5dba5da1fd890150b0c6455cb4f58b1952522525',
    ],
  ])('hashes %j', (input, digest) => {
    expect(hex(sha224(ascii(input)))).toBe(digest);
  });

  it('agrees with node:crypto on random inputs, including every length near a block boundary', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        expect(hex(sha224(bytes))).toBe(createHash('sha224').update(bytes).digest('hex'));
      }),
      { numRuns: 500 },
    );
    for (let n = 50; n <= 130; n++) {
      const bytes = new Uint8Array(n).fill(n);
      expect(hex(sha224(bytes))).toBe(createHash('sha224').update(bytes).digest('hex'));
    }
  });
});

describe('selectorUid', () => {
  it('hashes the UTF-8 bytes of the canonical form, base64url without padding', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', maxLength: 20 }).filter((v) => !v.includes('"')),
        (value) => {
          const node = parseSelector(`k == "${value}"`);
          const expected =
            's:' +
            createHash('sha224')
              .update(`s:${canonicalSelector(node)}`, 'utf8')
              .digest('base64url');
          expect(selectorUid(node)).toBe(expected);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('encodes a lone surrogate as U+FFFD, like TextEncoder', () => {
    const node = parseSelector('k == "\ud800"');
    const expected = 's:' + createHash('sha224').update('s:k == "\ufffd"', 'utf8').digest('base64url');
    expect(selectorUid(node)).toBe(expected);
  });
});
