// The impact preview of unsaved policy edits (issue 14, decisions 0070–0071). Parses and validates
// the edits as a write would (same validator, same field paths and lines), finds the clusters they
// target (any cluster whose labels match the cluster selector of an edited resource, before or
// after the edit), and for each replays the window's stored flow keys through @palisade/policy's
// preview with that cluster's resources as stored and as edited, resolving aggregated names with
// the cluster's inventory. Nothing is written: no transaction here ever takes a write lock.
// "Before" is what was in force when each flow was seen (decision 0161): the stored resources
// rolled back through their revisions, one set per segment of the window between policy changes,
// each flow key replayed against the set of the segment its buckets fall in.
import { Inject, Injectable } from '@nestjs/common';
import { renderPolicyHit, type EndpointType, type FlowAction, type Reporter } from '@palisade/flows';
import {
  applyEdits,
  mergeFlowInputs,
  parseResourcesYaml,
  previewFlows,
  previewTotals,
  resourceKey,
  stagedToEnforced,
  validateResource,
  type ClassCounts,
  type PolicyEdit,
  type PolicyResource,
  type PreviewFlowInput,
  type PreviewInventory,
  type PreviewedFlow,
  type ValidationError,
} from '@palisade/policy';
import type { OrgScope } from '../../platform/access/principal.js';
import { describeScope } from '../../platform/access/access-scope.js';
import { scopeAllows } from '../../platform/access/roles.js';
import { AppError } from '../../platform/errors/app-error.js';
import { FLOW_STORE, type FlowQuery, type FlowStore, type StoredFlowKey } from '../flows/flow-store.js';
import { toFieldIssue, type PolicyFieldIssue } from '../policies/policies.errors.js';
import {
  CLUSTER_SELECTOR_ANNOTATION,
  annotatedClusterSelector,
  clusterMatcher,
  fromStored,
  isBuiltinTier,
  normaliseClusterSelector,
  refKey,
  storedDocument,
  tierOf,
  type ManagedRef as ResourceRef,
} from '@palisade/policy/managed';
import {
  PolicyPreviewRepository,
  type ClusterRow,
  type InventoryRow,
  type RevisionRow,
} from './policy-preview.repository.js';

/** The window when none is given: the last 24 hours, as Calico's preview uses "recent" flows. */
export const DEFAULT_WINDOW_MS = 24 * 3600 * 1000;

export type ChangeSource =
  | { op: 'apply'; yaml: string; path: (string | number)[] }
  | { op: 'apply'; object: unknown; path: (string | number)[] }
  | { op: 'delete'; ref: ResourceRef; path: (string | number)[] };

export interface PreviewRequest {
  changes: ChangeSource[];
  /** The staged policy whose promotion (stage → enforce) to preview. */
  promote: ResourceRef | null;
  query: FlowQuery;
}

export interface PreviewRow extends PreviewedFlow {
  clusterName: string;
}

export interface PreviewResult {
  from: Date;
  to: Date;
  clusters: string[];
  totals: ClassCounts;
  byCluster: { cluster: string; counts: ClassCounts }[];
  byNamespace: { cluster: string; namespace: string; counts: ClassCounts }[];
  /** Newly denied first, then uncertain, newly allowed, unchanged; then cluster, namespace, id. */
  rows: PreviewRow[];
}

const CLASS_ORDER = { NEWLY_DENIED: 0, UNCERTAIN: 1, NEWLY_ALLOWED: 2, UNCHANGED: 3 } as const;

/** An edit resolved against the stored resources: what it does and where. */
interface Edit {
  key: string;
  /** The new document, or null for a deletion. */
  doc: PolicyResource | null;
  /** Cluster selectors before and after ('' = every cluster; null = did not exist / deleted). */
  selectorBefore: string | null;
  selectorAfter: string | null;
}

/** A stored resource with its cluster selector. */
export interface Stored {
  doc: PolicyResource;
  selector: string;
  kind: string;
  name: string;
}

