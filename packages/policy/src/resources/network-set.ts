// NetworkSet / GlobalNetworkSet spec (§2.6): address groups; entries may be IPs or CIDRs of either
// family and, unlike rule nets, need not be strictly masked.

import type { NetworkSetSpec } from './types.js';
import type { Path } from './issues.js';
import { compact, type Reader } from './reader.js';
import { parseCidr } from './ip.js';

export function readNetworkSetSpec(r: Reader, value: unknown): NetworkSetSpec | undefined {
  const path: Path = ['spec'];
  const raw = r.object(value ?? {}, path, ['nets'], {
    allowedEgressDomains: 'allowedEgressDomains is a Calico Enterprise extension and is not supported',
  });
  if (raw === undefined) return undefined;
  const nets = r.stringList(raw.nets, [...path, 'nets'], Infinity, (s, p) => {
    if (parseCidr(s) === undefined) r.fail(p, `"${s}" is not a valid IP address or CIDR`);
  });
  return compact<NetworkSetSpec>({ nets });
}
