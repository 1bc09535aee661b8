// Calico's own protection and exposure flags for one endpoint (spec §2.3), computed only so that
// each row can say where Palisade's answer differs. Calico's rules, reproduced as documented:
// protected = some applied policy has the direction in its types (rule content ignored); only
// Allow rules count for exposure, tiers, order, Deny and Pass are ignored (an over-approximation).
// "Private" addresses are RFC 1918 (IPv4) and fc00::/7 (IPv6), as Calico's reporter treats them.
import { BlockList, isIP } from 'node:net';
import { compileSelector, parseSelector, type LabelMap, type Rule } from '@palisade/policy';

export interface ExposureFlags {
  ingressProtected: boolean;
  egressProtected: boolean;
  ingressFromInternet: boolean;
  egressToInternet: boolean;
  ingressFromOtherNamespace: boolean;
  egressToOtherNamespace: boolean;
}

export const FLAG_NAMES = [
  'ingressProtected',
  'egressProtected',
  'ingressFromInternet',
  'egressToInternet',
  'ingressFromOtherNamespace',
  'egressToOtherNamespace',
] as const satisfies readonly (keyof ExposureFlags)[];

export interface AppliedPolicyRules {
  global: boolean;
  ingress: readonly Rule[] | null;
  egress: readonly Rule[] | null;
}

/** A (Global)NetworkSet as Calico's selector matching sees it: its labels and its nets. */
export interface NetworkSetInfo {
  labels: LabelMap;
  nets: readonly string[];
}

const PRIVATE: [string, number, 'ipv4' | 'ipv6'][] = [
  ['10.0.0.0', 8, 'ipv4'],
  ['172.16.0.0', 12, 'ipv4'],
  ['192.168.0.0', 16, 'ipv4'],
  ['fc00::', 7, 'ipv6'],
];

const publicCache = new Map<string, boolean>();

/** True when the CIDR (or address) holds an address outside the private ranges. */
export function hasPublicAddress(cidr: string): boolean {
  let v = publicCache.get(cidr);
  if (v === undefined) {
    v = computeHasPublicAddress(cidr);
    if (publicCache.size >= MAX_COMPILED) publicCache.clear();
    publicCache.set(cidr, v);
  }
  return v;
}

function computeHasPublicAddress(cidr: string): boolean {
  const [addr = '', len] = cidr.split('/');
  const family = isIP(addr);
  if (family === 0) return false;
  const prefix = len === undefined ? (family === 4 ? 32 : 128) : Number(len);
  const type = family === 4 ? 'ipv4' : 'ipv6';
  for (const [net, bits, t] of PRIVATE) {
    if (t !== type || prefix < bits) continue;
    const block = new BlockList();
    block.addSubnet(net, bits, t);
    if (block.check(addr, t)) return false;
  }
  return true;
}

/** Compiled selectors by text: the same few selectors recur in every endpoint's rules. */
const compiled = new Map<string, (l: LabelMap) => boolean>();
const MAX_COMPILED = 10_000;

function matcherOf(selector: string): (l: LabelMap) => boolean {
  let m = compiled.get(selector);
  if (!m) {
    try {
      m = compileSelector(parseSelector(selector));
    } catch {
      m = () => false;
    }
    if (compiled.size >= MAX_COMPILED) compiled.clear();
    compiled.set(selector, m);
  }
  return m;
}

function selectorMatchesPublicSet(selector: string, sets: readonly NetworkSetInfo[]): boolean {
  if (sets.length === 0) return false;
  const matches = matcherOf(selector);
  return sets.some((s) => s.nets.some(hasPublicAddress) && matches(s.labels));
}

/** Calico's flags for an endpoint from the policies applying to it (per direction). */
export function calicoFlags(
  ingress: readonly AppliedPolicyRules[],
  egress: readonly AppliedPolicyRules[],
  sets: readonly NetworkSetInfo[],
): ExposureFlags {
  const exposure = (policies: readonly AppliedPolicyRules[], dir: 'ingress' | 'egress') => {
    let internet = false;
    let otherNs = false;
    for (const p of policies) {
      for (const r of (dir === 'ingress' ? p.ingress : p.egress) ?? []) {
        if (r.action !== 'Allow') continue;
        const peer = dir === 'ingress' ? r.source : r.destination;
        const nets = peer?.nets ?? [];
        const selector = peer?.selector ?? '';
        const nsSelector = peer?.namespaceSelector ?? '';
        if (nets.length === 0 && (p.global || nsSelector !== '' || selector === '')) otherNs = true;
        if (selector === '' && (nets.length === 0 || nets.some(hasPublicAddress))) internet = true;
        if (selector !== '' && selectorMatchesPublicSet(selector, sets)) internet = true;
      }
    }
    return { internet, otherNs };
  };
  const i = exposure(ingress, 'ingress');
  const e = exposure(egress, 'egress');
  return {
    ingressProtected: ingress.length > 0,
    egressProtected: egress.length > 0,
    ingressFromInternet: i.internet,
    egressToInternet: e.internet,
    ingressFromOtherNamespace: i.otherNs,
    egressToOtherNamespace: e.otherNs,
  };
}

/** The flag names where `palisade` and `calico` disagree, in column order. */
export function differences(
  palisade: ExposureFlags,
  calico: ExposureFlags,
  flags: readonly (keyof ExposureFlags)[],
) {
  return flags.filter((f) => palisade[f] !== calico[f]);
}
