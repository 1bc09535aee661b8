// Label maps are ReadonlyMap so that keys such as "__proto__" or "constructor" are plain data.

import type { LabelMap } from './ast.js';

export function labelsFromRecord(record: Readonly<Record<string, string>>): LabelMap {
  return new Map(Object.entries(record));
}
