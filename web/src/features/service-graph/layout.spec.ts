import { describe, expect, it } from 'vitest';
import { seedPositions } from './layout';

const centre = (points: [number, number][]): [number, number] => [
  points.reduce((n, p) => n + p[0], 0) / points.length,
  points.reduce((n, p) => n + p[1], 0) / points.length,
];
const distance = (a: [number, number], b: [number, number]) => Math.hypot(a[0] - b[0], a[1] - b[1]);

describe('layout seed', () => {
  it('keeps placed nodes, and unfolds a namespace around where it was', () => {
    const known = new Map<string, [number, number]>([['ns-a', [100, -50]]]);
    const seeds = seedPositions(
      [{ id: 'ns-a' }, { id: 'w1', parent: 'ns-a' }, { id: 'w2', parent: 'ns-a' }],
      known,
    );
    expect(seeds.get('ns-a')).toEqual([100, -50]);
    for (const id of ['w1', 'w2']) expect(distance(seeds.get(id)!, [100, -50])).toBeLessThan(10);
  });

  it('starts each namespace never placed in a disc of its own, apart from the others', () => {
    const nodes = ['a', 'b', 'c'].flatMap((ns) =>
      Array.from({ length: 30 }, (_, i) => ({ id: `${ns}${i}`, parent: `ns-${ns}` })),
    );
    const seeds = seedPositions(nodes, new Map());
    const discs = ['a', 'b', 'c'].map((ns) =>
      nodes.filter((n) => n.parent === `ns-${ns}`).map((n) => seeds.get(n.id)!),
    );
    const centres = discs.map(centre);
    discs.forEach((disc, d) => {
      // Every member is nearer its own namespace's centre than any other's.
      for (const p of disc) {
        const own = distance(p, centres[d]!);
        centres.forEach((c, other) => {
          if (other !== d) expect(own).toBeLessThan(distance(p, c));
        });
      }
    });
  });
});
