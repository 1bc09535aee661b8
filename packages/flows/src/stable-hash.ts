// A stable, platform-independent 128-bit hash of a string, as 32 hex digits: four 32-bit
// multiply-xorshift lanes (cyrb-style) over the UTF-16 code units. It names a canonical trace in
// the aggregation key, so its output is part of the stored data: never change the algorithm or its
// seeds without migrating stored hashes. Not cryptographic: the input is the agent's own data, and
// a collision would merge two traces' counters of the same cluster, which the sender could do anyway.

const SEEDS = [0x9e3779b1, 0x85ebca77, 0xc2b2ae3d, 0x27d4eb2f] as const;

function lane(text: string, seed: number): number {
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (h1 ^ h2 ^ text.length) >>> 0;
}

export function stableHash(text: string): string {
  return SEEDS.map((seed) => lane(text, seed).toString(16).padStart(8, '0')).join('');
}
