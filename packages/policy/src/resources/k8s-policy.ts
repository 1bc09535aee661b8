// Validation of Kubernetes networking.k8s.io/v1 NetworkPolicy specs (also the body of a
// StagedKubernetesNetworkPolicy), following the Kubernetes API server's own rules. Port protocols
// are defaulted to TCP, as the API server does; policyTypes are kept as written because Calico and
// the API server default them differently (§2.9).

import type {
  K8sEgressRule,
  K8sIngressRule,
  K8sIpBlock,
  K8sNetworkPolicyPeer,
  K8sNetworkPolicyPort,
  K8sNetworkPolicySpec,
  LabelSelector,
  LabelSelectorRequirement,
  PolicyType,
} from './types.js';
import type { Path } from './issues.js';
import { compact, type Reader } from './reader.js';
import { checkLabelValue, checkQualifiedName, isPortName } from './names.js';
import { isStrictSubnet, parseCidr } from './ip.js';

const OPERATORS = ['In', 'NotIn', 'Exists', 'DoesNotExist'] as const;

export function readLabelSelector(r: Reader, value: unknown, path: Path): LabelSelector | undefined {
  const raw = r.object(value, path, ['matchLabels', 'matchExpressions']);
  if (raw === undefined) return undefined;
  const matchLabels = r.stringMap(raw.matchLabels, [...path, 'matchLabels']);
  for (const [key, v] of Object.entries(matchLabels ?? {})) {
    const problem = checkQualifiedName(key, 'label key') ?? checkLabelValue(v);
    if (problem) r.fail([...path, 'matchLabels', key], problem);
  }
  const matchExpressions = r.list(raw.matchExpressions, [...path, 'matchExpressions'], Infinity, (v, p) =>
    readRequirement(r, v, p),
  );
  return compact<LabelSelector>({ matchLabels, matchExpressions });
}

function readRequirement(r: Reader, value: unknown, path: Path): LabelSelectorRequirement | undefined {
  const raw = r.object(value, path, ['key', 'operator', 'values']);
  if (raw === undefined) return r.fail(path, 'a match expression needs key and operator');
  const key = r.requiredString(raw.key, [...path, 'key'], 'key');
  if (key !== undefined) {
    const problem = checkQualifiedName(key, 'label key');
    if (problem) r.fail([...path, 'key'], problem);
  }
  if (raw.operator === undefined || raw.operator === null)
    r.fail([...path, 'operator'], 'operator is required (In, NotIn, Exists or DoesNotExist)');
  const operator = r.oneOf(raw.operator, [...path, 'operator'], OPERATORS);
  const values = r.stringList(raw.values, [...path, 'values'], Infinity, (s, p) => {
    const problem = checkLabelValue(s);
    if (problem) r.fail(p, problem);
  });
  if ((operator === 'In' || operator === 'NotIn') && (values === undefined || values.length === 0)) {
    r.fail([...path, 'values'], `operator ${operator} needs at least one value`);
  }
  if ((operator === 'Exists' || operator === 'DoesNotExist') && values !== undefined && values.length > 0) {
    r.fail([...path, 'values'], `operator ${operator} takes no values`);
  }
  if (key === undefined || operator === undefined) return undefined;
  return compact<LabelSelectorRequirement>({ key, operator, values });
}

function readIpBlock(r: Reader, value: unknown, path: Path): K8sIpBlock | undefined {
  const raw = r.object(value, path, ['cidr', 'except']);
  if (raw === undefined) return undefined;
  const cidrText = r.requiredString(raw.cidr, [...path, 'cidr'], 'ipBlock.cidr');
  const cidr = cidrText === undefined ? undefined : parseCidr(cidrText);
  if (cidrText !== undefined && (cidr === undefined || cidr.bare))
    r.fail([...path, 'cidr'], `"${cidrText}" is not a valid CIDR`);
  const except = r.stringList(raw.except, [...path, 'except'], Infinity, (s, p) => {
    const e = parseCidr(s);
    if (e === undefined || e.bare) return r.fail(p, `"${s}" is not a valid CIDR`);
    if (cidr !== undefined && !cidr.bare && !isStrictSubnet(e, cidr))
      r.fail(p, `except entry "${s}" must be a strict subset of ${cidrText}`);
    return undefined;
  });
  if (cidrText === undefined) return undefined;
  return compact<K8sIpBlock>({ cidr: cidrText, except });
}

