// Interned traces: a trie over hit sequences whose nodes hold the finished trace array and the
// verdict objects, so a verdict that was seen before costs a few lookups and allocates nothing.
// The first level hangs off the hits themselves; a node only depends on its hit sequence, so
// sharing one between engines (the no-match hit is a module constant) is harmless.
// Verdicts handed out are therefore shared and must be treated as immutable.

import type { DirectionVerdict } from './connection.js';
import type { Hit } from './hit.js';

export class TraceNode {
  private children: Map<Hit, TraceNode> | undefined;
  private allowVerdict: DirectionVerdict | undefined;
  private denyVerdict: DirectionVerdict | undefined;

  constructor(readonly trace: readonly string[]) {}

  child(hit: Hit): TraceNode {
    if (this.trace.length === 0) return (hit.firstNode ??= new TraceNode([hit.at(0)]));
    this.children ??= new Map();
    let node = this.children.get(hit);
    if (!node) this.children.set(hit, (node = new TraceNode([...this.trace, hit.at(this.trace.length)])));
    return node;
  }

  verdict(allowed: boolean): DirectionVerdict {
    if (allowed)
      return (this.allowVerdict ??= Object.freeze({ action: 'allow', trace: Object.freeze(this.trace) }));
    return (this.denyVerdict ??= Object.freeze({ action: 'deny', trace: Object.freeze(this.trace) }));
  }
}
