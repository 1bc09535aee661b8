// Computes a report run (decision 0067) from what Palisade stores: the inventory of every cluster
// the definition's cluster selector picks, the policy revisions in force over the interval, the
// audit log and the flow rollups. The interval is replayed: the policies in force at its start,
// then each change in time order, giving one policy state per period; per cluster each distinct
// state is evaluated with the real engine (@palisade/policy), so tiers, order, Pass, Deny and
// profiles count. An endpoint is protected only if protected in every period, exposed if exposed
// in any. Calico's over-approximation is computed alongside, only to say where it would differ.
// The inventory is the cluster's current one (Palisade keeps no inventory history): endpoints
// deleted during the interval are missing, which the result's notes say.
import {
  PolicyEngine,
  PolicyIndex,
  SharedPeerClasses,
  buildWorld,
  labelsFromRecord,
  withPolicies,
  type Entity,
  type LabelMap,
  type LabelMatcher,
  type PolicyResource,
  type WorldInput,
} from '@palisade/policy';
import type { Database, Tx } from '../../platform/db/database.js';
import {
  CLUSTER_SELECTOR_ANNOTATION,
  POLICY_KINDS,
  clusterLabelMatcher,
  fieldChanges,
  isPolicyKind,
} from '@palisade/policy/managed';
import type { RunRow } from './compliance-reports.repository.js';
import {
  FLAG_NAMES,
  calicoFlags,
  differences,
  type AppliedPolicyRules,
  type ExposureFlags,
  type NetworkSetInfo,
} from './calico-flags.js';
import type { Progress, ReportComputer } from './jobs/report-run.processor.js';
import type { ReportScope, ReportSpec } from './report-definition.js';
import { isEncrypting } from '../fleet/fleet.service.js';
import {
  RESULT_FORMAT,
  type EncryptionClusterRow,
  type EncryptionNodeRow,
  type EndpointRow,
  type NamespaceRow,
  type PolicyAuditEvent,
  type ReportResult,
  type ServiceRow,
} from './report-result.js';
import {
  ReportSourcesRepository,
  type InventoryRowData,
  type InventoryVersion,
  type RevisionData,
  type TrafficEdge,
} from './report-sources.repository.js';

/** How long the read transaction of one run may take. */
const READ_TIMEOUT_MS = 120_000;

/** The kinds Calico's policy-audit report covers, plus Kubernetes NetworkPolicy (decision 0067). */
const AUDITED_KINDS: ReadonlySet<string> = new Set(POLICY_KINDS);

interface ClusterData {
  id: string;
  name: string;
  labels: LabelMap;
  /** Every version of its inventory rows in force at some time in the interval. */
  history: InventoryVersion[];
  /** Its nodes as last reported (no history: decision 0152). */
  nodes: NodeRow[];
  traffic: TrafficEdge[] | null;
}

interface Period {
  from: Date;
  /** Resources in force, by resource id (deleted ones absent). */
  resources: Map<string, RevisionData>;
}

/** An endpoint's flags that depend only on its own applied policies (see evaluate). */
interface Memo {
  ingressProtected: boolean;
  egressProtected: boolean;
  calico: ExposureFlags;
  applied: string[];
  refs: string[];
}

/** One evaluated policy state of a cluster, kept to find what the next state changes. */
interface ReplayedState {
  segment: number;
  context: string;
  engine: PolicyEngine;
  inForce: readonly RevisionData[];
}

/** What one cluster's replay carries from state to state. */
interface ClusterReplay {
  /**
   * By inventory segment and context, then endpoint and applied revisions. Two levels, so that each
   * endpoint's look-up hashes a short key, not the context's list of revisions (decision 0210).
   */
  memo: Map<string, Map<string, Memo>>;
  /** Calico's flags by segment and context, then applied revisions (they do not depend on the endpoint). */
  calico: Map<string, Map<string, ExposureFlags>>;
  /** Peer classes by inventory segment and context (decision 0150). */
  shared: Map<string, SharedPeerClasses>;
  previous: ReplayedState | null;
}

/**
 * The endpoints whose plans may differ between two states of one segment and context: those a
 * changed policy selects, in its previous or its new revision (as keys, and as the new state's
 * entities). Policies only change plans; every other endpoint keeps its plans.
 */
function changedEndpoints(
  previous: ReplayedState,
  current: ReplayedState,
): { keys: Set<string>; peers: Entity[] } {
  const revisions = (state: ReplayedState) => new Map(state.inForce.map((r) => [r.resourceId, r]));
  const before = revisions(previous);
  const after = revisions(current);
  const keys = new Set<string>();
  const select = (state: ReplayedState, r: RevisionData | undefined) => {
    if (!r) return;
    for (const p of state.engine.policies) {
      const d = p.definition;
      // By namespace and name alone: a stored kind may be spelt unlike the engine's kind name, and
      // a second kind with the same name only adds endpoints (still exact).
      if ((d.namespace ?? '') !== r.namespace || d.name !== r.name) continue;
      for (const e of state.engine.world.endpoints) if (p.target.matches(e)) keys.add(e.key);
    }
  };
  for (const id of new Set([...before.keys(), ...after.keys()])) {
    const was = before.get(id);
    const is = after.get(id);
    if (was?.revision === is?.revision) continue;
    select(previous, was);
    select(current, is);
  }
  return { keys, peers: current.engine.world.endpoints.filter((e) => keys.has(e.key)) };
}

