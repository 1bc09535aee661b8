// Reference evaluator: a slow, literal reading of calico-semantics §1.3, §1.6, §2.9, §2.10 and §3,
// used as the oracle for the fast engine in property tests. It shares nothing with the fast path
// but the resource types, the connection/verdict shapes and the selector parser: it keeps its own
// label model, evaluates selectors with its own walker (prefixes and the `all()` rewrites become
// label views and an `all()` value), converts K8s policies itself, matches addresses with BigInt,
// and recomputes every applicable policy list for every verdict. Never optimise this file.

import type { Connection, ConnectionVerdict, DirectionVerdict, PendingVerdict, Peer } from './connection.js';
import {
  holds,
  NS_LABEL,
  proto,
  SA_LABEL,
  type Get,
  type RefEntity,
  type RefPacket,
  type RefPolicy,
  type RefRule,
  type RefSide,
} from './reference-model.js';
import { refInCidr, refIsV6Cidr, refParseIp, type RefIp } from './reference-net.js';
import { refPolicy } from './reference-policies.js';
import type { WorldInput } from './world-input.js';

function sameIp(a: RefIp, b: RefIp): boolean {
  return a.v6 === b.v6 && a.value === b.value;
}

export class ReferenceEvaluator {
  private readonly entities: RefEntity[] = [];
  private readonly policies: RefPolicy[];
  private readonly tiers: { name: string; order: number; pass: boolean; synthetic: boolean }[];
  private readonly allowProfiles = new Set<string>(['projectcalico-default-allow']);
  private readonly hasStaged: boolean;

