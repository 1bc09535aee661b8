// The layout worker's messages, and the starting positions it refines: a node placed before keeps
// its place; new ones start on a sunflower spiral around their namespace, so expanding a namespace
// unfolds it where it was, and a first view with several namespaces expanded starts with each in
// a disc of its own (decision 0200): a readable drawing before the layout has run, and a layout
// that needs few iterations.
export interface LayoutRequest {
  id: number;
  /** `parent`: the node's namespace, which the layout keeps its members near. */
  nodes: { id: string; x: number; y: number; parent: string | null }[];
  edges: [string, string][];
}

export interface LayoutResult {
  id: number;
  positions: Record<string, [number, number]>;
  /** ForceAtlas2 iterations run within the time budget. */
  iterations: number;
}

const GOLDEN_ANGLE = Math.PI * (3 - Math.sqrt(5));
/** Distance between neighbours on a sunflower spiral. */
const SPACING = 4;

/** The i-th point of a sunflower spiral of `spacing` around `centre`: an even disc. */
function sunflower(centre: readonly [number, number], i: number, spacing: number): [number, number] {
  const angle = i * GOLDEN_ANGLE;
  const radius = spacing * Math.sqrt(i + 1);
  return [centre[0] + radius * Math.cos(angle), centre[1] + radius * Math.sin(angle)];
}

export function seedPositions(
  nodes: readonly { id: string; parent?: string | null }[],
  known: ReadonlyMap<string, [number, number]>,
): Map<string, [number, number]> {
  const out = new Map<string, [number, number]>();
  // Fresh nodes by where they start: around their placed namespace, or in a disc of their own.
  const around = new Map<string, string[]>();
  const groups = new Map<string, string[]>();
  for (const n of nodes) {
    const k = known.get(n.id);
    if (k) out.set(n.id, k);
    else if (n.parent && known.has(n.parent)) around.set(n.parent, [...(around.get(n.parent) ?? []), n.id]);
    else groups.set(n.parent ?? '', [...(groups.get(n.parent ?? '') ?? []), n.id]);
  }
  for (const [parent, ids] of around)
    ids.forEach((id, i) => out.set(id, sunflower(known.get(parent) ?? [0, 0], i, SPACING)));
  // Namespaces never placed (a first view with several expanded) get a disc each, the discs on a
  // spiral of their own: the layout starts from namespaces apart, which it would otherwise spend
  // most of its iterations sorting out of one mixed disc.
  const widest = Math.max(0, ...[...groups.values()].map((ids) => ids.length));
  const discSpacing = 2.2 * SPACING * Math.sqrt(widest + 1);
  [...groups.values()].forEach((ids, g) => {
    const centre = groups.size === 1 ? ([0, 0] as const) : sunflower([0, 0], g, discSpacing);
    ids.forEach((id, i) => out.set(id, sunflower(centre, i, SPACING)));
  });
  return out;
}
