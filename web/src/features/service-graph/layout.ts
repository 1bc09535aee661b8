// The layout worker's messages, and the starting positions it refines: a node placed before keeps
// its place; a new one starts on a circle around its namespace (or the origin), so expanding a
// namespace unfolds it where it was.
export interface LayoutRequest {
  id: number;
  nodes: { id: string; x: number; y: number }[];
  edges: [string, string][];
}

export interface LayoutResult {
  id: number;
  positions: Record<string, [number, number]>;
}

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
    const angle = (2 * Math.PI * i) / Math.max(1, fresh.length);
    const radius = 10 + Math.sqrt(fresh.length) * 4;
    out.set(n.id, [centre[0] + radius * Math.cos(angle), centre[1] + radius * Math.sin(angle)]);
  });
  return out;
}
