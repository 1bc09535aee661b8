// Maps a validation path onto the YAML node it came from, so an error can carry the line and column
// of the offending field. A path that leads to a missing field resolves to its nearest ancestor.

import { isMap, isScalar, isSeq, type LineCounter, type Node } from 'yaml';
import type { Path } from '../resources/issues.js';

export interface SourcePosition {
  line: number;
  column: number;
}

function keyMatches(key: unknown, segment: string): boolean {
  return isScalar(key) ? String(key.value) === segment : false;
}

/** The offset of the node that best represents `segments` below `root`. */
export function locateOffset(root: Node | null, segments: Path): number | undefined {
  let node: unknown = root;
  let offset = root?.range?.[0];
  for (const seg of segments) {
    if (isMap(node) && typeof seg === 'string') {
      const pair = node.items.find((p) => keyMatches(p.key, seg));
      if (pair === undefined) break;
      const key = pair.key as Node;
      const value = pair.value as Node | null;
      offset = isScalar(value) && value.range ? value.range[0] : (key.range?.[0] ?? offset);
      node = value;
    } else if (isSeq(node) && typeof seg === 'number') {
      const item = node.items[seg] as Node | undefined;
      if (!item?.range) break;
      offset = item.range[0];
      node = item;
    } else {
      break;
    }
  }
  return offset;
}

export function positionOf(lineCounter: LineCounter, offset: number): SourcePosition {
  const { line, col } = lineCounter.linePos(offset);
  return { line, column: col };
}
