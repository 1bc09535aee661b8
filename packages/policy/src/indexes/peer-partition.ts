// Peers split by what a plan view can tell apart about their addresses, without reading every
// peer for every view (decision 0195). Grouping all peers by addressFeatures under each plan's
// view costs peers × plans, and a report over thousands of endpoints has thousands of plans.
// Instead the peers are split once by what no view criterion changes — a caller's key (e.g. the
// peer's own plan) plus the address's other owners, the peer's named ports and the Service
// backends at its address — and each view then only refines that split by its criteria: for a
// selector the peers whose own labels it matches (found through a label index when the selector
// requires a label value), for a CIDR set the peers whose address it holds, each kept as the
// smaller of the set and its complement. Peers outside every such set keep their first split.
// Within a first split, the other owners are the same, so a selector matches some owner of two
// peers' addresses alike when it matches both peers alike: the classes are never coarser than
// addressFeatures' (they may be finer, which only costs an extra representative).

import type { CidrSet } from '../engine/cidr-set.js';
import { ipKey } from '../engine/ip.js';
import type { ResolvedAddress } from '../engine/packet.js';
import type { SelectorSlot } from '../engine/selector-table.js';
import type { Entity, World } from '../engine/world.js';
import type { SelectorNode } from '../selector/index.js';
import type { PlanView } from './plan-view.js';

export interface PartitionClass {
  /** Equal keys, equal address features under the view (the converse need not hold). */
  readonly key: string;
  /** Two members (from two namespaces when `distinctNamespaces` and the class spans two). */
  readonly members: Entity[];
  /** The first split it refines (peers alike in the caller's key and what views cannot change). */
  readonly split: number;
}

/**
 * What a view's criteria mark: per peer the node of the sequence of criteria (their positions in
 * the view) whose sets hold it, 0 when none does; and the marked peers in the order first marked.
 * Numbers instead of strings of positions (decision 0196): equal sequences, equal nodes, in every
 * view over one partition.
 */
interface Marks {
  readonly tags: Int32Array;
  readonly touched: readonly number[];
}

const NO_MARKS: Marks = { tags: new Int32Array(0), touched: [] };

/** A criterion's peers, or the peers outside it when those are fewer (either splits alike). */
type Marked = Int32Array;

/** Per Service-backend address, the Services and ports it backs (part of every first split). */
export function backendKeys(world: World): Map<string, string> {
  const keys = new Map<string, string>();
  for (const [name, backends] of world.services)
    for (const b of backends) {
      const k = ipKey(b.ip) + (b.ip.family === 6 ? '/6' : '');
      keys.set(k, `${keys.get(k) ?? ''}${name}:${b.protocol}:${b.port},`);
    }
  return keys;
}

/**
 * Peers (one family) with what no caller's key changes: per peer the part of the first split
 * views cannot change (the address's other owners, its named ports, the Service backends at its
 * address) and, per criterion, the peers it marks. Shared by the partitions of every index over
 * the same peers with the same entities (a report's states, decision 0196), whose callers' keys
 * differ.
 */
export class PeerSets {
  readonly indexOf = new Map<number, number>();
  /** Per peer: an id of the part of its first split views cannot change. */
  readonly bases: Int32Array;
  private byLabel: Map<string, Map<string, number[]>> | null = null;
  private readonly selectorSets = new Map<SelectorSlot, Marked>();
  /** By CidrSet key: equal keys, equal sets, whichever compiled rule holds them. */
  private readonly cidrSets = new Map<string, Marked>();

  constructor(
    readonly peers: readonly Entity[],
    private readonly addresses: readonly ResolvedAddress[],
    backends: ReadonlyMap<string, string>,
  ) {
    const n = peers.length;
    this.bases = new Int32Array(n);
    const bases = new Map<string, number>();
    for (let i = 0; i < n; i++) {
      const peer = peers[i]!;
      const addr = addresses[i]!;
      const others: number[] = [];
      for (const id of addr.ids) if (id !== peer.id) others.push(id);
      const ip = addr.ip;
      const base = `${others.join(',')}|${JSON.stringify(peer.namedPorts)}|${backends.get(ipKey(ip) + (ip.family === 6 ? '/6' : '')) ?? ''}`;
      let baseId = bases.get(base);
      if (baseId === undefined) bases.set(base, (baseId = bases.size));
      this.bases[i] = baseId;
      this.indexOf.set(peer.id, i);
    }
  }

  private smaller(matching: number[]): Marked {
    if (matching.length * 2 <= this.peers.length) return Int32Array.from(matching);
    const inside = new Uint8Array(this.peers.length);
    for (const i of matching) inside[i] = 1;
    const outside: number[] = [];
    for (let i = 0; i < this.peers.length; i++) if (!inside[i]) outside.push(i);
    return Int32Array.from(outside);
  }

