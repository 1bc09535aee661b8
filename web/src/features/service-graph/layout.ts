// The layout worker's messages, and the starting positions it refines: a node placed before keeps
// its place; new ones start on a sunflower spiral around their namespace (or the origin), so
// expanding a namespace unfolds it where it was and unconnected nodes settle into a disc, not a ring.
export interface LayoutRequest {
  id: number;
  nodes: { id: string; x: number; y: number }[];
  edges: [string, string][];
}

export interface LayoutResult {
  id: number;
  positions: Record<string, [number, number]>;
}

const GOLDEN_ANGLE = Math.PI * (3 - Math.sqrt(5));

export function seedPositions(
  nodes: readonly { id: string; parent?: string | null }[],
  known: ReadonlyMap<string, [number, number]>,
): Map<string, [number, number]> {
  const out = new Map<string, [number, number]>();
  const fresh = nodes.filter((n) => !known.has(n.id));
  nodes.forEach((n) => {
    const k = known.get(n.id);
    if (k) out.set(n.id, k);
  });
  fresh.forEach((n, i) => {
    const centre = (n.parent && known.get(n.parent)) || [0, 0];
    const angle = i * GOLDEN_ANGLE;
    const radius = 4 * Math.sqrt(i + 1);
    out.set(n.id, [centre[0] + radius * Math.cos(angle), centre[1] + radius * Math.sin(angle)]);
  });
  return out;
}
