// Labels in one canonical order (by key), so that two equal label sets always encode to the same
// JSON: the inventory store compares objects by their encoding.

import type { Labels } from '@palisade/protocol';

export function sortLabels(labels: Labels | Readonly<Record<string, string>> | undefined | null): Labels {
  if (!labels) return {};
  return Object.fromEntries(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
