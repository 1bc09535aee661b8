// Compiled `ports`/`notPorts` lists: numeric ports and "a:b" ranges as flat pairs, named ports as
// names (resolved at match time against the named ports of the entities owning the address).

import type { Port } from '../resources/types.js';

export interface PortList {
  /** Inclusive [start, end] pairs, flattened. */
  readonly ranges: Int32Array;
  readonly names: readonly string[];
}

export function parsePortEntry(port: Port): { range: [number, number] } | { name: string } | undefined {
  if (typeof port === 'number') return Number.isInteger(port) ? { range: [port, port] } : undefined;
  const range = /^([0-9]+):([0-9]+)$/.exec(port);
  if (range) return { range: [Number(range[1]), Number(range[2])] };
  if (/^[0-9]+$/.test(port)) return { range: [Number(port), Number(port)] };
  return port.length > 0 ? { name: port } : undefined;
}

export function compilePortList(ports: readonly Port[]): PortList {
  const ranges: number[] = [];
  const names: string[] = [];
  for (const p of ports) {
    const entry = parsePortEntry(p);
    if (!entry) continue;
    if ('name' in entry) names.push(entry.name);
    else ranges.push(entry.range[0], entry.range[1]);
  }
  return { ranges: Int32Array.from(ranges), names };
}

export function portInRanges(list: PortList, port: number): boolean {
  const r = list.ranges;
  for (let i = 0; i < r.length; i += 2) if (port >= r[i]! && port <= r[i + 1]!) return true;
  return false;
}