  constructor(private readonly input: WorldInput) {
    const resources = input.resources ?? [];
    this.hasStaged = resources.some((r) => r.kind.startsWith('Staged'));
    const nsLabels = new Map<string, Record<string, string>>();
    for (const n of input.namespaces ?? [])
      nsLabels.set(n.name, { ...n.labels, 'kubernetes.io/metadata.name': n.name });
    for (const ns of [
      ...(input.endpoints ?? []).map((e) => e.namespace),
      ...resources.filter((r) => r.kind === 'NetworkSet').map((r) => r.metadata.namespace ?? 'default'),
    ]) {
      if (!nsLabels.has(ns)) nsLabels.set(ns, { 'kubernetes.io/metadata.name': ns });
    }
    const profileLabels = new Map<string, Record<string, string>>();
    for (const [ns, labels] of nsLabels) {
      const l: Record<string, string> = { 'pcns.projectcalico.org/name': ns };
      for (const [k, v] of Object.entries(labels)) l[`pcns.${k}`] = v;
      profileLabels.set(`kns.${ns}`, l);
      this.allowProfiles.add(`kns.${ns}`);
    }
    for (const w of input.endpoints ?? []) {
      const sa = w.serviceAccount ?? 'default';
      const saDef = (input.serviceAccounts ?? []).find((s) => s.namespace === w.namespace && s.name === sa);
      const ksa: Record<string, string> = { 'pcsa.projectcalico.org/name': sa };
      for (const [k, v] of Object.entries(saDef?.labels ?? {})) ksa[`pcsa.${k}`] = v;
      profileLabels.set(`ksa.${w.namespace}.${sa}`, ksa);
      const own: Record<string, string> = {
        ...w.labels,
        [NS_LABEL]: w.namespace,
        'projectcalico.org/orchestrator': 'k8s',
      };
      if (sa.length < 63) own[SA_LABEL] = sa;
      this.entities.push({
        kind: 'wep',
        key: `${w.namespace}/${w.name}`,
        labels: new Map(Object.entries({ ...profileLabels.get(`kns.${w.namespace}`), ...ksa, ...own })),
        ips: w.ips.map((ip) => refParseIp(ip)!),
        nets: [],
        ports: (w.ports ?? []).map((p) => ({
          name: p.name,
          port: p.port,
          protocol: proto(p.protocol ?? 'TCP')!,
        })),
        profiles: [`kns.${w.namespace}`, `ksa.${w.namespace}.${sa}`],
      });
    }
    for (const r of resources) {
      if (r.apiVersion !== 'projectcalico.org/v3') continue;
      if (r.kind === 'HostEndpoint') {
        const inherited = Object.assign(
          {},
          ...(r.spec.profiles ?? []).map((p) => profileLabels.get(p) ?? {}),
        ) as Record<string, string>;
        this.entities.push({
          kind: 'hep',
          key: r.metadata.name,
          labels: new Map(Object.entries({ ...inherited, ...r.metadata.labels })),
          ips: (r.spec.expectedIPs ?? []).map((ip) => refParseIp(ip)!),
          nets: [],
          ports: (r.spec.ports ?? []).map((p) => ({
            name: p.name,
            port: p.port,
            protocol: proto(p.protocol)!,
          })),
          profiles: r.spec.profiles ?? [],
        });
      } else if (r.kind === 'NetworkSet' || r.kind === 'GlobalNetworkSet') {
        const ns = r.kind === 'NetworkSet' ? (r.metadata.namespace ?? 'default') : undefined;
        const labels =
          ns === undefined
            ? { ...r.metadata.labels }
            : { ...profileLabels.get(`kns.${ns}`), ...r.metadata.labels, [NS_LABEL]: ns };
        this.entities.push({
          kind: ns === undefined ? 'gnetset' : 'netset',
          key: ns === undefined ? r.metadata.name : `${ns}/${r.metadata.name}`,
          labels: new Map(Object.entries(labels)),
          ips: [],
          nets: r.spec.nets ?? [],
          ports: [],
          profiles: [],
        });
      }
    }
    this.policies = resources.flatMap((r) => refPolicy(r) ?? []);
    const tiers = new Map([
      ['kube-admin', { name: 'kube-admin', order: 1000, pass: true, synthetic: false }],
      ['default', { name: 'default', order: 1e6, pass: false, synthetic: false }],
      ['kube-baseline', { name: 'kube-baseline', order: 1e7, pass: true, synthetic: false }],
    ]);
    for (const r of resources) {
      if (r.kind !== 'Tier') continue;
      tiers.set(r.metadata.name, {
        name: r.metadata.name,
        order: r.spec.order ?? 1e6,
        pass: r.spec.defaultAction === 'Pass',
        synthetic: false,
      });
    }
    for (const p of this.policies)
      if (!tiers.has(p.tier))
        tiers.set(p.tier, { name: p.tier, order: Infinity, pass: false, synthetic: true });
    this.tiers = [...tiers.values()].sort((a, b) =>
      a.synthetic !== b.synthetic
        ? a.synthetic
          ? 1
          : -1
        : a.order !== b.order
          ? a.order - b.order
          : a.name < b.name
            ? -1
            : a.name > b.name
              ? 1
              : 0,
    );
  }

  private owners(ip: RefIp): RefEntity[] {
    return this.entities.filter(
      (e) => e.ips.some((x) => sameIp(x, ip)) || e.nets.some((c) => refInCidr(ip, c)),
    );
  }

  private positive(side: RefSide, policy: RefPolicy): ((e: RefEntity) => boolean) | undefined {
    const r = side.raw;
    const set = (t: string | undefined): boolean => t !== undefined && t.trim() !== '';
    const sa = side.saSelector !== undefined || side.saNames !== undefined;
    if (!set(r.selector) && !set(r.notSelector) && !set(r.namespaceSelector) && !sa) return undefined;
    if (!set(r.selector) && !set(r.namespaceSelector) && !sa && policy.namespace === undefined)
      return undefined;
    return (e) => {
      const real: Get = (k) => e.labels.get(k);
      if (side.selector && !side.selector(real, true)) return false;
      if (side.global) {
        if (e.labels.has(NS_LABEL)) return false;
      } else if (side.namespaceSelector) {
        if (!side.namespaceSelector((k) => e.labels.get(`pcns.${k}`), e.labels.has(NS_LABEL))) return false;
      } else if (policy.namespace !== undefined && e.labels.get(NS_LABEL) !== policy.namespace) return false;
      if (side.saSelector && !holds(side.saSelector, (k) => e.labels.get(`pcsa.${k}`), true)) return false;
      if (side.saNames && !side.saNames.includes(e.labels.get(SA_LABEL) ?? '\u0000')) return false;
      return true;
    };
  }

