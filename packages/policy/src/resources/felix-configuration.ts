// FelixConfiguration (projectcalico.org/v3): the per-cluster dataplane settings — WireGuard, eBPF,
// nftables, flow logs — in Calico's shape. The `default` object applies to every node, a
// `node.<node name>` object overrides it on one node. Palisade validates, field by field, the
// settings it understands (types, ranges and enum values from Calico's felixconfig.go and Felix's
// config_params.go); every other spec field is kept exactly as written and NOT validated
// (`unvalidatedFelixFields` lists them so callers can say so). Decision 0090.
//
// Palisade stores several FelixConfigurations per organisation for different cluster groups, so a
// stored name is free and the annotation `palisade.io/applies-as` names the object it becomes in the
// cluster (`default` or `node.<name>`; the object's own name when absent).

import type { FelixConfigurationSpec, ObjectMeta } from './types.js';
import { isPlainObject, type RawObject, type Reader } from './reader.js';
import { checkName, NAME_RULES } from './names.js';

/** The annotation naming the FelixConfiguration object a stored document sets on the cluster. */
export const APPLIES_AS_ANNOTATION = 'palisade.io/applies-as';

/** Felix's nftables modes (felixconfig.go `NFTablesMode`, +kubebuilder:validation:Enum). */
export const NFTABLES_MODES = ['Disabled', 'Enabled', 'Auto'] as const;
export type NftablesMode = (typeof NFTABLES_MODES)[number];

/** `bpfExternalServiceMode`: Calico matches `^(?i)(Tunnel|DSR)?$`, case-insensitively. */
export const BPF_EXTERNAL_SERVICE_MODES = ['Tunnel', 'DSR'] as const;

/** Flow log aggregation levels (0 none, 1 source port, 2 pod prefix, 3 destination ports). */
export const FLOW_LOG_AGGREGATION_KINDS = { min: 0, max: 3 } as const;

/** WireGuard MTU: 0 lets Felix detect it; otherwise at least IPv4's minimum link MTU (RFC 791). */
export const WIREGUARD_MTU = { auto: 0, min: 68, max: 65535 } as const;

/** The spec fields Palisade validates; any other spec field passes through unvalidated. */
export const FELIX_VALIDATED_FIELDS = [
  'wireguardEnabled',
  'wireguardEnabledV6',
  'wireguardListeningPort',
  'wireguardMTU',
  'bpfEnabled',
  'bpfExternalServiceMode',
  'nftablesMode',
  'flowLogsFlushInterval',
  'flowLogsFileAggregationKindForAllowed',
  'flowLogsFileAggregationKindForDenied',
  'policySyncPathPrefix',
] as const;

// metav1.Duration as Calico's CRD accepts it: `^([0-9]+(\.[0-9]+)?(ms|s|m|h))*$`, non-empty here.
const DURATION_RE = /^(?:[0-9]+(?:\.[0-9]+)?(?:ms|s|m|h))+$/;
const NODE_OBJECT_PREFIX = 'node.';

/** Why `name` cannot be a FelixConfiguration in a cluster (`default` or `node.<node name>`), if so. */
export function checkFelixObjectName(name: string): string | undefined {
  if (name === 'default') return undefined;
  if (name.startsWith(NODE_OBJECT_PREFIX)) {
    const node = name.slice(NODE_OBJECT_PREFIX.length);
    return checkName(node, NAME_RULES.subdomain, 'node name');
  }
  return `a FelixConfiguration in a cluster is named "default" or "node.<node name>", not "${name}"`;
}

/** The FelixConfiguration object a stored document sets in the cluster. */
export function felixObjectName(meta: Pick<ObjectMeta, 'name' | 'annotations'>): string {
  return meta.annotations?.[APPLIES_AS_ANNOTATION] ?? meta.name;
}

/** The spec fields of `spec` that Palisade passes through without validating them. */
export function unvalidatedFelixFields(spec: object): string[] {
  return Object.keys(spec).filter((k) => !(FELIX_VALIDATED_FIELDS as readonly string[]).includes(k));
}

/** Checks the object name the document applies as (metadata.name, or the applies-as annotation). */
export function checkFelixMetadata(r: Reader, meta: ObjectMeta | undefined): void {
  if (meta === undefined) return;
  const alias = meta.annotations?.[APPLIES_AS_ANNOTATION];
  const problem = checkFelixObjectName(alias ?? meta.name);
  if (problem === undefined) return;
  if (alias !== undefined) r.fail(['metadata', 'annotations', APPLIES_AS_ANNOTATION], problem);
  else r.fail(['metadata', 'name'], `${problem}; or name it freely and set ${APPLIES_AS_ANNOTATION}`);
}