/**
 * What was in force over the window: `boundaries` are the times inside it at which a resource
 * changed, ascending, and `states[i]` the resources in force from boundary i−1 (the window's start
 * for i = 0) until boundary i. A resource with no revision after the window's start is as stored
 * now; one changed since then is rolled back to its last revision at the segment's start (absent
 * when it was created later or deleted then).
 */
export interface PolicyHistory {
  boundaries: Date[];
  states: ReadonlyMap<string, Stored>[];
}

function storedOf(kind: string, name: string, object: unknown): Stored {
  const doc = fromStored(object);
  // clusterMatcher reads any spelling of a selector (and matches no cluster with one it cannot read).
  return { doc, selector: annotatedClusterSelector(doc) ?? '', kind, name };
}

export function policyHistory(
  stored: ReadonlyMap<string, Stored>,
  revisions: readonly RevisionRow[],
  from: Date,
  to: Date,
): PolicyHistory {
  const byKey = new Map<string, RevisionRow[]>();
  for (const r of revisions) {
    if (isBuiltinTier(r.kind, r.name)) continue;
    const key = refKey(r);
    const list = byKey.get(key) ?? [];
    list.push(r);
    byKey.set(key, list);
  }
  const times = revisions
    .map((r) => r.created_at.getTime())
    .filter((t) => t > from.getTime() && t < to.getTime());
  const boundaries = [...new Set(times)].sort((a, b) => a - b).map((t) => new Date(t));
  const stateAt = (at: number): Map<string, Stored> => {
    const state = new Map(stored);
    for (const [key, list] of byKey) {
      if (!list.some((r) => r.created_at.getTime() > at)) continue;
      let then: RevisionRow | undefined;
      for (const r of list) if (r.created_at.getTime() <= at) then = r;
      if (then?.object === null || then?.object === undefined) state.delete(key);
      else state.set(key, storedOf(then.kind, then.name, then.object));
    }
    return state;
  };
  return {
    boundaries,
    states: [from, ...boundaries].map((t) => stateAt(t.getTime())),
  };
}

function invalid(issues: PolicyFieldIssue[]): AppError {
  return AppError.validation(issues);
}

function inventoryOf(rows: readonly InventoryRow[]): PreviewInventory {
  const inventory: Required<PreviewInventory> = { namespaces: [], endpoints: [], serviceAccounts: [] };
  for (const r of rows) {
    const d = r.data as Record<string, unknown>;
    if (r.kind === 'namespace') {
      inventory.namespaces.push({
        name: String(d['name']),
        labels: (d['labels'] ?? {}) as Record<string, string>,
      });
    } else if (r.kind === 'service_account') {
      inventory.serviceAccounts.push({
        namespace: String(d['namespace']),
        name: String(d['name']),
        labels: (d['labels'] ?? {}) as Record<string, string>,
      });
    } else {
      const ports = (d['ports'] ?? []) as { name?: string | null; port: number; protocol?: string }[];
      inventory.endpoints.push({
        namespace: String(d['namespace']),
        name: String(d['name']),
        labels: (d['labels'] ?? {}) as Record<string, string>,
        serviceAccount: typeof d['serviceAccount'] === 'string' ? d['serviceAccount'] : 'default',
        // Addresses stay out: a pod's address in the inventory is now, not when the flow was seen.
        ips: [],
        ports: ports.flatMap((p) =>
          p.name
            ? [{ name: p.name, port: p.port, protocol: (p.protocol ?? 'TCP') as 'TCP' | 'UDP' | 'SCTP' }]
            : [],
        ),
      });
    }
  }
  return inventory;
}

