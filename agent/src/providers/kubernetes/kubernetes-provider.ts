// The kubernetes provider: a real cluster's namespaces, pods, service accounts and services, listed
// and then watched, fed into the same inventory store as the simulated provider, so everything above
// the provider interface cannot tell them apart. Watch events arrive object by object; the store
// coalesces them into deltas and drops the ones that change nothing (a re-list after 410 Gone, label
// churn that ends where it began).
//
// Policy (decision 0009): desired objects are server-side applied with the field manager
// `palisade` (kube-policy-cluster.ts), managed objects no longer desired are deleted, and managed
// objects are watched (policy-watch.ts) so a change or deletion behind Palisade's back is reported
// as drift, and reverted where the object's drift mode says so. What was applied is kept in memory:
// after a restart the agent reports nothing, and the gateway pushes the desired state again.
//
// Flows (decision 0050): from Calico's Goldmane `Flows.Stream` (goldmane/), while the agent listens;
// the request method `goldmane.status` says how that stream is doing.

import {
  CoreV1Api,
  type KubeConfig,
  type V1Namespace,
  type V1Pod,
  type V1Service,
  type V1ServiceAccount,
} from '@kubernetes/client-node';
import type { FlowRecord } from '@palisade/flows';
import type { PolicyResource } from '@palisade/policy';
import type { ClusterFacts, InventoryItems, JsonValue, NodeInfo, ResourceRef } from '@palisade/protocol';
import type { InventoryCounts, InventoryDelta } from '../../inventory/inventory-delta.js';
import { InventoryStore } from '../../inventory/inventory-store.js';
import { silentLogger, type Logger } from '../../log.js';
import { ManagedPolicies, type ApplyOutcome } from '../../policy/managed-policies.js';
import type { Provider } from '../provider.js';
import { readClusterFacts } from './cluster-facts.js';
import type { GoldmaneConfig } from './goldmane/goldmane-config.js';
import { GoldmaneFlows } from './goldmane/goldmane-flows.js';
import type { KubeFailure } from './kube-errors.js';
import { KubePolicyCluster } from './kube-policy-cluster.js';
import { mapNamespace, mapPod, mapService, mapServiceAccount } from './map-objects.js';
import { KubeNodeState } from './node-state.js';
import { PolicyWatch } from './policy-watch.js';
import { ResourceWatch } from './resource-watch.js';

export interface KubernetesProviderOptions {
  readonly config: KubeConfig;
  readonly logger?: Logger;
  /** Faster retries for tests. */
  readonly retry?: { initialMs?: number; maxMs?: number };
  readonly coalesceMs?: number;
  /** Where flows come from; absent or null: this provider delivers no flows. */
  readonly goldmane?: GoldmaneConfig | null;
}

export class KubernetesProvider implements Provider {
  readonly kind = 'kubernetes';
  readonly #config: KubeConfig;
  readonly #log: Logger;
  readonly #store: InventoryStore;
  readonly #watches: Pick<ResourceWatch<V1Pod>, 'start' | 'stop' | 'lastFailure'>[] = [];
  #facts: ClusterFacts = { provider: 'kubernetes', kubernetesVersion: 'unknown', calicoVersion: null };
  #started: Promise<void> | undefined;
  readonly #policies: ManagedPolicies;
  readonly #policyWatch: PolicyWatch;
  readonly #driftListeners = new Set<(outcome: ApplyOutcome) => void>();
  readonly #flows: GoldmaneFlows | null;
  readonly #nodeState: KubeNodeState;
  /** Present only with a Goldmane configured: a provider that cannot see traffic omits it. */
  readonly onFlows?: (listener: (records: FlowRecord[]) => void) => () => void;