function readPeer(r: Reader, value: unknown, path: Path): K8sNetworkPolicyPeer | undefined {
  const raw = r.object(value, path, ['podSelector', 'namespaceSelector', 'ipBlock']);
  const peer = compact<K8sNetworkPolicyPeer>({
    podSelector: readLabelSelector(r, raw?.podSelector, [...path, 'podSelector']),
    namespaceSelector: readLabelSelector(r, raw?.namespaceSelector, [...path, 'namespaceSelector']),
    ipBlock: readIpBlock(r, raw?.ipBlock, [...path, 'ipBlock']),
  });
  const set = ['podSelector', 'namespaceSelector', 'ipBlock'].filter(
    (k) => raw?.[k] !== undefined && raw[k] !== null,
  );
  if (set.length === 0) return r.fail(path, 'a peer must set podSelector, namespaceSelector or ipBlock');
  if (set.includes('ipBlock') && set.length > 1)
    return r.fail(path, 'ipBlock cannot be combined with podSelector or namespaceSelector in the same peer');
  return peer;
}

function readPort(r: Reader, value: unknown, path: Path): K8sNetworkPolicyPort | undefined {
  const raw = r.object(value, path, ['protocol', 'port', 'endPort']);
  if (raw === undefined) return undefined;
  const protocol = r.oneOf(raw.protocol, [...path, 'protocol'], ['TCP', 'UDP', 'SCTP'] as const) ?? 'TCP';
  let port: number | string | undefined;
  if (typeof raw.port === 'number') port = r.integer(raw.port, [...path, 'port'], 1, 65535);
  else if (typeof raw.port === 'string') {
    if (isPortName(raw.port)) port = raw.port;
    else
      r.fail(
        [...path, 'port'],
        `"${raw.port}" is not a valid port name: use at most 15 lowercase letters, digits and single "-", with at least one letter`,
      );
  } else if (raw.port !== undefined && raw.port !== null)
    r.fail([...path, 'port'], 'port must be a number from 1 to 65535 or a port name');
  const endPort = r.integer(raw.endPort, [...path, 'endPort'], 1, 65535);
  if (endPort !== undefined) {
    if (typeof port !== 'number') r.fail([...path, 'endPort'], 'endPort requires a numeric port');
    else if (endPort < port)
      r.fail([...path, 'endPort'], `endPort ${endPort} must not be less than port ${port}`);
  }
  return compact<K8sNetworkPolicyPort>({ protocol, port, endPort });
}

function readPorts(r: Reader, value: unknown, path: Path): K8sNetworkPolicyPort[] | undefined {
  return r.list(value, path, Infinity, (v, p) => readPort(r, v, p));
}

function readPeers(r: Reader, value: unknown, path: Path): K8sNetworkPolicyPeer[] | undefined {
  return r.list(value, path, Infinity, (v, p) => readPeer(r, v, p));
}

export function readK8sPolicySpec(
  r: Reader,
  raw: Readonly<Record<string, unknown>>,
  path: Path,
): K8sNetworkPolicySpec {
  if (raw.podSelector === undefined || raw.podSelector === null) {
    r.fail([...path, 'podSelector'], 'podSelector is required; use {} to select every pod in the namespace');
  }
  const policyTypes = r.list(raw.policyTypes, [...path, 'policyTypes'], 2, (v, p) =>
    r.oneOf<PolicyType>(v, p, ['Ingress', 'Egress']),
  );
  r.uniqueStrings(policyTypes, [...path, 'policyTypes'], 'policy type');
  const ingress = r.list(raw.ingress, [...path, 'ingress'], Infinity, (v, p) => {
    const rule = r.object(v ?? {}, p, ['from', 'ports']);
    return (
      rule &&
      compact<K8sIngressRule>({
        from: readPeers(r, rule.from, [...p, 'from']),
        ports: readPorts(r, rule.ports, [...p, 'ports']),
      })
    );
  });
  const egress = r.list(raw.egress, [...path, 'egress'], Infinity, (v, p) => {
    const rule = r.object(v ?? {}, p, ['to', 'ports']);
    return (
      rule &&
      compact<K8sEgressRule>({
        to: readPeers(r, rule.to, [...p, 'to']),
        ports: readPorts(r, rule.ports, [...p, 'ports']),
      })
    );
  });
  return compact<K8sNetworkPolicySpec>({
    podSelector: readLabelSelector(r, raw.podSelector, [...path, 'podSelector']) ?? {},
    policyTypes,
    ingress,
    egress,
  });
}

export const K8S_SPEC_FIELDS = ['podSelector', 'policyTypes', 'ingress', 'egress'];