/** A stored flow key as the engine's preview and recommendation take it. */
export function flowInput(k: StoredFlowKey): PreviewFlowInput {
  return {
    source_type: k.sourceType as EndpointType,
    source_namespace: k.sourceNamespace,
    source_name: k.sourceName,
    source_labels: k.sourceLabels,
    dest_type: k.destType as EndpointType,
    dest_namespace: k.destNamespace,
    dest_name: k.destName,
    dest_labels: k.destLabels,
    dest_port: k.destPort,
    dest_service_namespace: k.destServiceNamespace,
    dest_service_name: k.destServiceName,
    dest_service_port_name: k.destServicePortName,
    dest_service_port: k.destServicePort,
    proto: k.proto,
    reporter: k.reporter as Reporter,
    action: k.action as FlowAction,
    enforced: k.enforced.map(renderPolicyHit),
    first_seen: Math.floor(k.firstSeen.getTime() / 1000),
    last_seen: Math.floor(k.lastSeen.getTime() / 1000),
    num_flows: k.numFlows,
  };
}

/**
 * One cluster's keys replayed segment by segment: each against the resources in force in its
 * segment (consecutive segments with the same resources replay as one), all against `after`. A
 * key seen in several segments is one row: the segment with the most telling class (newly denied,
 * uncertain, newly allowed, unchanged; the latest on a tie) gives its verdicts, the window its
 * first and last seen and flows.
 */
function previewOverHistory(
  befores: readonly PolicyResource[][],
  after: readonly PolicyResource[],
  keys: readonly StoredFlowKey[],
  inventory: PreviewInventory,
): PreviewedFlow[] {
  const groups: { before: PolicyResource[]; keys: StoredFlowKey[] }[] = [];
  const groupOf: number[] = [];
  let previous = '';
  befores.forEach((before, i) => {
    const fingerprint = JSON.stringify(before.map((d) => [resourceKey(d), d]).sort());
    if (i === 0 || fingerprint !== previous) groups.push({ before, keys: [] });
    previous = fingerprint;
    groupOf.push(groups.length - 1);
  });
  for (const k of keys) groups[groupOf[k.segment] ?? groups.length - 1]!.keys.push(k);
  const best = new Map<string, { row: PreviewedFlow; inputs: PreviewFlowInput[] }>();
  for (const group of groups) {
    if (group.keys.length === 0) continue;
    for (const row of previewFlows({
      before: group.before,
      after,
      flows: mergeFlowInputs(group.keys.map(flowInput)),
      inventory,
    })) {
      const seen = best.get(row.id);
      if (!seen) {
        best.set(row.id, { row, inputs: [row.flow] });
        continue;
      }
      seen.inputs.push(row.flow);
      if (CLASS_ORDER[row.class] <= CLASS_ORDER[seen.row.class]) seen.row = row;
    }
  }
  return [...best.values()].map(({ row, inputs }) =>
    inputs.length === 1 ? row : { ...row, flow: mergeFlowInputs(inputs)[0]! },
  );
}

@Injectable()
export class PolicyPreviewService {
  constructor(
    @Inject(PolicyPreviewRepository) private readonly repo: PolicyPreviewRepository,
    @Inject(FLOW_STORE) private readonly flows: FlowStore,
  ) {}