function port(r: Reader, raw: RawObject, key: string): number | undefined {
  if (raw[key] === undefined || raw[key] === null) return undefined;
  return r.integer(raw[key], ['spec', key], 1, 65535);
}

function mtu(r: Reader, raw: RawObject, key: string): number | undefined {
  const n = r.number(raw[key], ['spec', key]);
  if (n === undefined) return undefined;
  if (
    !Number.isInteger(n) ||
    (n !== WIREGUARD_MTU.auto && (n < WIREGUARD_MTU.min || n > WIREGUARD_MTU.max))
  ) {
    return r.fail(
      ['spec', key],
      `must be 0 (detect) or a whole number from ${WIREGUARD_MTU.min} to ${WIREGUARD_MTU.max}, not ${n}`,
    );
  }
  return n;
}

function duration(r: Reader, raw: RawObject, key: string): string | undefined {
  const s = r.string(raw[key], ['spec', key]);
  if (s === undefined) return undefined;
  if (!DURATION_RE.test(s))
    return r.fail(['spec', key], `must be a duration such as "15s", "1m30s" or "500ms", not "${s}"`);
  return s;
}

function aggregationKind(r: Reader, raw: RawObject, key: string): number | undefined {
  if (raw[key] === undefined || raw[key] === null) return undefined;
  return r.integer(raw[key], ['spec', key], FLOW_LOG_AGGREGATION_KINDS.min, FLOW_LOG_AGGREGATION_KINDS.max);
}

function externalServiceMode(r: Reader, raw: RawObject): string | undefined {
  const s = r.string(raw.bpfExternalServiceMode, ['spec', 'bpfExternalServiceMode']);
  if (s === undefined || s === '') return s;
  const known = BPF_EXTERNAL_SERVICE_MODES.find((m) => m.toLowerCase() === s.toLowerCase());
  if (known === undefined) {
    return r.fail(
      ['spec', 'bpfExternalServiceMode'],
      `must be one of ${BPF_EXTERNAL_SERVICE_MODES.join(', ')}, not "${s}"`,
    );
  }
  return s;
}

function syncPathPrefix(r: Reader, raw: RawObject): string | undefined {
  const s = r.string(raw.policySyncPathPrefix, ['spec', 'policySyncPathPrefix']);
  if (s === undefined || s === '') return s;
  if (!s.startsWith('/'))
    return r.fail(['spec', 'policySyncPathPrefix'], `must be an absolute path on the node, not "${s}"`);
  return s;
}

export function readFelixConfigurationSpec(
  r: Reader,
  value: unknown,
  meta: ObjectMeta | undefined,
): FelixConfigurationSpec | undefined {
  checkFelixMetadata(r, meta);
  if (value === undefined || value === null) return {};
  if (!isPlainObject(value)) return r.fail(['spec'], 'must be an object of Felix settings');
  const raw = value;
  const checked: Partial<Record<(typeof FELIX_VALIDATED_FIELDS)[number], unknown>> = {
    wireguardEnabled: r.boolean(raw.wireguardEnabled, ['spec', 'wireguardEnabled']),
    wireguardEnabledV6: r.boolean(raw.wireguardEnabledV6, ['spec', 'wireguardEnabledV6']),
    wireguardListeningPort: port(r, raw, 'wireguardListeningPort'),
    wireguardMTU: mtu(r, raw, 'wireguardMTU'),
    bpfEnabled: r.boolean(raw.bpfEnabled, ['spec', 'bpfEnabled']),
    bpfExternalServiceMode: externalServiceMode(r, raw),
    nftablesMode: r.oneOf(raw.nftablesMode, ['spec', 'nftablesMode'], NFTABLES_MODES),
    flowLogsFlushInterval: duration(r, raw, 'flowLogsFlushInterval'),
    flowLogsFileAggregationKindForAllowed: aggregationKind(r, raw, 'flowLogsFileAggregationKindForAllowed'),
    flowLogsFileAggregationKindForDenied: aggregationKind(r, raw, 'flowLogsFileAggregationKindForDenied'),
    policySyncPathPrefix: syncPathPrefix(r, raw),
  };
  // Unvalidated fields keep their value and their place; validated ones take the checked value.
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(raw)) {
    const validated = Object.hasOwn(checked, key);
    const next = validated ? checked[key as keyof typeof checked] : v;
    if (next !== undefined && next !== null) out[key] = next;
  }
  return out;
}
