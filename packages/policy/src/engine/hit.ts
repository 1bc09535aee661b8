// Policy-hit strings (calico-semantics §4.2) are fixed per (policy, rule, action) except for their
// leading trace index, so each is built once and its indexed spellings are memoised.

import type { TraceNode } from './trace-trie.js';

export class Hit {
  private readonly indexed: string[] = [];
  /** The trace-trie node of a trace that starts with this hit (see trace-trie.ts). */
  firstNode: TraceNode | undefined = undefined;

  constructor(readonly text: string) {}

  at(index: number): string {
    let s = this.indexed[index];
    if (s === undefined) this.indexed[index] = s = `${index}|${this.text}`;
    return s;
  }
}

export function policyHitName(kind: string, namespace: string | undefined, name: string): string {
  return namespace === undefined ? `${kind}:${name}` : `${kind}:${namespace}/${name}`;
}

export const PROFILE_TIER = '__PROFILE__';
export const NO_PROFILE_MATCH_HIT = new Hit(`${PROFILE_TIER}|pro:__NO_MATCH__|deny|-1`);

export function profileAllowHit(profile: string): Hit {
  return new Hit(`${PROFILE_TIER}|pro:${profile}|allow|0`);
}