  constructor(options: KubernetesProviderOptions) {
    this.#config = options.config;
    this.#log = (options.logger ?? silentLogger()).child({ provider: 'kubernetes' });
    this.#store = new InventoryStore(
      options.coalesceMs === undefined ? {} : { coalesceMs: options.coalesceMs },
    );
    this.#policies = new ManagedPolicies(
      new KubePolicyCluster(options.config),
      () => Promise.resolve(),
      null,
    );
    this.#policyWatch = new PolicyWatch({
      config: options.config,
      log: this.#log,
      onChange: () => void this.checkDrift(),
      ...(options.retry ? { retry: options.retry } : {}),
    });
    this.#flows = options.goldmane
      ? new GoldmaneFlows({
          config: options.goldmane,
          kube: options.config,
          log: this.#log,
          ...(options.retry ? { retry: options.retry } : {}),
        })
      : null;
    if (this.#flows !== null) {
      const flows = this.#flows;
      this.onFlows = (listener) => flows.subscribe(listener);
    }
    this.#nodeState = new KubeNodeState({
      config: options.config,
      log: this.#log,
      ...(options.retry ? { retry: options.retry } : {}),
    });
    const core = options.config.makeApiClient(CoreV1Api);
    const store = this.#store;
    const common = {
      config: options.config,
      log: this.#log,
      ...(options.retry ? { retry: options.retry } : {}),
    };
    this.#add(
      new ResourceWatch<V1Namespace>({
        ...common,
        kind: 'namespaces',
        path: '/api/v1/namespaces',
        list: () => core.listNamespace(),
        onUpsert: (ns) => store.upsertNamespace(mapNamespace(ns)),
        onDelete: (ns) => store.deleteNamespace(ns.metadata?.name ?? ''),
      }),
    );
    this.#add(
      new ResourceWatch<V1Pod>({
        ...common,
        kind: 'pods',
        path: '/api/v1/pods',
        list: () => core.listPodForAllNamespaces(),
        onUpsert: (pod) => {
          const tracked = mapPod(pod);
          if (tracked === null) store.deleteEndpoint(refOf(pod));
          else store.upsertEndpoint(tracked.endpoint, tracked.ready);
        },
        onDelete: (pod) => store.deleteEndpoint(refOf(pod)),
      }),
    );
    this.#add(
      new ResourceWatch<V1ServiceAccount>({
        ...common,
        kind: 'serviceaccounts',
        path: '/api/v1/serviceaccounts',
        list: () => core.listServiceAccountForAllNamespaces(),
        onUpsert: (account) => store.upsertServiceAccount(mapServiceAccount(account)),
        onDelete: (account) => store.deleteServiceAccount(refOf(account)),
      }),
    );
    this.#add(
      new ResourceWatch<V1Service>({
        ...common,
        kind: 'services',
        path: '/api/v1/services',
        list: () => core.listServiceForAllNamespaces(),
        onUpsert: (service) => store.upsertService(mapService(service)),
        onDelete: (service) => store.deleteService(refOf(service)),
      }),
    );
  }

  /** Reads the cluster's facts and the first complete list of every kind; rejects on 401/403. */
  start(): Promise<void> {
    this.#started ??= (async () => {
      this.#facts = await readClusterFacts(this.#config);
      try {
        await Promise.all(this.#watches.map((w) => w.start()));
      } catch (error) {
        await this.stop();
        throw error;
      }
      this.#store.flush();
      this.#policyWatch.start();
      this.#nodeState.start(this.#facts.calicoVersion);
      this.#log.info(
        { counts: this.#store.counts(), facts: this.#facts },
        'cluster inventory listed; watching',
      );
    })();
    return this.#started;
  }

  snapshot(): InventoryItems {
    return this.#store.snapshot();
  }

  counts(): InventoryCounts {
    return this.#store.counts();
  }

  onChange(listener: (delta: InventoryDelta) => void): () => void {
    return this.#store.onChange(listener);
  }

  facts(): ClusterFacts {
    return this.#facts;
  }

  problems(): string[] {
    const flows = this.#flows?.problem() ?? null;
    const nodes = this.#nodeState.problem();
    return [
      ...this.failures().map((f) => f.message),
      ...(flows === null ? [] : [flows]),
      ...(nodes === null ? [] : [nodes]),
    ];
  }

  /** Current list/watch failures, with their HTTP status. */
  failures(): KubeFailure[] {
    return this.#watches.map((w) => w.lastFailure()).filter((f): f is KubeFailure => f !== null);
  }

  applyDesiredState(
    generation: number,
    resources: readonly PolicyResource[],
    keep: readonly ResourceRef[],
  ): Promise<ApplyOutcome> {
    return this.#policies.apply(generation, resources, keep);
  }

  appliedState(): ApplyOutcome | null {
    return this.#policies.lastOutcome();
  }

  onDrift(listener: (outcome: ApplyOutcome) => void): () => void {
    this.#driftListeners.add(listener);
    return () => this.#driftListeners.delete(listener);
  }

  /** Every node with its dataplane and WireGuard state, from Nodes and FelixConfigurations (decision 0091). */
  nodes(): NodeInfo[] {
    return this.#nodeState.nodes();
  }

  onNodes(listener: () => void): () => void {
    return this.#nodeState.onChange(listener);
  }

  extraMethods(): Readonly<Record<string, () => JsonValue>> {
    const flows = this.#flows;
    if (flows === null) return {};
    return { 'goldmane.status': () => flows.report() };
  }

  /** Compares the managed objects in the cluster with what was applied; reports (and reverts) drift. */
  async checkDrift(): Promise<void> {
    try {
      await this.#policies.check((outcome) => {
        for (const listener of this.#driftListeners) listener(outcome);
      });
    } catch (error) {
      this.#log.warn({ err: error instanceof Error ? error.message : String(error) }, 'drift check failed');
    }
  }

  async stop(): Promise<void> {
    this.#policyWatch.stop();
    await Promise.all([...this.#watches.map((w) => w.stop()), this.#flows?.stop(), this.#nodeState.stop()]);
    this.#store.close();
  }

  #add(watch: Pick<ResourceWatch<V1Pod>, 'start' | 'stop' | 'lastFailure'>): void {
    this.#watches.push(watch);
  }
}

function refOf(object: { metadata?: { namespace?: string; name?: string } }): {
  namespace: string;
  name: string;
} {
  return { namespace: object.metadata?.namespace ?? '', name: object.metadata?.name ?? '' };
}
