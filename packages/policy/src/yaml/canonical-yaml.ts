// Canonical YAML for a set of resources: one document per resource separated by `---`, canonical
// key order, explicit defaults, no line folding. Parsing the output and serialising again yields
// the same text (a fixed point), which makes it safe to store and diff.

import { Document } from 'yaml';
import type { PolicyResource } from '../resources/types.js';
import { canonicalResource } from './canonical-resource.js';

const TO_STRING_OPTIONS = { indent: 2, lineWidth: 0, minContentWidth: 0, indentSeq: true } as const;

export function toCanonicalYaml(resources: readonly PolicyResource[]): string {
  return resources
    .map((r) => new Document(canonicalResource(r), { version: '1.1' }).toString(TO_STRING_OPTIONS))
    .join('---\n');
}
