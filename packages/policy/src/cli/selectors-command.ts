// `palisade-policy selectors <vectors.json> --json`: what this implementation computes for each
// entry of a file in the calico-selector-vectors.json format, in the same order.

import {
  canonicalSelector,
  evaluateSelector,
  labelsFromRecord,
  parseSelector,
  type SelectorNode,
} from '../selector/index.js';
import { UsageError, parseCommandArgs } from './args.js';
import { EXIT_BAD_INPUT, EXIT_OK, type CommandIo } from './io.js';

interface VectorFile {
  matchVectors: { selector: string; labels: Record<string, string> }[];
  invalidSelectors: { selector: string }[];
  canonicalForms: { input: string }[];
}

function isVectorFile(v: unknown): v is VectorFile {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const o = v as Record<string, unknown>;
  if (!['matchVectors', 'invalidSelectors', 'canonicalForms'].some((k) => k in o)) return false;
  const arrays = ['matchVectors', 'invalidSelectors', 'canonicalForms'].map((k) => o[k] ?? []);
  if (!arrays.every(Array.isArray)) return false;
  const [match, invalid, canonical] = arrays as unknown[][];
  const obj = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null;
  return (
    match!.every((m) => obj(m) && typeof m.selector === 'string' && obj(m.labels)) &&
    invalid!.every((m) => obj(m) && typeof m.selector === 'string') &&
    canonical!.every((m) => obj(m) && typeof m.input === 'string')
  );
}

function tryParse(selector: string): SelectorNode | null {
  try {
    return parseSelector(selector);
  } catch {
    return null;
  }
}

export const SELECTORS_USAGE = `usage: palisade-policy selectors <vectors.json> --json
  Computes, for each entry of a file in the calico-selector-vectors.json format, whether the
  selector matches, fails to parse, or its canonical form; prints one JSON document.
  exit codes: 0 the file was read, 2 bad usage or not such a file
`;

export function selectorsCommand(args: readonly string[], io: CommandIo): number {
  const { positionals: files } = parseCommandArgs(args, ['--json']);
  if (files.length !== 1) throw new UsageError('expects exactly one vectors file');
  let doc: unknown;
  try {
    doc = JSON.parse(io.readFile(files[0]!));
  } catch (err) {
    io.stderr(`${files[0]}: ${err instanceof Error ? err.message : String(err)}\n`);
    return EXIT_BAD_INPUT;
  }
  if (!isVectorFile(doc)) {
    io.stderr(`${files[0]}: not a selector vectors file (matchVectors, invalidSelectors, canonicalForms)\n`);
    return EXIT_BAD_INPUT;
  }
  const out = {
    matchVectors: (doc.matchVectors ?? []).map((v) => {
      const node = tryParse(v.selector);
      const labels = labelsFromRecord(v.labels);
      return { selector: v.selector, labels: v.labels, match: node ? evaluateSelector(node, labels) : null };
    }),
    invalidSelectors: (doc.invalidSelectors ?? []).map((v) => ({
      selector: v.selector,
      error: tryParse(v.selector) === null,
    })),
    canonicalForms: (doc.canonicalForms ?? []).map((v) => {
      const node = tryParse(v.input);
      return { input: v.input, canonical: node ? canonicalSelector(node) : null };
    }),
  };
  io.stdout(`${JSON.stringify(out, null, 2)}\n`);
  return EXIT_OK;
}