  private portsMatch(
    ports: readonly (string | number)[],
    owners: RefEntity[],
    positive: ((e: RefEntity) => boolean) | undefined,
    pkt: RefPacket,
    port: number | undefined,
  ): boolean {
    if (port === undefined) return false;
    return ports.some((p) => {
      const text = String(p);
      const range = /^([0-9]+)(?::([0-9]+))?$/.exec(text);
      if (range) return port >= Number(range[1]) && port <= Number(range[2] ?? range[1]);
      return owners.some(
        (e) =>
          (e.kind === 'wep' || e.kind === 'hep') &&
          (!positive || positive(e)) &&
          e.ports.some((np) => np.name === text && np.protocol === pkt.protocol && np.port === port),
      );
    });
  }

  private sideMatches(side: RefSide, policy: RefPolicy, pkt: RefPacket, isDst: boolean): boolean {
    const r = side.raw;
    const ip = isDst ? pkt.dst : pkt.src;
    const port = isDst ? pkt.dstPort : pkt.srcPort;
    const owners = this.owners(ip);
    const positive = this.positive(side, policy);
    if (r.nets && r.nets.length > 0 && !r.nets.some((c) => refInCidr(ip, c))) return false;
    if (r.notNets && r.notNets.length > 0 && r.notNets.some((c) => refInCidr(ip, c))) return false;
    if (positive && !owners.some(positive)) return false;
    if (side.notSelector && owners.some((e) => holds(side.notSelector!, (k) => e.labels.get(k), true)))
      return false;
    if (r.ports && r.ports.length > 0 && !this.portsMatch(r.ports, owners, positive, pkt, port)) return false;
    if (r.notPorts && r.notPorts.length > 0 && this.portsMatch(r.notPorts, owners, positive, pkt, port))
      return false;
    if (r.services) {
      const ns = r.services.namespace ?? policy.namespace ?? '';
      const svc = (this.input.services ?? []).find((s) => s.namespace === ns && s.name === r.services!.name);
      const hit = (svc?.endpoints ?? []).some((b) => {
        const bip = refParseIp(b.ip);
        if (!bip || !sameIp(bip, ip)) return false;
        return !isDst || (b.port === pkt.dstPort && proto(b.protocol ?? 'TCP') === pkt.protocol);
      });
      if (!hit) return false;
    }
    return true;
  }

  private ruleMatches(rr: RefRule, policy: RefPolicy, pkt: RefPacket): boolean {
    const rule = rr.rule;
    const lists = [
      rr.source.raw.nets,
      rr.source.raw.notNets,
      rr.destination.raw.nets,
      rr.destination.raw.notNets,
    ];
    if (lists.some((l) => l && l.length > 0 && l.every((c) => refIsV6Cidr(c) !== pkt.v6))) return false;
    if (rule.ipVersion !== undefined && rule.ipVersion !== (pkt.v6 ? 6 : 4)) return false;
    if (rule.protocol !== undefined && proto(rule.protocol) !== pkt.protocol) return false;
    if (rule.notProtocol !== undefined && proto(rule.notProtocol) === pkt.protocol) return false;
    const icmp = (f: { type?: number; code?: number }): boolean =>
      pkt.icmpType === f.type && (f.code === undefined || pkt.icmpCode === f.code);
    if (rule.icmp?.type !== undefined && !icmp(rule.icmp)) return false;
    if (rule.notICMP?.type !== undefined && icmp(rule.notICMP)) return false;
    return (
      this.sideMatches(rr.source, policy, pkt, false) && this.sideMatches(rr.destination, policy, pkt, true)
    );
  }