/**
 * Kinds that are not policies but change every endpoint's evaluation (tier order, sets, hosts):
 * every kind but policies and FelixConfiguration, which the engine does not read.
 */
function isContextKind(kind: string): boolean {
  return !isPolicyKind(kind) && kind !== 'FelixConfiguration';
}

interface Accumulated {
  palisade: ExposureFlags;
  calico: ExposureFlags;
  applied: Set<string>;
}

const PROTECTED_ALL: ExposureFlags = {
  ingressProtected: true,
  egressProtected: true,
  ingressFromInternet: false,
  egressToInternet: false,
  ingressFromOtherNamespace: false,
  egressToOtherNamespace: false,
};

/**
 * A scope or cluster selector over labels, by the managed contract's rule (@palisade/policy/managed):
 * empty selects everything (null here, so callers skip the check), and one that no longer parses
 * (it was validated on write) selects nothing.
 */
function matcher(selector: string): LabelMatcher | null {
  if (selector.trim() === '') return null;
  return clusterLabelMatcher(selector);
}

function clusterSelectorOf(object: Record<string, unknown>): string {
  const meta = object['metadata'] as { annotations?: Record<string, string> } | undefined;
  return meta?.annotations?.[CLUSTER_SELECTOR_ANNOTATION] ?? '';
}

/** The policy periods of [start, end): the state at start, then one after each change. */
export function replay(revisions: readonly RevisionData[], start: Date): Period[] {
  const state = new Map<string, RevisionData>();
  const periods: Period[] = [];
  let current: Date | null = null;
  const apply = (r: RevisionData) => {
    if (r.object === null) state.delete(r.resourceId);
    else state.set(r.resourceId, r);
  };
  for (const r of revisions) {
    if (r.createdAt <= start) {
      apply(r);
      continue;
    }
    if (current === null) periods.push({ from: start, resources: new Map(state) });
    else if (r.createdAt.getTime() !== current.getTime())
      periods.push({ from: current, resources: new Map(state) });
    current = r.createdAt;
    apply(r);
  }
  periods.push({ from: current ?? start, resources: new Map(state) });
  return periods;
}

function appliedName(d: { kind: string; namespace: string | undefined; name: string }): string {
  if (d.kind === 'knp') return `${d.namespace}/knp.default.${d.name}`;
  return d.namespace === undefined ? d.name : `${d.namespace}/${d.name}`;
}

function worldInput(inventory: readonly InventoryRowData[]): Omit<WorldInput, 'resources'> {
  const of = (k: InventoryRowData['kind']) => inventory.filter((r) => r.kind === k);
  return {
    namespaces: of('namespace').map((n) => ({ name: n.name, labels: n.labels })),
    serviceAccounts: of('service_account').map((s) => ({
      namespace: s.namespace,
      name: s.name,
      labels: s.labels,
    })),
    endpoints: of('endpoint').map((e) => {
      const d = e.data as {
        ips?: string[];
        serviceAccount?: string;
        ports?: { name: string | null; port: number; protocol?: 'TCP' | 'UDP' | 'SCTP' }[];
      };
      return {
        namespace: e.namespace,
        name: e.name,
        labels: e.labels,
        serviceAccount: d.serviceAccount ?? 'default',
        ips: d.ips ?? [],
        ports: (d.ports ?? []).flatMap((p) =>
          p.name === null
            ? []
            : [{ name: p.name, port: p.port, ...(p.protocol ? { protocol: p.protocol } : {}) }],
        ),
      };
    }),
    services: of('service').map((s) => {
      const d = s.data as {
        ports?: { port: number; targetPort?: number | string; protocol?: 'TCP' | 'UDP' | 'SCTP' }[];
        endpoints?: { ip: string }[];
      };
      return {
        namespace: s.namespace,
        name: s.name,
        endpoints: (d.endpoints ?? []).flatMap((b) =>
          (d.ports ?? []).map((p) => ({
            ip: b.ip,
            port: typeof p.targetPort === 'number' ? p.targetPort : p.port,
            ...(p.protocol ? { protocol: p.protocol } : {}),
          })),
        ),
      };
    }),
  };
}

