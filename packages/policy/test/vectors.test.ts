/// <reference types="node" />
// Runs every entry of the shared Calico selector vectors (calico-semantics §1.7) through the parser,
// both evaluators, the canonical printer and the UID.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  canonicalSelector,
  compileSelector,
  evaluateSelector,
  labelsFromRecord,
  normaliseSelector,
  parseSelector,
  SelectorSyntaxError,
  selectorUid,
} from '../src/selector/index.js';

interface Vectors {
  matchVectors: { selector: string; labels: Record<string, string>; match: boolean; source: string }[];
  invalidSelectors: { selector: string; error: true; source: string }[];
  canonicalForms: { input: string; canonical: string; uid?: string; source: string }[];
}

const vectors = JSON.parse(
  readFileSync(new URL('../../../../shared/spec/calico-selector-vectors.json', import.meta.url), 'utf8'),
) as Vectors;

const short = (s: string): string => JSON.stringify(s.length > 80 ? `${s.slice(0, 77)}...` : s);

describe('calico selector vectors', () => {
  it('has the documented number of entries', () => {
    expect(vectors.matchVectors).toHaveLength(212);
    expect(vectors.invalidSelectors).toHaveLength(49);
    expect(vectors.canonicalForms).toHaveLength(17);
  });

  describe('match vectors', () => {
    vectors.matchVectors.forEach((v, i) => {
      it(`#${i} ${short(v.selector)} on ${JSON.stringify(v.labels)} -> ${v.match}`, () => {
        const node = parseSelector(v.selector);
        const labels = labelsFromRecord(v.labels);
        expect(evaluateSelector(node, labels)).toBe(v.match);
        expect(compileSelector(node)(labels)).toBe(v.match);
        const reparsed = parseSelector(canonicalSelector(node));
        expect(canonicalSelector(reparsed)).toBe(canonicalSelector(node));
        expect(compileSelector(reparsed)(labels)).toBe(v.match);
      });
    });
  });

  describe('invalid selectors', () => {
    vectors.invalidSelectors.forEach((v, i) => {
      it(`#${i} rejects ${short(v.selector)}`, () => {
        expect(() => parseSelector(v.selector)).toThrow(SelectorSyntaxError);
        expect(normaliseSelector(v.selector)).toBe(v.selector);
      });
    });
  });

  describe('canonical forms', () => {
    vectors.canonicalForms.forEach((v, i) => {
      it(`#${i} ${short(v.input)} -> ${v.canonical}`, () => {
        const node = parseSelector(v.input);
        expect(canonicalSelector(node)).toBe(v.canonical);
        expect(normaliseSelector(v.input)).toBe(v.canonical);
        if (v.uid !== undefined) expect(selectorUid(node)).toBe(v.uid);
      });
    });
  });
});