  /** §3.3 for one endpoint and direction; `pending` treats staged policies as enforced (§3.6). */
  private direction(
    e: RefEntity,
    dir: 'Ingress' | 'Egress',
    pkt: RefPacket,
    pending: boolean,
  ): DirectionVerdict {
    const hits: string[] = [];
    const verdict = (allow: boolean): DirectionVerdict => ({
      action: allow ? 'allow' : 'deny',
      trace: hits.map((h, i) => `${i}|${h}`),
    });
    const name = (p: RefPolicy): string =>
      `${p.kind}:${p.namespace === undefined ? '' : `${p.namespace}/`}${p.name}`;
    const stages =
      e.kind !== 'hep'
        ? ['normal']
        : dir === 'Ingress'
          ? ['doNotTrack', 'preDNAT', 'normal']
          : ['doNotTrack', 'normal'];
    for (const stage of stages) {
      const early = stage !== 'normal';
      for (const tier of this.tiers) {
        const pols = this.policies
          .filter(
            (p) =>
              p.tier === tier.name &&
              p.stage === stage &&
              (pending || !p.staged) &&
              p.types.includes(dir) &&
              p.selects(e),
          )
          .sort((a, b) =>
            a.order !== b.order
              ? a.order < b.order
                ? -1
                : 1
              : `${a.name}/${a.namespace ?? ''}/${a.kindName}` <
                  `${b.name}/${b.namespace ?? ''}/${b.kindName}`
                ? -1
                : 1,
          );
        if (pols.length === 0) continue;
        let outcome: 'none' | 'pass' | 'allow' = 'none';
        for (const p of pols) {
          const rules = dir === 'Ingress' ? p.ingress : p.egress;
          for (const [i, rr] of rules.entries()) {
            if (outcome !== 'none' || !this.ruleMatches(rr, p, pkt)) continue;
            const action = rr.rule.action;
            if (action === 'Log') continue;
            hits.push(`${tier.name}|${name(p)}|${action.toLowerCase()}|${i}`);
            if (action === 'Deny') return verdict(false);
            if (action === 'Allow' && !early) return verdict(true);
            outcome = action === 'Allow' ? 'allow' : 'pass';
          }
          if (outcome !== 'none') break;
        }
        if (outcome === 'allow') break;
        if (outcome === 'pass' || early) continue;
        hits.push(`${tier.name}|${name(pols[pols.length - 1]!)}|${tier.pass ? 'pass' : 'deny'}|-1`);
        if (!tier.pass) return verdict(false);
      }
    }
    for (const profile of e.profiles) {
      if (this.allowProfiles.has(profile)) {
        hits.push(`__PROFILE__|pro:${profile}|allow|0`);
        return verdict(true);
      }
    }
    hits.push('__PROFILE__|pro:__NO_MATCH__|deny|-1');
    return verdict(false);
  }

  private address(peer: Peer, e: RefEntity | undefined, v6: boolean): RefIp {
    if (peer.ip !== undefined) return refParseIp(peer.ip)!;
    return e!.ips.find((ip) => ip.v6 === v6)!;
  }

  evaluate(conn: Connection): ConnectionVerdict {
    const find = (p: Peer): RefEntity | undefined =>
      p.endpoint === undefined
        ? undefined
        : this.entities.find((x) => (x.kind === 'wep' || x.kind === 'hep') && x.key === p.endpoint);
    const src = find(conn.source);
    const dst = find(conn.destination);
    const explicit = conn.source.ip ?? conn.destination.ip;
    const v6 =
      explicit !== undefined
        ? explicit.includes(':')
        : !(src!.ips.some((i) => !i.v6) && dst!.ips.some((i) => !i.v6)) &&
          src!.ips.some((i) => i.v6) &&
          dst!.ips.some((i) => i.v6);
    const pkt: RefPacket = {
      v6,
      protocol: proto(conn.protocol)!,
      srcPort: conn.sourcePort,
      dstPort: conn.port,
      icmpType: conn.icmpType,
      icmpCode: conn.icmpCode,
      src: this.address(conn.source, src, v6),
      dst: this.address(conn.destination, dst, v6),
    };
    const run = (pending: boolean): PendingVerdict => {
      const egress = src ? this.direction(src, 'Egress', pkt, pending) : null;
      const ingress = dst ? this.direction(dst, 'Ingress', pkt, pending) : null;
      return {
        action: egress?.action === 'deny' || ingress?.action === 'deny' ? 'deny' : 'allow',
        egress,
        ingress,
      };
    };
    const enforced = run(false);
    return this.hasStaged ? { ...enforced, pending: run(true) } : enforced;
  }
}