/** Endpoint keys (`ns/pod`) of the cluster that the scope selects. */
function inScope(
  scope: ReportScope,
  inventory: readonly InventoryRowData[],
  endpoints: readonly Entity[],
): string[] {
  const endpointSel = matcher(scope.endpointSelector);
  const nsSel = matcher(scope.namespaceSelector);
  const saSel = matcher(scope.serviceAccountSelector);
  const nsLabels = new Map(
    inventory.filter((r) => r.kind === 'namespace').map((r) => [r.name, labelsFromRecord(r.labels)]),
  );
  const saLabels = new Map(
    inventory
      .filter((r) => r.kind === 'service_account')
      .map((r) => [`${r.namespace}/${r.name}`, labelsFromRecord(r.labels)]),
  );
  const saOf = new Map(
    inventory
      .filter((r) => r.kind === 'endpoint')
      .map((r) => [
        `${r.namespace}/${r.name}`,
        (r.data['serviceAccount'] as string | undefined) ?? 'default',
      ]),
  );
  return endpoints
    .filter((e) => {
      if (e.kind !== 'wep' || e.namespace === undefined) return false;
      if (endpointSel && !endpointSel(e.labels)) return false;
      if (scope.namespaceNames.length && !scope.namespaceNames.includes(e.namespace)) return false;
      if (nsSel && !nsSel(nsLabels.get(e.namespace) ?? new Map())) return false;
      const sa = saOf.get(e.key) ?? 'default';
      if (scope.serviceAccountNames.length && !scope.serviceAccountNames.includes(sa)) return false;
      if (saSel && !saSel(saLabels.get(`${e.namespace}/${sa}`) ?? new Map())) return false;
      return true;
    })
    .map((e) => e.key)
    .sort();
}

interface InventorySegment {
  from: Date;
  rows: InventoryRowData[];
}

/**
 * The interval cut where the inventory changed: each segment holds the rows in force from its
 * start until the next one's. A segment before the first stored version has no rows.
 */
export function inventorySegments(
  history: readonly InventoryVersion[],
  start: Date,
  end: Date,
): InventorySegment[] {
  const cuts = new Set<number>([start.getTime()]);
  for (const v of history) {
    if (v.validFrom > start && v.validFrom < end) cuts.add(v.validFrom.getTime());
    if (v.validTo && v.validTo > start && v.validTo < end) cuts.add(v.validTo.getTime());
  }
  return [...cuts]
    .sort((a, b) => a - b)
    .map((t) => ({
      from: new Date(t),
      rows: history.filter(
        (v) => v.validFrom.getTime() <= t && (v.validTo === null || v.validTo.getTime() > t),
      ),
    }));
}

/** Each row's last version in the interval (what the rows' descriptive columns show). */
function latestRows(history: readonly InventoryVersion[]): InventoryRowData[] {
  const byKey = new Map<string, InventoryVersion>();
  for (const v of history) byKey.set(JSON.stringify([v.kind, v.namespace, v.name]), v);
  return [...byKey.values()];
}

type NodeRow = Awaited<ReturnType<ReportSourcesRepository['nodes']>>[number];

/** The fleet encryption summary of the clusters in scope (decision 0152). */
export function encryptionSummary(
  clusters: readonly { name: string; nodes: readonly NodeRow[] }[],
): NonNullable<ReportResult['encryption']> {
  const ratio = (a: number, b: number) => (b === 0 ? 0 : Math.round((a / b) * 10_000) / 10_000);
  const nodes: EncryptionNodeRow[] = clusters.flatMap((c) =>
    c.nodes.map((n) => ({
      cluster: c.name,
      node: n.name,
      dataplane: n.dataplane,
      wireguardEnabled: n.wireguardEnabled,
      wireguardPublicKey: n.wireguardPublicKey,
      encrypting: isEncrypting(n),
      mtu: n.mtu,
      calicoVersion: n.calicoVersion ?? '',
      reportedAt: n.reportedAt.toISOString(),
    })),
  );
  const rows: EncryptionClusterRow[] = clusters.map((c) => {
    const own = nodes.filter((n) => n.cluster === c.name);
    const encrypting = own.filter((n) => n.encrypting).length;
    return {
      cluster: c.name,
      nodes: own.length,
      encryptingNodes: encrypting,
      coverage: ratio(encrypting, own.length),
      dataplanes: [...new Set(own.map((n) => n.dataplane))].sort(),
      calicoVersions: [...new Set(own.map((n) => n.calicoVersion).filter((v) => v !== ''))].sort(),
    };
  });
  const encrypting = nodes.filter((n) => n.encrypting).length;
  return {
    clustersNumInScope: clusters.length,
    nodesNum: nodes.length,
    nodesNumEncrypting: encrypting,
    coverage: ratio(encrypting, nodes.length),
    clusters: rows,
    nodes,
  };
}

/** What a scope selects right now, from each cluster's last inventory (a run started now covers these). */
export interface ScopeCount {
  endpoints: number;
  namespaces: number;
  serviceAccounts: number;
  clusters: { cluster: string; endpoints: number }[];
}

/**
 * Counts what `scope` selects in the clusters its cluster selector takes, by the same rule a run
 * applies (`inScope`): endpoints, their distinct namespaces and service accounts, per cluster.
 */
