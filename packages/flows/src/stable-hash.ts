// A stable, platform-independent 128-bit hash of a string, as 32 hex digits: four 32-bit
// multiply-xorshift lanes (cyrb-style) over the UTF-16 code units. It names a canonical trace in
// the aggregation key, so its output is part of the stored data: never change the algorithm or its
// seeds without migrating stored hashes. Not cryptographic: the input is the agent's own data, and
// a collision would merge two traces' counters of the same cluster, which the sender could do anyway.

const SEEDS = [0x9e3779b1, 0x85ebca77, 0xc2b2ae3d, 0x27d4eb2f] as const;

function finish(h1: number, h2: number, length: number): string {
  const a = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  const b = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(a ^ (a >>> 13), 3266489909);
  return ((a ^ b ^ length) >>> 0).toString(16).padStart(8, '0');
}

/**
 * The four lanes in one pass over the text (the ingestion path hashes every record's traces):
 * lane k starts from `0xdeadbeef ^ seed[k]` and `0x41c6ce57 ^ seed[k]` and mixes each code unit.
 */
export function stableHash(text: string): string {
  let a1 = 0xdeadbeef ^ SEEDS[0];
  let a2 = 0x41c6ce57 ^ SEEDS[0];
  let b1 = 0xdeadbeef ^ SEEDS[1];
  let b2 = 0x41c6ce57 ^ SEEDS[1];
  let c1 = 0xdeadbeef ^ SEEDS[2];
  let c2 = 0x41c6ce57 ^ SEEDS[2];
  let d1 = 0xdeadbeef ^ SEEDS[3];
  let d2 = 0x41c6ce57 ^ SEEDS[3];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a1 = Math.imul(a1 ^ c, 2654435761);
    a2 = Math.imul(a2 ^ c, 1597334677);
    b1 = Math.imul(b1 ^ c, 2654435761);
    b2 = Math.imul(b2 ^ c, 1597334677);
    c1 = Math.imul(c1 ^ c, 2654435761);
    c2 = Math.imul(c2 ^ c, 1597334677);
    d1 = Math.imul(d1 ^ c, 2654435761);
    d2 = Math.imul(d2 ^ c, 1597334677);
  }
  const n = text.length;
  return finish(a1, a2, n) + finish(b1, b2, n) + finish(c1, c2, n) + finish(d1, d2, n);
}
