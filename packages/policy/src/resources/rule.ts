// Validation of a Calico rule: the rule-level part of the calico-semantics §2.4 matrix. Checks that
// span fields (ports vs protocol, icmp vs protocol vs ipVersion, nets vs ipVersion, http) run after
// the fields themselves parsed, so one mistake yields one message.

import type { IcmpFields, Protocol, Rule } from './types.js';
import type { Path } from './issues.js';
import { compact, type Reader } from './reader.js';
import { parseProtocol, protocolHasPorts, protocolNumber } from './ports.js';
import { readEntity, type ParsedEntity } from './entity-rule.js';
import { checkHttp, readHttp } from './http-match.js';
import type { RuleContext } from './rule-context.js';

export type { Direction, RuleContext } from './rule-context.js';

const RULE_FIELDS = [
  'action',
  'ipVersion',
  'protocol',
  'notProtocol',
  'icmp',
  'notICMP',
  'source',
  'destination',
  'http',
  'metadata',
];

function readIcmp(r: Reader, value: unknown, path: Path): IcmpFields | undefined {
  const raw = r.object(value, path, ['type', 'code']);
  if (raw === undefined) return undefined;
  const icmp = compact<IcmpFields>({
    type: r.integer(raw.type, [...path, 'type'], 0, 254),
    code: r.integer(raw.code, [...path, 'code'], 0, 255),
  });
  if (raw.code !== undefined && raw.code !== null && (raw.type === undefined || raw.type === null)) {
    r.fail([...path, 'code'], 'an ICMP code requires an ICMP type');
  }
  return icmp;
}

function readProtocol(r: Reader, value: unknown, path: Path): Protocol | undefined {
  if (value === undefined || value === null) return undefined;
  const parsed = parseProtocol(value);
  return parsed.ok ? parsed.value : r.fail(path, parsed.message);
}

function readAnnotations(r: Reader, value: unknown, path: Path): Rule['metadata'] {
  const raw = r.object(value, path, ['annotations']);
  if (raw === undefined) return undefined;
  return compact<NonNullable<Rule['metadata']>>({
    annotations: r.stringMap(raw.annotations, [...path, 'annotations']),
  });
}

export function readRule(r: Reader, value: unknown, path: Path, ctx: RuleContext): Rule | undefined {
  if (value === undefined || value === null)
    return r.fail(path, 'a rule must be an object with at least an action');
  const raw = r.object(value, path, RULE_FIELDS);
  if (raw === undefined) return undefined;
  const start = r.sink.count;
  const action = r.oneOf(raw.action, [...path, 'action'], ['Allow', 'Deny', 'Log', 'Pass'] as const);
  if (raw.action === undefined || raw.action === null)
    r.fail([...path, 'action'], 'action is required (Allow, Deny, Log or Pass)');
  let ipVersion: 4 | 6 | undefined;
  if (raw.ipVersion !== undefined && raw.ipVersion !== null) {
    if (raw.ipVersion === 4 || raw.ipVersion === 6) ipVersion = raw.ipVersion;
    else r.fail([...path, 'ipVersion'], 'ipVersion must be 4 or 6');
  }
  const protocol = readProtocol(r, raw.protocol, [...path, 'protocol']);
  const notProtocol = readProtocol(r, raw.notProtocol, [...path, 'notProtocol']);
  const icmp = readIcmp(r, raw.icmp, [...path, 'icmp']);
  const notICMP = readIcmp(r, raw.notICMP, [...path, 'notICMP']);
  const source = readEntity(r, raw.source, [...path, 'source'], 'source', ctx);
  const destination = readEntity(r, raw.destination, [...path, 'destination'], 'destination', ctx);
  const http = readHttp(r, raw.http, [...path, 'http']);
  const metadata = readAnnotations(r, raw.metadata, [...path, 'metadata']);

  const rule = compact<Rule>({
    action,
    ipVersion,
    protocol,
    notProtocol,
    icmp,
    notICMP,
    source: source?.rule,
    destination: destination?.rule,
    http,
    metadata,
  });
  const protocolInvalid = protocol === undefined && raw.protocol !== undefined && raw.protocol !== null;
  if (!protocolInvalid) {
    checkPortsNeedProtocol(r, protocol, [source, destination]);
    checkIcmp(r, raw, path, rule);
  }
  checkNetVersions(r, path, ipVersion, [source, destination]);
  if (raw.http !== undefined && raw.http !== null) checkHttp(r, path, rule, ctx);
  return r.sink.count === start && action !== undefined ? rule : undefined;
}

function checkPortsNeedProtocol(
  r: Reader,
  protocol: Protocol | undefined,
  entities: (ParsedEntity | undefined)[],
): void {
  for (const entity of entities) {
    for (const { kind, path: portPath } of entity?.portKinds ?? []) {
      if (protocol !== undefined && protocolHasPorts(protocol)) continue;
      if (kind === 'numeric') {
        r.fail(portPath, 'numeric ports require protocol TCP, UDP or SCTP');
      } else if (protocol !== undefined) {
        r.fail(
          portPath,
          `named ports cannot be used with protocol ${protocol}; use TCP, UDP or SCTP or leave the protocol unset`,
        );
      }
    }
  }
}

function checkIcmp(r: Reader, raw: Readonly<Record<string, unknown>>, path: Path, rule: Rule): void {
  for (const field of ['icmp', 'notICMP'] as const) {
    if (raw[field] === undefined || raw[field] === null) continue;
    const n = rule.protocol === undefined ? undefined : protocolNumber(rule.protocol);
    if (n !== 1 && n !== 58) r.fail([...path, field], `${field} requires protocol ICMP or ICMPv6`);
  }
  for (const field of ['protocol', 'notProtocol'] as const) {
    const p = rule[field];
    if (p === undefined || rule.ipVersion === undefined) continue;
    const n = protocolNumber(p);
    if (n === 1 && rule.ipVersion !== 4)
      r.fail([...path, 'ipVersion'], `${field} ICMP requires ipVersion 4 (or no ipVersion)`);
    if (n === 58 && rule.ipVersion !== 6)
      r.fail([...path, 'ipVersion'], `${field} ICMPv6 requires ipVersion 6 (or no ipVersion)`);
  }
}

function checkNetVersions(
  r: Reader,
  path: Path,
  ipVersion: 4 | 6 | undefined,
  entities: (ParsedEntity | undefined)[],
): void {
  const nets = entities.flatMap((e) => e?.nets ?? []);
  if (ipVersion !== undefined) {
    for (const { cidr, path: p } of nets) {
      if (cidr.version !== ipVersion)
        r.fail(p, `IPv${cidr.version} address in a rule with ipVersion ${ipVersion}`);
    }
    return;
  }
  const first = nets[0];
  const other = nets.find((n) => n.cidr.version !== first?.cidr.version);
  if (first !== undefined && other !== undefined) {
    r.fail(other.path, 'a rule cannot mix IPv4 and IPv6 addresses; split it into one rule per IP version');
  }
}