export function countInScope(
  scope: ReportScope,
  clusters: readonly {
    name: string;
    labels: Record<string, string>;
    inventory: readonly InventoryRowData[];
  }[],
): ScopeCount {
  const clusterSel = matcher(scope.clusterSelector);
  const out: ScopeCount = { endpoints: 0, namespaces: 0, serviceAccounts: 0, clusters: [] };
  for (const c of clusters) {
    if (clusterSel && !clusterSel(labelsFromRecord(c.labels))) continue;
    const keys = inScope(scope, c.inventory, buildWorld(worldInput(c.inventory)).endpoints);
    const saOf = new Map(
      c.inventory
        .filter((r) => r.kind === 'endpoint')
        .map((r) => [
          `${r.namespace}/${r.name}`,
          (r.data['serviceAccount'] as string | undefined) ?? 'default',
        ]),
    );
    const namespaces = new Set(keys.map((k) => k.slice(0, k.indexOf('/'))));
    const accounts = new Set(keys.map((k) => `${k.slice(0, k.indexOf('/'))}/${saOf.get(k) ?? 'default'}`));
    out.endpoints += keys.length;
    out.namespaces += namespaces.size;
    out.serviceAccounts += accounts.size;
    out.clusters.push({ cluster: c.name, endpoints: keys.length });
  }
  return out;
}

function peerName(type: string, namespace: string, name: string): string {
  if (type === 'net') return name;
  return namespace ? `${namespace}/${name}` : name;
}

function nameMatches(flowName: string, pod: string): boolean {
  return flowName === pod || (flowName.endsWith('*') && pod.startsWith(flowName.slice(0, -1)));
}

export interface ComputerOptions {
  /**
   * Compute the straightforward way (decision 0150): every endpoint and every peer on its own,
   * nothing shared between endpoints or skipped once settled. Quadratic; the reference the fast
   * path is tested against, and the bench's baseline.
   */
  exhaustive?: boolean;
}

export class ComplianceReportComputer implements ReportComputer {
  private readonly sources = new ReportSourcesRepository();

  constructor(
    private readonly db: Database,
    private readonly clock: () => Date = () => new Date(),
    private readonly options: ComputerOptions = {},
  ) {}