  selectorSet(slot: SelectorSlot): Marked {
    let set = this.selectorSets.get(slot);
    if (set) return set;
    const candidates = this.candidates(slot.node);
    const matching: number[] = [];
    if (candidates) {
      for (const i of candidates) if (slot.matches(this.peers[i]!)) matching.push(i);
    } else for (let i = 0; i < this.peers.length; i++) if (slot.matches(this.peers[i]!)) matching.push(i);
    set = this.smaller(matching);
    this.selectorSets.set(slot, set);
    return set;
  }

  cidrSet(cidrs: CidrSet): Marked {
    let set = this.cidrSets.get(cidrs.key);
    if (set) return set;
    const matching: number[] = [];
    for (let i = 0; i < this.peers.length; i++) if (cidrs.contains(this.addresses[i]!.ip)) matching.push(i);
    set = this.smaller(matching);
    this.cidrSets.set(cidrs.key, set);
    return set;
  }

  /**
   * Peers (sorted, without repeats) among which every match of `node` lies, from the label index;
   * null when the selector requires no label value.
   */
  private candidates(node: SelectorNode): number[] | null {
    switch (node.kind) {
      case 'eq':
        return this.withLabel(node.label, [node.value]);
      case 'in':
        return this.withLabel(node.label, node.values);
      case 'and': {
        let best: number[] | null = null;
        for (const o of node.operands) {
          const c = this.candidates(o);
          if (c && (!best || c.length < best.length)) best = c;
        }
        return best;
      }
      case 'or': {
        const all = new Set<number>();
        for (const o of node.operands) {
          const c = this.candidates(o);
          if (!c) return null;
          for (const i of c) all.add(i);
        }
        return [...all].sort((a, b) => a - b);
      }
      default:
        return null;
    }
  }

  private withLabel(label: string, values: readonly string[]): number[] {
    if (!this.byLabel) {
      this.byLabel = new Map();
      for (let i = 0; i < this.peers.length; i++)
        for (const [k, v] of this.peers[i]!.labels) {
          let byValue = this.byLabel.get(k);
          if (!byValue) this.byLabel.set(k, (byValue = new Map<string, number[]>()));
          const list = byValue.get(v);
          if (list) list.push(i);
          else byValue.set(v, [i]);
        }
    }
    const byValue = this.byLabel.get(label);
    if (!byValue) return [];
    if (values.length === 1) return byValue.get(values[0]!) ?? [];
    return [...new Set(values.flatMap((v) => byValue.get(v) ?? []))].sort((a, b) => a - b);
  }
}

export class PeerPartition {
  private readonly first: Int32Array;
  /** Per first split: its peers in order, and the key part views cannot change. */
  private readonly splits: { members: number[]; base: number }[] = [];
  /** Per peer: the next position in its split whose peer is of another namespace. */
  private readonly nextNamespace: Int32Array;
  private defaults: Entity[][] | undefined;
  private readonly peers: readonly Entity[];
  /** Criteria sequences as a trie: node, then criterion position, to the node it leads to. */
  private readonly trie = new Map<number, Map<number, number>>();
  private nodes = 1;
  /** The tags of the view being marked (zeroed again by release). */
  private readonly tags: Int32Array;
  /** Per split, the node of the last class refine met in it (zeroed again by refine). */
  private readonly lastTag: Int32Array;
  private readonly lastMembers: (Entity[] | undefined)[];

  /**
   * The peers of `sets`; `own` is the caller's part of the first split per peer (a number: equal
   * numbers, equal parts). With
   * `distinctNamespaces`, a class keeps members of two namespaces when it has them; otherwise its
   * first two members.
   */
  constructor(
    private readonly sets: PeerSets,
    own: ArrayLike<number>,
    private readonly distinctNamespaces: boolean,
  ) {
    const peers = (this.peers = sets.peers);
    const n = peers.length;
    this.first = new Int32Array(n);
    this.nextNamespace = new Int32Array(n);
    this.tags = new Int32Array(n);
    this.lastTag = new Int32Array(n);
    this.lastMembers = new Array<Entity[] | undefined>(n).fill(undefined);
    // The first split's key as one number (own part, then base part): no string per peer.
    let bases = 1;
    for (let i = 0; i < n; i++) bases = Math.max(bases, sets.bases[i]! + 1);
    const byKey = new Map<number, number>();
    for (let i = 0; i < n; i++) {
      const baseId = sets.bases[i]!;
      const key = own[i]! * bases + baseId;
      let s = byKey.get(key);
      if (s === undefined) {
        byKey.set(key, (s = this.splits.length));
        this.splits.push({ members: [], base: baseId });
      }
      this.first[i] = s;
      this.splits[s]!.members.push(i);
    }
    for (const { members } of this.splits) {
      for (let p = members.length - 1; p >= 0; p--) {
        const i = members[p]!;
        const after = members[p + 1];
        this.nextNamespace[i] =
          after === undefined
            ? members.length
            : peers[after]!.namespace !== peers[i]!.namespace
              ? p + 1
              : this.nextNamespace[after]!;
      }
    }
  }