  async preview(scope: OrgScope, request: PreviewRequest, now = new Date()): Promise<PreviewResult> {
    // The replay counts every stored resource (a verdict is every tier's), but only over the
    // caller's clusters; a tier-limited role does not read flows at all (decision 0122).
    if (!scopeAllows(scope.access, 'flows:read'))
      throw new AppError(
        'FORBIDDEN',
        `your role is limited to ${describeScope(scope.access)}, which does not allow flows:read`,
      );
    const state = await this.repo.state(scope.orgId);
    const inScope = clusterMatcher(scope.access.clusterSelector);
    state.clusters = state.clusters.filter((c) => inScope(c.labels ?? {}));
    const to = request.query.to ?? now;
    const from = request.query.from ?? new Date(to.getTime() - DEFAULT_WINDOW_MS);
    const floor = now.getTime() - state.retentionDays * 24 * 3600 * 1000;
    if (from.getTime() < floor) {
      throw invalid([
        {
          path: ['input', 'filter', 'timeRange', 'from'],
          field: '',
          message: `is beyond the organisation's flow retention of ${state.retentionDays} day${state.retentionDays === 1 ? '' : 's'}`,
        },
      ]);
    }
    const stored = new Map<string, Stored>();
    for (const r of state.resources) {
      if (isBuiltinTier(r.kind, r.name)) continue;
      const doc = fromStored(r.object);
      stored.set(resourceKey(doc), { doc, selector: r.cluster_selector, kind: r.kind, name: r.name });
    }
    const edits = this.edits(request, stored);
    const clusters = this.targets(state.clusters, edits, request.query.clusters);
    const history = policyHistory(stored, await this.repo.revisionsSince(scope.orgId, from), from, to);
    const [inventory, keys] = await Promise.all([
      this.repo.inventory(
        scope,
        clusters.map((c) => c.id),
      ),
      clusters.length === 0
        ? Promise.resolve([])
        : this.flows.flowKeys(
            scope,
            {
              ...request.query,
              clusters: [],
              clusterIds: clusters.map((c) => c.id),
              from,
              to,
            },
            history.boundaries,
          ),
    ]);
    const rows: PreviewRow[] = [];
    const byCluster: PreviewResult['byCluster'] = [];
    const byNamespace: PreviewResult['byNamespace'] = [];
    for (const cluster of clusters) {
      const labels = cluster.labels ?? {};
      const inForce = (resources: ReadonlyMap<string, Stored>) =>
        [...resources.values()].filter((s) => clusterMatcher(s.selector)(labels)).map((s) => s.doc);
      const changes: PolicyEdit[] = edits.map((e) =>
        e.doc && e.selectorAfter !== null && clusterMatcher(e.selectorAfter)(labels)
          ? { op: 'apply', resource: e.doc }
          : { op: 'delete', ref: (e.doc ?? stored.get(e.key)?.doc)! },
      );
      // After: what is stored now with the edits, whenever the flow was seen.
      const { after } = applyEdits(inForce(stored), changes);
      const clusterKeys = keys.filter((k) => k.clusterId === cluster.id);
      const result = previewOverHistory(
        history.states.map(inForce),
        after,
        clusterKeys,
        inventoryOf(inventory.filter((i) => i.cluster_id === cluster.id)),
      );
      const totals = previewTotals(result);
      byCluster.push({ cluster: cluster.name, counts: totals.total });
      for (const n of totals.byNamespace) byNamespace.push({ cluster: cluster.name, ...n });
      for (const f of result) rows.push({ ...f, clusterName: cluster.name });
    }
    rows.sort(
      (a, b) =>
        CLASS_ORDER[a.class] - CLASS_ORDER[b.class] ||
        (a.clusterName < b.clusterName ? -1 : a.clusterName > b.clusterName ? 1 : 0) ||
        (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
    );
    return {
      from,
      to,
      clusters: clusters.map((c) => c.name),
      totals: previewTotals(rows).total,
      byCluster,
      byNamespace,
      rows,
    };
  }

  /** The edits, validated like a write (field paths, YAML lines), resolved against what is stored. */
  private edits(request: PreviewRequest, stored: ReadonlyMap<string, Stored>): Edit[] {
    const issues: PolicyFieldIssue[] = [];
    const docs: { doc: PolicyResource; path: (string | number)[]; line?: number }[] = [];
    const deletes: Edit[] = [];
    request.changes.forEach((c) => {
      if (c.op === 'delete') {
        const key = refKey(c.ref);
        const current = stored.get(key);
        if (!current) throw AppError.notFound(key);
        deletes.push({ key, doc: null, selectorBefore: current.selector, selectorAfter: null });
        return;
      }
      if ('yaml' in c) {
        const parsed = parseResourcesYaml(c.yaml);
        issues.push(...parsed.errors.map((e: ValidationError) => toFieldIssue(e, c.path)));
        if (parsed.errors.length === 0 && parsed.documents.length === 0) {
          issues.push({ path: c.path, field: '', message: 'contains no resources' });
        }
        for (const d of parsed.documents)
          if (d.resource) docs.push({ doc: d.resource, path: c.path, line: d.line });
      } else {
        const r = validateResource(c.object);
        issues.push(...r.errors.map((e) => toFieldIssue(e, c.path)));
        if (r.resource) docs.push({ doc: r.resource, path: c.path });
      }
    });
    if (request.promote) docs.push(...this.promotion(request.promote, stored, deletes));
    const edits: Edit[] = [...deletes];
    const tiers = new Set([...stored.values()].filter((s) => s.kind === 'Tier').map((s) => s.name));
    for (const t of ['default', 'kube-admin', 'kube-baseline']) tiers.add(t);
    for (const d of docs) if (d.doc.kind === 'Tier') tiers.add(d.doc.metadata.name);
    for (const d of docs) {
      const key = resourceKey(d.doc);
      const where = d.line === undefined ? '' : ` (line ${d.line})`;
      const current = stored.get(key);
      const annotated = annotatedClusterSelector(d.doc);
      let selector = current?.selector ?? '';
      if (annotated !== undefined) {
        try {
          selector = normaliseClusterSelector(annotated);
        } catch (err) {
          issues.push({
            path: [...d.path, 'metadata', 'annotations', CLUSTER_SELECTOR_ANNOTATION],
            field: 'metadata.annotations',
            message: `not a valid cluster selector: ${err instanceof Error ? err.message : String(err)}${where}`,
          });
          continue;
        }
      }
      const tier = tierOf(d.doc);
      if (tier !== null && !tiers.has(tier)) {
        issues.push({
          path: [...d.path, 'spec', 'tier'],
          field: 'spec.tier',
          message: `spec.tier: tier "${tier}" does not exist: create the Tier first (or in the same edit)${where}`,
        });
        continue;
      }
      // Stored form (selector in the annotation), so an unchanged resource compares equal.
      const doc = storedDocument(d.doc, selector);
      edits.push({ key, doc, selectorBefore: current?.selector ?? null, selectorAfter: selector });
    }
    if (issues.length > 0) throw invalid(issues);
    return edits;
  }

  /** Promotion as Calico's Enforce does it: the enforced kind replaces (or deletes) its twin, the staged one goes. */
  private promotion(
    ref: ResourceRef,
    stored: ReadonlyMap<string, Stored>,
    deletes: Edit[],
  ): { doc: PolicyResource; path: (string | number)[] }[] {
    const key = refKey(ref);
    const staged = stored.get(key);
    if (!staged) throw AppError.notFound(key);
    if (!staged.kind.startsWith('Staged')) {
      throw invalid([
        { path: ['input', 'promote', 'kind'], field: '', message: `${staged.kind} is not a staged kind` },
      ]);
    }
    deletes.push({ key, doc: null, selectorBefore: staged.selector, selectorAfter: null });
    const doc = staged.doc as Parameters<typeof stagedToEnforced>[0];
    const promoted = stagedToEnforced(doc);
    if (promoted) return [{ doc: storedDocument(promoted, staged.selector), path: ['input', 'promote'] }];
    // stagedAction Delete: promoting removes the enforced twin (its kind is what a Set would make).
    const twin = stagedToEnforced({ ...doc, spec: { ...doc.spec, stagedAction: 'Set' } } as typeof doc)!;
    const twinKey = resourceKey(twin);
    const current = stored.get(twinKey);
    if (current)
      deletes.push({ key: twinKey, doc: null, selectorBefore: current.selector, selectorAfter: null });
    return [];
  }

  /** Clusters an edit reaches, before or after; narrowed to `names` when given (unknown: NOT_FOUND). */
  private targets(
    clusters: readonly ClusterRow[],
    edits: readonly Edit[],
    names: readonly string[],
  ): ClusterRow[] {
    for (const n of names) if (!clusters.some((c) => c.name === n)) throw AppError.notFound(`cluster ${n}`);
    const selectors = edits.flatMap((e) =>
      [e.selectorBefore, e.selectorAfter].filter((s): s is string => s !== null),
    );
    const matchers = [...new Set(selectors)].map(clusterMatcher);
    return clusters.filter(
      (c) => (names.length === 0 || names.includes(c.name)) && matchers.some((m) => m(c.labels ?? {})),
    );
  }
}