  async compute(run: RunRow, progress: Progress): Promise<ReportResult> {
    const spec = run.spec as unknown as ReportSpec;
    const start = run.intervalStart;
    const end = run.intervalEnd;
    const type = spec.reportType;
    const clusterSel = matcher(spec.scope.clusterSelector);
    const read = await this.db.inOrg(
      { orgId: run.orgId },
      async (tx: Tx) => {
        const org = await tx.organization.findFirst({
          where: { id: run.orgId },
          select: { id: true, slug: true, name: true },
        });
        const all = await this.sources.clusters(tx, run.orgId);
        const clusters: ClusterData[] = [];
        for (const c of all) {
          const labels = labelsFromRecord((c.labels ?? {}) as Record<string, string>);
          if (clusterSel && !clusterSel(labels)) continue;
          clusters.push({
            id: c.id,
            name: c.name,
            labels,
            history:
              type === 'encryption'
                ? []
                : await this.sources.inventoryHistory(tx, run.orgId, c.id, start, end),
            nodes: type === 'policy-audit' ? [] : await this.sources.nodes(tx, run.orgId, c.id),
            traffic:
              type === 'network-access' ? await this.sources.traffic(tx, run.orgId, c.id, start, end) : null,
          });
        }
        const revisions = await this.sources.revisions(tx, run.orgId, start, end);
        const audit =
          type === 'policy-audit'
            ? await this.sources.auditEvents(tx, run.orgId, start, end, 'policy_resource')
            : [];
        return { org, clusters, revisions, audit };
      },
      { timeoutMs: READ_TIMEOUT_MS },
    );
    if (!read.org) throw new Error('organisation not found');
    await progress(10);

    const periods = replay(read.revisions, start);
    const endpoints: EndpointRow[] = [];
    const namespaces: NamespaceRow[] = [];
    const services: ServiceRow[] = [];
    const appliedRefs = new Set<string>();
    const notes: string[] = [];
    let policyStates = 0;
    const scopeGiven =
      spec.scope.endpointSelector !== '' ||
      spec.scope.namespaceNames.length > 0 ||
      spec.scope.namespaceSelector !== '' ||
      spec.scope.serviceAccountNames.length > 0 ||
      spec.scope.serviceAccountSelector !== '';

    for (const [ci, cluster] of read.clusters.entries()) {
      // The encryption summary needs no policy evaluation.
      if (type === 'encryption') continue;
      const c = cluster.labels;
      const acc = new Map<string, Accumulated>();
      // Distinct consecutive (policy state, inventory) pairs for this cluster: the interval is cut
      // at every policy change and at every change of the inventory (decision 0151), and every
      // endpoint in scope at any time is evaluated for the periods it existed in.
      let previousKey: string | null = null;
      const replayed: ClusterReplay = {
        memo: new Map(),
        calico: new Map(),
        shared: new Map(),
        previous: null,
      };
      const segments = inventorySegments(cluster.history, start, end);
      let pi = 0;
      let si = 0;
      const bounds = [
        ...new Set([...periods.map((p) => p.from.getTime()), ...segments.map((g) => g.from.getTime())]),
      ].sort((a, b) => a - b);
      let world = null as { segment: number; base: Omit<WorldInput, 'resources'>; keys: string[] } | null;
      for (const at of bounds) {
        while (pi + 1 < periods.length && periods[pi + 1]!.from.getTime() <= at) pi += 1;
        while (si + 1 < segments.length && segments[si + 1]!.from.getTime() <= at) si += 1;
        const period = periods[pi]!;
        const inForce = [...period.resources.values()]
          .filter((r) => {
            const m = matcher(clusterSelectorOf(r.object!));
            return m === null || m(c);
          })
          .sort((a, b) => (a.resourceId < b.resourceId ? -1 : a.resourceId > b.resourceId ? 1 : 0));
        const key = `${si}#${inForce.map((r) => `${r.resourceId}@${r.revision}`).join(',')}`;
        if (key === previousKey) continue;
        previousKey = key;
        if (world?.segment !== si) {
          const rows: InventoryRowData[] = segments[si]!.rows;
          const base = worldInput(rows);
          world = { segment: si, base, keys: inScope(spec.scope, rows, buildWorld(base).endpoints) };
        }
        for (const k of world.keys)
          if (!acc.has(k))
            acc.set(k, { palisade: { ...PROTECTED_ALL }, calico: { ...PROTECTED_ALL }, applied: new Set() });
        policyStates += 1;
        this.evaluate(
          { ...world.base, resources: inForce.map((r) => r.object as unknown as PolicyResource) },
          inForce,
          world.keys,
          acc,
          type === 'network-access',
          appliedRefs,
          replayed,
          si,
        );
      }
      const keys = [...acc.keys()].sort();
      const rows = this.rows(
        cluster.name,
        latestRows(cluster.history),
        keys,
        acc,
        type,
        cluster.traffic,
        cluster.nodes,
      );
      endpoints.push(...rows.endpoints);
      namespaces.push(...rows.namespaces);
      services.push(...rows.services);
      if (type === 'network-access' && cluster.traffic?.length === 0)
        notes.push(
          `No flows stored for cluster ${cluster.name} in the interval: its traffic columns are empty.`,
        );
      await progress(10 + Math.floor((80 * (ci + 1)) / Math.max(1, read.clusters.length)));
    }
    if (read.clusters.length === 0) notes.push('No cluster matches the cluster selector.');
    if (type === 'inventory' || type === 'network-access')
      notes.push(
        'nodeEncrypted is the endpoint node’s encryption as its agent last reported it (node reports have no history).',
      );
    if (type === 'encryption')
      notes.push(
        'Nodes are as their agents last reported them (reportedAt), not replayed over the interval: node reports have no history.',
      );
    if (type === 'inventory' || type === 'network-access')
      notes.push(
        'Endpoints are those that existed at any time in the interval, each evaluated over the periods it existed in (inventory history).',
        'envoyEnabled is always false: the agent does not report pod containers.',
      );

    const result: ReportResult = {
      format: RESULT_FORMAT,
      report: {
        runId: run.id,
        definition: run.definitionName,
        type,
        trigger: run.trigger,
        interval: { start: start.toISOString(), end: end.toISOString() },
        scope: spec.scope,
      },
      organization: read.org,
      clusters: read.clusters.map((c) => ({ id: c.id, name: c.name })),
      generatedAt: this.clock().toISOString(),
      policyStates,
      endpoints: type === 'policy-audit' || type === 'encryption' ? [] : endpoints,
      namespaces: type === 'inventory' ? namespaces : [],
      services: type === 'inventory' ? services : [],
      events: [],
      notes,
    };
    const count = (f: (e: EndpointRow) => boolean) => endpoints.filter(f).length;
    if (type === 'inventory') {
      result.inventory = {
        endpointsNumInScope: endpoints.length,
        endpointsNumIngressProtected: count((e) => e.ingressProtected),
        endpointsNumEgressProtected: count((e) => e.egressProtected),
        namespacesNumInScope: namespaces.length,
        namespacesNumIngressProtected: namespaces.filter((n) => n.ingressProtected).length,
        namespacesNumEgressProtected: namespaces.filter((n) => n.egressProtected).length,
        serviceAccountsNumInScope: new Set(
          endpoints.map((e) => `${e.cluster}/${e.namespace}/${e.serviceAccount}`),
        ).size,
      };
    } else if (type === 'network-access') {
      result.networkAccess = {
        endpointsNumIngressProtected: count((e) => e.ingressProtected),
        endpointsNumEgressProtected: count((e) => e.egressProtected),
        endpointsNumIngressUnprotected: count((e) => !e.ingressProtected),
        endpointsNumEgressUnprotected: count((e) => !e.egressProtected),
        endpointsNumIngressFromInternet: count((e) => e.ingressFromInternet),
        endpointsNumEgressToInternet: count((e) => e.egressToInternet),
        endpointsNumIngressFromOtherNamespace: count((e) => e.ingressFromOtherNamespace),
        endpointsNumEgressToOtherNamespace: count((e) => e.egressToOtherNamespace),
        endpointsNumEnvoyEnabled: count((e) => e.envoyEnabled),
      };
    } else if (type === 'encryption') {
      result.encryption = encryptionSummary(read.clusters);
    } else {
      result.events = this.auditEvents(
        read.audit,
        scopeGiven ? appliedRefs : null,
        read.clusters.map((c) => c.labels),
        clusterSel,
      );
      result.policyAudit = {
        numCreatedPolicies: result.events.filter((e) => e.verb === 'create').length,
        numModifiedPolicies: result.events.filter((e) => e.verb === 'update').length,
        numDeletedPolicies: result.events.filter((e) => e.verb === 'delete').length,
      };
    }
    await progress(95);
    return result;
  }