  /**
   * Per peer (by entity), a key under `view`: equal keys, equal address features under the view
   * (and equal caller's keys). Undefined for an entity that is not one of the peers.
   */
  keys(view: PlanView): (peer: Entity) => string | undefined {
    const marks = this.marks(view);
    const tags = marks.tags.slice();
    this.release(marks);
    return (peer) => {
      const i = this.sets.indexOf.get(peer.id);
      return i === undefined ? undefined : `${this.first[i]}|${tags[i]}`;
    };
  }

  /** The criteria of `view` whose sets hold each peer (release them once read). */
  private marks(view: PlanView): Marks {
    const tags = this.tags;
    const touched: number[] = [];
    let criterion = 0;
    const mark = (set: Marked) => {
      const c = criterion++;
      // Most peers of a set come from the same node: look each node's step up once.
      const steps = new Map<number, number>();
      for (const i of set) {
        const from = tags[i]!;
        if (from === 0) touched.push(i);
        let to = steps.get(from);
        if (to === undefined) {
          let next = this.trie.get(from);
          if (!next) this.trie.set(from, (next = new Map<number, number>()));
          to = next.get(c);
          if (to === undefined) next.set(c, (to = this.nodes++));
          steps.set(from, to);
        }
        tags[i] = to;
      }
    };
    for (const s of view.selectors) mark(this.sets.selectorSet(s));
    for (const c of view.cidrs) mark(this.sets.cidrSet(c));
    return { tags, touched };
  }

  private release(marks: Marks): void {
    for (const i of marks.touched) this.tags[i] = 0;
  }

  /** The classes of the peers under `view`. */
  classes(view: PlanView): PartitionClass[] {
    const { marked, unmarked } = this.refine(view);
    const out = [...marked];
    for (let s = 0; s < this.splits.length; s++) {
      const members = unmarked.get(s) ?? this.representatives(s);
      if (members.length > 0) out.push({ key: this.unmarkedKey(s), members, split: s });
    }
    return out;
  }

  /**
   * The classes under `view` of the peers some criterion of it marks, and for each first split
   * holding such peers the representatives of its other peers; every other split is one class,
   * with `representatives(split)` and key `unmarkedKey(split)`. Costs what the criteria mark, not
   * the number of peers or splits.
   */
  refine(view: PlanView): { marked: PartitionClass[]; unmarked: Map<number, Entity[]> } {
    const marks = this.marks(view);
    const marked: PartitionClass[] = [];
    const unmarked = new Map<number, Entity[]>();
    // The members of the classes by split and node: the last node seen per split in arrays (most
    // splits hold one), the others in a map by node, then split.
    const { lastTag, lastMembers } = this;
    const grouped = new Map<number, Map<number, Entity[]>>();
    for (const i of marks.touched) {
      const tag = marks.tags[i]!;
      const s = this.first[i]!;
      let members: Entity[] | undefined;
      if (lastTag[s] === 0) {
        unmarked.set(s, this.untouched(this.splits[s]!.members, marks));
      } else if (lastTag[s] === tag) members = lastMembers[s];
      else {
        let bySplit = grouped.get(lastTag[s]!);
        if (!bySplit) grouped.set(lastTag[s]!, (bySplit = new Map<number, Entity[]>()));
        bySplit.set(s, lastMembers[s]!);
        members = grouped.get(tag)?.get(s);
      }
      if (!members) {
        const c = { key: `${this.splits[s]!.base}|${tag}`, members: [this.peers[i]!], split: s };
        members = c.members;
        marked.push(c);
      } else this.add(members, this.peers[i]!);
      lastTag[s] = tag;
      lastMembers[s] = members;
    }
    for (const s of unmarked.keys()) lastTag[s] = 0;
    this.release(marks);
    return { marked, unmarked };
  }

  get splitCount(): number {
    return this.splits.length;
  }

  /** The key of a split's unmarked peers (equal for splits alike in what views cannot change). */
  unmarkedKey(split: number): string {
    return `${this.splits[split]!.base}|`;
  }

  /** Two members of a split (see add), when no criterion marks any of its peers. */
  representatives(split: number): Entity[] {
    this.defaults ??= this.splits.map((s) => this.untouched(s.members, NO_MARKS));
    return this.defaults[split]!;
  }

  private add(members: Entity[], peer: Entity): void {
    if (members.length >= 2) return;
    if (!this.distinctNamespaces || members[0]!.namespace !== peer.namespace) members.push(peer);
  }

  /** Two members of a split that no criterion marked (see add), skipping runs of one namespace. */
  private untouched(split: readonly number[], marks: Marks): Entity[] {
    const out: Entity[] = [];
    let p = 0;
    while (p < split.length && marks.tags[split[p]!]) p++;
    if (p === split.length) return out;
    const first = this.peers[split[p]!]!;
    out.push(first);
    p++;
    while (p < split.length) {
      const i = split[p]!;
      const peer = this.peers[i]!;
      if (this.distinctNamespaces && peer.namespace === first.namespace) p = this.nextNamespace[i]!;
      else if (marks.tags[i]) p++;
      else {
        out.push(peer);
        break;
      }
    }
    return out;
  }
}
