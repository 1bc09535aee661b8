// Selector identity as Calico computes it (calico-semantics §1.4): the UID names IP sets and
// de-duplicates selectors across policies, so it must match upstream byte for byte.

import type { SelectorNode } from './ast.js';
import { canonicalSelector } from './canonical.js';
import { base64UrlNoPad, utf8Encode } from './encoding.js';
import { sha224 } from './sha224.js';

export function selectorUid(node: SelectorNode): string {
  return 's:' + base64UrlNoPad(sha224(utf8Encode('s:' + canonicalSelector(node))));
}