  /**
   * One policy state: folds each in-scope endpoint's flags into `acc`. Protection and Calico's
   * flags depend only on the endpoint's own applied policies, the tiers and the network sets (the
   * inventory is the same in every state of a segment), so they are memoised across states under
   * the revisions of exactly those. Between consecutive states of one segment and context
   * (decision 0195) only the endpoints a changed policy selects (before or after the change) can
   * have new plans: the others keep last state's flags, and their other-namespace exposure, when
   * still off, is checked against those endpoints alone (the other peers gave the same verdicts in
   * the previous state, which found none).
   */
  private evaluate(
    input: WorldInput,
    inForce: readonly RevisionData[],
    keys: readonly string[],
    acc: Map<string, Accumulated>,
    exposure: boolean,
    appliedRefs: Set<string>,
    replayed: ClusterReplay,
    segment: number,
  ): void {
    const context = inForce
      .filter((r) => isContextKind(r.kind))
      .map((r) => `${r.resourceId}@${r.revision}`)
      .join(',');
    const previous = replayed.previous;
    const exhaustive = this.options.exhaustive === true;
    const successor = !exhaustive && previous?.segment === segment && previous.context === context;
    // A successor state has the same entities (same inventory, sets and hosts): its engine shares
    // the previous one's selector memos and address index (decision 0195).
    const engine = successor
      ? new PolicyEngine(withPolicies(previous.engine.world, input.resources ?? []), previous.engine)
      : new PolicyEngine(buildWorld(input));
    const definitions = new Map(
      engine.policies.map((p) => [
        `${p.definition.kind}|${p.definition.namespace ?? ''}|${p.definition.name}`,
        p.definition,
      ]),
    );
    const revisionOf = new Map(
      inForce.map((r) => [`${r.kind}|${r.namespace}|${r.name}`, `${r.resourceId}@${r.revision}`]),
    );
    // States with the same context (network sets, host endpoints, tiers) and inventory have the
    // same entities: peer classes carry over.
    const shareKey = `${segment}#${context}`;
    let classes = replayed.shared.get(shareKey);
    if (!classes) replayed.shared.set(shareKey, (classes = new SharedPeerClasses()));
    let memo = replayed.memo.get(shareKey);
    if (!memo) replayed.memo.set(shareKey, (memo = new Map<string, Memo>()));
    let calicoMemo = replayed.calico.get(shareKey);
    if (!calicoMemo) replayed.calico.set(shareKey, (calicoMemo = new Map<string, ExposureFlags>()));
    // A successor state asks the full index about its changed endpoints only.
    const index = new PolicyIndex(
      engine,
      exhaustive ? { exhaustive } : { shared: classes, ...(successor ? { few: true } : {}) },
    );
    const current: ReplayedState = { segment, context, engine, inForce };
    replayed.previous = current;
    const changed = successor ? changedEndpoints(previous, current) : null;
    let delta: PolicyIndex | null = null;
    let sets: NetworkSetInfo[] | null = null;
    const networkSets = () =>
      (sets ??= engine.world.entities
        .filter((e) => e.kind === 'netset' || e.kind === 'gnetset')
        .map((e) => {
          const r = input.resources?.find(
            (x) =>
              (x.kind === 'NetworkSet' || x.kind === 'GlobalNetworkSet') &&
              (x.metadata.namespace === undefined
                ? x.metadata.name
                : `${x.metadata.namespace}/${x.metadata.name}`) === e.key,
          );
          const nets = (r?.spec as { nets?: string[] } | undefined)?.nets ?? [];
          return { labels: e.labels, nets };
        }));
    for (const key of keys) {
      const a = acc.get(key)!;
      if (changed && !changed.keys.has(key)) {
        // Same plans as in the previous state: its flags are already folded in.
        if (!exposure) continue;
        delta ??= new PolicyIndex(engine, { shared: classes, peers: changed.peers });
        a.palisade.ingressFromOtherNamespace ||= delta.otherNamespaceExposure(key, 'ingress');
        a.palisade.egressToOtherNamespace ||= delta.otherNamespaceExposure(key, 'egress');
        continue;
      }
      const applied = {
        ingress: index
          .appliedPolicies(key, 'ingress')
          .map((ref) => definitions.get(`${ref.kind}|${ref.namespace ?? ''}|${ref.name}`)!),
        egress: index
          .appliedPolicies(key, 'egress')
          .map((ref) => definitions.get(`${ref.kind}|${ref.namespace ?? ''}|${ref.name}`)!),
      };
      const revisions = (list: typeof applied.ingress) =>
        list
          .map(
            (d) =>
              revisionOf.get(`${d.kindName}|${d.namespace ?? ''}|${d.name}`) ??
              `?${d.kindName}|${d.namespace ?? ''}|${d.name}`,
          )
          .join(',');
      const appliedKey = `${revisions(applied.ingress)}|${revisions(applied.egress)}`;
      const memoKey = `${key}|${appliedKey}`;
      let m = memo.get(memoKey);
      if (!m) {
        const rules = (list: typeof applied.ingress): AppliedPolicyRules[] =>
          list.map((d) => ({ global: d.namespace === undefined, ingress: d.ingress, egress: d.egress }));
        const all = [...applied.ingress, ...applied.egress];
        // Calico's flags read the applied rules and the network sets only: shared by every
        // endpoint with the same applied revisions.
        let calico = calicoMemo.get(appliedKey);
        if (!calico) {
          calico = calicoFlags(rules(applied.ingress), rules(applied.egress), networkSets());
          calicoMemo.set(appliedKey, calico);
        }
        m = {
          ingressProtected: index.decidedByPolicy(key, 'ingress'),
          egressProtected: index.decidedByPolicy(key, 'egress'),
          calico,
          applied: all.map(appliedName),
          refs: all.map((d) => `${d.kindName}|${d.namespace ?? ''}|${d.name}`),
        };
        memo.set(memoKey, m);
      }
      for (const name of m.applied) a.applied.add(name);
      for (const ref of m.refs) appliedRefs.add(ref);
      const palisade: ExposureFlags = {
        ingressProtected: m.ingressProtected,
        egressProtected: m.egressProtected,
        ingressFromInternet: false,
        egressToInternet: false,
        ingressFromOtherNamespace: false,
        egressToOtherNamespace: false,
      };
      // Exposure only ever turns on over the interval: a flag already on cannot change the row,
      // so only the flags still off are evaluated (the straightforward computation evaluates
      // every flag in every state).
      if (exposure && exhaustive) {
        const x = index.exposure(key);
        palisade.ingressFromInternet = x.ingressFromInternet;
        palisade.egressToInternet = x.egressToInternet;
        palisade.ingressFromOtherNamespace = x.ingressFromOtherNamespaces;
        palisade.egressToOtherNamespace = x.egressToOtherNamespaces;
      } else if (exposure) {
        palisade.ingressFromInternet =
          !a.palisade.ingressFromInternet && index.internetExposure(key, 'ingress');
        palisade.egressToInternet = !a.palisade.egressToInternet && index.internetExposure(key, 'egress');
        palisade.ingressFromOtherNamespace =
          !a.palisade.ingressFromOtherNamespace && index.otherNamespaceExposure(key, 'ingress');
        palisade.egressToOtherNamespace =
          !a.palisade.egressToOtherNamespace && index.otherNamespaceExposure(key, 'egress');
      }
      fold(a.palisade, palisade);
      fold(a.calico, m.calico);
    }
  }

