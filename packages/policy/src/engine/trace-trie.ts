// Interned traces: a trie over hit sequences whose nodes hold the finished trace array and the
// verdict objects, so a verdict that was seen before costs a few Map lookups and allocates
// nothing. Verdicts handed out are therefore shared and must be treated as immutable.

import type { DirectionVerdict } from './connection.js';
import type { Hit } from './hit.js';

export class TraceNode {
  private children: Map<Hit, TraceNode> | undefined;
  private allowVerdict: DirectionVerdict | undefined;
  private denyVerdict: DirectionVerdict | undefined;

  constructor(readonly trace: readonly string[]) {}

  child(hit: Hit): TraceNode {
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