  private rows(
    clusterName: string,
    inventory: readonly InventoryRowData[],
    keys: readonly string[],
    acc: Map<string, Accumulated>,
    type: string,
    traffic: readonly TrafficEdge[] | null,
    nodes: readonly NodeRow[],
  ) {
    const encrypts = new Map(nodes.map((n) => [n.name, isEncrypting(n)]));
    const flags: readonly (keyof ExposureFlags)[] =
      type === 'network-access' ? FLAG_NAMES : ['ingressProtected', 'egressProtected'];
    const inv = new Map(
      inventory.filter((r) => r.kind === 'endpoint').map((r) => [`${r.namespace}/${r.name}`, r]),
    );
    const serviceRows = inventory.filter((r) => r.kind === 'service');
    const servicesOf = new Map<string, string[]>();
    const backendsOf = new Map<string, string[]>();
    for (const s of serviceRows) {
      const pods = ((s.data['endpoints'] as { pod: string | null }[] | undefined) ?? [])
        .map((b) => b.pod)
        .filter((p): p is string => p !== null)
        .map((p) => `${s.namespace}/${p}`)
        .filter((k) => acc.has(k));
      const name = `${s.namespace}/${s.name}`;
      backendsOf.set(name, [...new Set(pods)].sort());
      for (const p of pods) servicesOf.set(p, [...new Set([...(servicesOf.get(p) ?? []), name])].sort());
    }
    const edges = (traffic ?? []).filter((t) => t.action === 'allow');
    const endpoints: EndpointRow[] = keys.map((key) => {
      const a = acc.get(key)!;
      const [namespace = '', pod = ''] = key.split('/');
      const inbound = edges.filter(
        (t) => t.destType === 'wep' && t.destNamespace === namespace && nameMatches(t.destName, pod),
      );
      const outbound = edges.filter(
        (t) => t.sourceType === 'wep' && t.sourceNamespace === namespace && nameMatches(t.sourceName, pod),
      );
      const prefix = [...inbound.map((t) => t.destName), ...outbound.map((t) => t.sourceName)].find((n) =>
        n.endsWith('*'),
      );
      const differs = differences(a.palisade, a.calico, flags);
      return {
        cluster: clusterName,
        endpoint: key,
        namespace,
        serviceAccount: (inv.get(key)?.data['serviceAccount'] as string | undefined) ?? 'default',
        ...a.palisade,
        envoyEnabled: false,
        appliedPolicies: [...a.applied].sort(),
        services: servicesOf.get(key) ?? [],
        trafficAggregationPrefix: prefix ?? '',
        endpointsGeneratingTrafficToThisEndpoint: [
          ...new Set(inbound.map((t) => peerName(t.sourceType, t.sourceNamespace, t.sourceName))),
        ].sort(),
        endpointsReceivingTrafficFromThisEndpoint: [
          ...new Set(outbound.map((t) => peerName(t.destType, t.destNamespace, t.destName))),
        ].sort(),
        differsFromCalico: differs,
        calicoWouldReport: differs.map((f) => `${f}=${a.calico[f]}`),
        node: (inv.get(key)?.data['node'] as string | undefined) ?? '',
        nodeEncrypted: encrypts.get((inv.get(key)?.data['node'] as string | undefined) ?? '') ?? null,
      };
    });
    const byNamespace = new Map<string, string[]>();
    for (const k of keys) {
      const ns = k.split('/')[0]!;
      byNamespace.set(ns, [...(byNamespace.get(ns) ?? []), k]);
    }
    const rollup = (members: readonly string[]) => {
      const all = (pick: (a: ExposureFlags) => boolean, side: 'palisade' | 'calico') =>
        members.every((m) => pick(acc.get(m)![side]));
      const p = {
        ingressProtected: all((f) => f.ingressProtected, 'palisade'),
        egressProtected: all((f) => f.egressProtected, 'palisade'),
      };
      const c = {
        ingressProtected: all((f) => f.ingressProtected, 'calico'),
        egressProtected: all((f) => f.egressProtected, 'calico'),
      };
      return { p, c };
    };
    const namespaces: NamespaceRow[] = [...byNamespace.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([ns, members]) => {
        const { p, c } = rollup(members);
        return {
          cluster: clusterName,
          namespace: ns,
          ...p,
          envoyEnabled: false,
          endpointsInScope: members.length,
          differsFromCalico: (['ingressProtected', 'egressProtected'] as const).filter((f) => p[f] !== c[f]),
        };
      });
    const services: ServiceRow[] = [...backendsOf.entries()]
      .filter(([, members]) => members.length > 0)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([name, members]) => {
        const { p, c } = rollup(members);
        return {
          cluster: clusterName,
          service: name,
          ingressProtected: p.ingressProtected,
          envoyEnabled: false,
          endpointsInScope: members.length,
          differsFromCalico: p.ingressProtected !== c.ingressProtected ? ['ingressProtected'] : [],
        };
      });
    return { endpoints, namespaces, services };
  }

  private auditEvents(
    rows: Awaited<ReturnType<ReportSourcesRepository['auditEvents']>>,
    appliedRefs: ReadonlySet<string> | null,
    clusterLabels: readonly LabelMap[],
    clusterSel: LabelMatcher | null,
  ): PolicyAuditEvent[] {
    const out: PolicyAuditEvent[] = [];
    for (const e of rows) {
      const before = e.before as { resource?: string; object?: Record<string, unknown> } | null;
      const after = e.after as {
        resource?: string;
        object?: Record<string, unknown>;
        diff?: PolicyAuditEvent['diff'];
      } | null;
      const object = after?.object ?? before?.object;
      if (!object) continue;
      // `resource` is the stored reference, Kind/[namespace/]name (policies.service writes it).
      const resource = after?.resource ?? before?.resource ?? '';
      const [storedKind = '', ...rest] = resource.split('/');
      const [namespace, name] = rest.length === 2 ? [rest[0]!, rest[1]!] : ['', rest[0] ?? ''];
      if (!AUDITED_KINDS.has(storedKind)) continue;
      if (appliedRefs && !appliedRefs.has(`${storedKind}|${namespace}|${name}`)) continue;
      if (clusterSel) {
        const m = matcher(clusterSelectorOf(object));
        if (m && !clusterLabels.some((l) => m(l))) continue;
      }
      const verb =
        e.action === 'policy.create' ? 'create' : e.action === 'policy.delete' ? 'delete' : 'update';
      const diff = after?.diff ?? fieldChanges(before?.object ?? null, after?.object ?? null);
      out.push({
        seq: e.seq.toString(),
        occurredAt: e.occurredAt.toISOString(),
        verb,
        action: e.action,
        user: { type: e.actorType, id: e.actorId, label: e.actorLabel },
        resource,
        kind: storedKind,
        namespace,
        name,
        before: before?.object ?? null,
        after: after?.object ?? null,
        diff,
      });
    }
    return out;
  }
}

function fold(into: ExposureFlags, x: ExposureFlags): void {
  into.ingressProtected &&= x.ingressProtected;
  into.egressProtected &&= x.egressProtected;
  into.ingressFromInternet ||= x.ingressFromInternet;
  into.egressToInternet ||= x.egressToInternet;
  into.ingressFromOtherNamespace ||= x.ingressFromOtherNamespace;
  into.egressToOtherNamespace ||= x.egressToOtherNamespace;
}
