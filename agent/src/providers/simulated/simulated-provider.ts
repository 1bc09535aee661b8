// The simulated provider: a whole cluster described in a YAML file, kept as a live inventory. Edits
// to the file become deltas (scaling, relabelling, namespaces coming and going) exactly as watch
// events would in a real cluster. A description that stops being valid is reported and ignored:
// the cluster keeps its last good state, as bad input must change nothing.
//
// Policy: the cluster's policy objects live in its own store (policy-store.ts, under the state
// directory, so restarts keep them), which traffic evaluation uses (traffic-evaluator.ts). The store
// can be edited from outside; the provider watches it and reports drift of managed objects, and
// reverts it where the object's drift mode says so (ManagedPolicies). A description's `policies`
// seed the store on the very first start, as policies a cluster had before Palisade.
//
// Flows: while someone listens (`onFlows`), the traffic simulator (traffic-simulator.ts) runs every
// SIMULATED_TRAFFIC_TICK_MS on the given clock, evaluating each connection against the policies in
// the store at that moment, so an applied policy changes verdicts from the next tick on.

import { readFile, stat } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import type { FlowRecord } from '@palisade/flows';
import { validateResource, type PolicyResource } from '@palisade/policy';
import {
  RequestError,
  type ClusterFacts,
  type InventoryItems,
  type JsonValue,
  type NodeInfo,
  type ResourceRef,
} from '@palisade/protocol';
import type { InventoryCounts, InventoryDelta } from '../../inventory/inventory-delta.js';
import { InventoryStore } from '../../inventory/inventory-store.js';
import { systemClock, type Clock } from '../../clock.js';
import {
  FLOW_BUCKET_CLOSE_GRACE_MS,
  SIMULATED_MAX_FILE_BYTES,
  SIMULATED_POLL_INTERVAL_MS,
  SIMULATED_TRAFFIC_TICK_MS,
  SIMULATED_WATCH_DEBOUNCE_MS,
} from '../../limits.js';
import { silentLogger, type Logger } from '../../log.js';
import { ManagedPolicies, type ApplyOutcome } from '../../policy/managed-policies.js';
import type { Provider } from '../provider.js';
import { addressPoolsFor, buildInventory, type AddressPools } from './build-inventory.js';
import type { ClusterSpec, TrafficSpec } from './cluster-spec.js';
import { watchFile, type FileWatcher } from './file-watcher.js';
import { parseClusterSpec } from './parse-cluster-spec.js';
import { simulatedNodes } from './simulated-nodes.js';
import { SimulatedPolicyStore } from './policy-store.js';
import { seedOf } from './random.js';
import { TrafficEvaluator, type TrafficQuery, type TrafficVerdict } from './traffic-evaluator.js';
import { TrafficSimulator } from './traffic-simulator.js';
import type { ClusterSpecError } from './spec-error.js';

export interface SimulatedProviderOptions {
  /** Path of the cluster description. */
  readonly file: string;
  readonly logger?: Logger;
  /** Follow edits of the file (default true). */
  readonly watch?: boolean;
  readonly debounceMs?: number;
  readonly pollIntervalMs?: number;
  /**
   * Where the policy store and the agent's applied state are kept (`policies.json`, `applied.json`);
   * a function receives the cluster name. Absent: in memory only.
   */
  readonly stateDir?: string | ((clusterName: string) => string);
  /** Follow outside edits of the policy store (default: as `watch`). */
  readonly watchPolicies?: boolean;
  /** What the traffic simulator runs on; the wall clock by default. */
  readonly clock?: Clock;
  /** Seed of the traffic simulator; default: from the cluster name, so a cluster's traffic repeats. */
  readonly trafficSeed?: number;
}

export class SimulatedProvider implements Provider {
  readonly kind = 'simulated';
  readonly #file: string;
  readonly #log: Logger;
  readonly #options: SimulatedProviderOptions;
  readonly #store = new InventoryStore({ coalesceMs: 0 });
  readonly #nodeListeners = new Set<() => void>();
  #spec: ClusterSpec;
  #text: string;
  #pools: AddressPools;
  #watcher: FileWatcher | undefined;
  #reloading: Promise<void> = Promise.resolve();
  #lastError: ClusterSpecError | Error | null = null;
  #policies: { store: SimulatedPolicyStore; managed: ManagedPolicies } | undefined;
  #policyWatcher: FileWatcher | undefined;
  readonly #driftListeners = new Set<(outcome: ApplyOutcome) => void>();
  readonly #evaluator = new TrafficEvaluator();
  #inventoryVersion = 0;
  readonly #clock: Clock;
  readonly #flowListeners = new Set<(records: FlowRecord[]) => void>();
  #simulator: TrafficSimulator | undefined;
  #stopTraffic: (() => void) | undefined;
  #trafficUntil = 0;
  #trafficProblem: string | null = null;
  /** The inventory as the simulator last saw it, kept until the description changes. */
  #trafficInventory: { version: number; items: InventoryItems } | undefined;

  private constructor(options: SimulatedProviderOptions, spec: ClusterSpec, text: string) {
    this.#file = options.file;
    this.#options = options;
    this.#log = (options.logger ?? silentLogger()).child({ provider: 'simulated', file: options.file });
    this.#spec = spec;
    this.#text = text;
    this.#clock = options.clock ?? systemClock;
    this.#pools = addressPoolsFor(spec);
    this.#store.replace(buildInventory(spec, this.clusterName(), this.#pools));
    this.#store.flush();
  }

  /** Reads and validates the description; throws a ClusterSpecError naming every problem. */
  static async load(options: SimulatedProviderOptions): Promise<SimulatedProvider> {
    const text = await readDescription(options.file);
    return new SimulatedProvider(options, parseClusterSpec(text, options.file), text);
  }

  #requirePolicies(): { store: SimulatedPolicyStore; managed: ManagedPolicies } {
    if (this.#policies === undefined) throw new Error('the simulated provider has not been started');
    return this.#policies;
  }

  /** `cluster.name`, else the file's name without its extension. */
  clusterName(): string {
    return (
      this.#spec.cluster.name ??
      basename(this.#file, extname(this.#file))
        .toLowerCase()
        .replace(/[^a-z0-9-]/g, '-')
    );
  }

  spec(): ClusterSpec {
    return this.#spec;
  }

  /** The traffic matrix, for the traffic generator. */
  traffic(): readonly TrafficSpec[] {
    return this.#spec.traffic;
  }

  /** Why the last edit was not applied; null once a valid description is in force. */
  lastError(): Error | null {
    return this.#lastError;
  }

  problems(): string[] {
    const problems = this.#lastError === null ? [] : [this.#lastError.message];
    const store = this.#policies?.store.problem();
    if (store !== null && store !== undefined) problems.push(store);
    if (this.#trafficProblem !== null) problems.push(this.#trafficProblem);
    return [...problems, ...this.#evaluator.skipped()];
  }

  async start(): Promise<void> {
    const timing = {
      debounceMs: this.#options.debounceMs ?? SIMULATED_WATCH_DEBOUNCE_MS,
      pollIntervalMs: this.#options.pollIntervalMs ?? SIMULATED_POLL_INTERVAL_MS,
    };
    if (this.#options.watch !== false && this.#watcher === undefined) {
      this.#watcher = watchFile(this.#file, () => void this.reload(), timing);
    }
    if (this.#policies === undefined) {
      const dir = this.#options.stateDir;
      const store = await SimulatedPolicyStore.open(
        dir === undefined ? null : typeof dir === 'string' ? dir : dir(this.clusterName()),
      );
      const restored = await store.loadApplied();
      if (restored === null && store.current().length === 0) await this.#seedPolicies(store);
      const managed = new ManagedPolicies(store, (state) => store.saveApplied(state), restored);
      this.#policies = { store, managed };
      const file = store.file;
      if (file !== null && (this.#options.watchPolicies ?? this.#options.watch) !== false) {
        this.#policyWatcher = watchFile(file, () => void this.checkDrift(), timing);
      }
      // Edits made while the agent was not running are drift too.
      if (restored !== null) await this.checkDrift();
    }
  }

  /** The description's `policies`, written once into a store that has never held anything. */
  async #seedPolicies(store: SimulatedPolicyStore): Promise<void> {
    const seeds = this.#spec.policies.flatMap((object) => validateResource(object).resource ?? []);
    if (seeds.length === 0) return;
    await store.batch(async () => {
      for (const resource of seeds) await store.write(resource);
    });
    this.#log.info({ policies: seeds.length }, 'seeded the policy store from the cluster description');
  }

  onFlows(listener: (records: FlowRecord[]) => void): () => void {
    this.#flowListeners.add(listener);
    if (this.#stopTraffic === undefined) {
      this.#simulator ??= new TrafficSimulator(this.#options.trafficSeed ?? seedOf(this.clusterName()));
      this.#trafficUntil = this.#clock.now();
      this.#stopTraffic = this.#clock.every(SIMULATED_TRAFFIC_TICK_MS, () => this.simulateTraffic());
    }
    return () => {
      this.#flowListeners.delete(listener);
      if (this.#flowListeners.size === 0) this.#stopSimulation();
    };
  }

  /**
   * Runs the traffic simulator from where it stopped up to the clock's now and hands the flows to
   * the listeners. A stall (a suspended process) is not made up for beyond the time a bucket stays
   * open, so it cannot produce a burst of flows for buckets already handed on.
   */
  simulateTraffic(): void {
    const simulator = this.#simulator;
    const store = this.#policies?.store;
    if (simulator === undefined || store === undefined || this.#flowListeners.size === 0) return;
    const now = this.#clock.now();
    const from = Math.max(this.#trafficUntil, now - FLOW_BUCKET_CLOSE_GRACE_MS);
    this.#trafficUntil = now;
    if (now <= from) return;
    if (this.#trafficInventory?.version !== this.#inventoryVersion) {
      this.#trafficInventory = { version: this.#inventoryVersion, items: this.#store.snapshot() };
    }
    const inventory = this.#trafficInventory.items;
    const versions = `${String(this.#inventoryVersion)}:${String(store.version)}`;
    let records: FlowRecord[];
    try {
      const engine = this.#evaluator.engine(
        () => inventory,
        () => store.current(),
        versions,
      );
      records = simulator.step(from, now, {
        inventory,
        engine,
        traffic: this.#spec.traffic,
        inventoryVersion: String(this.#inventoryVersion),
      });
      this.#trafficProblem = null;
    } catch (error) {
      // A timer callback must not throw: the cluster keeps running without traffic, and says why.
      const message = `traffic simulation failed: ${error instanceof Error ? error.message : String(error)}`;
      if (message !== this.#trafficProblem) this.#log.error({ err: message }, 'no flows this tick');
      this.#trafficProblem = message;
      return;
    }
    if (records.length === 0) return;
    for (const listener of this.#flowListeners)
      listener(this.#flowListeners.size === 1 ? records : structuredClone(records));
  }

  #stopSimulation(): void {
    this.#stopTraffic?.();
    this.#stopTraffic = undefined;
  }

  async applyDesiredState(
    generation: number,
    resources: readonly PolicyResource[],
    keep: readonly ResourceRef[],
  ): Promise<ApplyOutcome> {
    try {
      return await this.#requirePolicies().managed.apply(generation, resources, keep);
    } finally {
      this.#nodesChanged();
    }
  }

  /** The nodes, following the FelixConfigurations in the store (decision 0091). */
  nodes(): NodeInfo[] {
    return simulatedNodes(this.#spec, this.clusterName(), this.policies());
  }

  onNodes(listener: () => void): () => void {
    this.#nodeListeners.add(listener);
    return () => this.#nodeListeners.delete(listener);
  }

  #nodesChanged(): void {
    for (const listener of this.#nodeListeners) listener();
  }

  appliedState(): ApplyOutcome | null {
    return this.#policies?.managed.lastOutcome() ?? null;
  }

  onDrift(listener: (outcome: ApplyOutcome) => void): () => void {
    this.#driftListeners.add(listener);
    return () => this.#driftListeners.delete(listener);
  }

  /** Compares the store with what Palisade applied; reports (and reverts) drift. Runs on every outside edit. */
  async checkDrift(): Promise<void> {
    const policies = this.#policies;
    if (policies === undefined) return;
    try {
      await policies.managed.check((outcome) => {
        for (const listener of this.#driftListeners) listener(outcome);
      });
    } catch (error) {
      this.#log.error({ err: error instanceof Error ? error.message : String(error) }, 'drift check failed');
    }
    this.#nodesChanged();
  }

  /** The policy objects the simulated cluster has now (managed or not). */
  policies(): PolicyResource[] {
    return this.#policies?.store.current() ?? [];
  }

  /** What the simulated dataplane does with a connection under the policies in force now. */
  evaluateTraffic(query: TrafficQuery): TrafficVerdict {
    const store = this.#policies?.store;
    return this.#evaluator.evaluate(
      query,
      () => this.#store.snapshot(),
      () => store?.current() ?? [],
      `${String(this.#inventoryVersion)}:${String(store?.version ?? 0)}`,
    );
  }

  extraMethods(): Readonly<Record<string, (params: JsonValue) => JsonValue>> {
    return { 'traffic.evaluate': (params) => this.evaluateTraffic(trafficQuery(params)) };
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
    return {
      provider: 'simulated',
      kubernetesVersion: this.#spec.cluster.kubernetesVersion,
      calicoVersion: this.#spec.cluster.calicoVersion,
    };
  }

  /** Re-reads the file and publishes what changed; reloads never overlap. */
  reload(): Promise<void> {
    this.#reloading = this.#reloading.then(() => this.#reload());
    return this.#reloading;
  }

  stop(): Promise<void> {
    this.#stopSimulation();
    this.#watcher?.close();
    this.#watcher = undefined;
    this.#policyWatcher?.close();
    this.#policyWatcher = undefined;
    return this.#reloading;
  }

  async #reload(): Promise<void> {
    let text: string;
    try {
      text = await readDescription(this.#file);
    } catch (error) {
      this.#reject(error instanceof Error ? error : new Error(String(error)));
      return;
    }
    if (text === this.#text && this.#lastError === null) return;
    let spec: ClusterSpec;
    try {
      spec = parseClusterSpec(text, this.#file);
    } catch (error) {
      this.#reject(error instanceof Error ? error : new Error(String(error)));
      return;
    }
    if (
      spec.cluster.podCidr !== this.#spec.cluster.podCidr ||
      spec.cluster.serviceCidr !== this.#spec.cluster.serviceCidr
    ) {
      this.#pools = addressPoolsFor(spec);
    }
    this.#text = text;
    this.#spec = spec;
    this.#lastError = null;
    this.#inventoryVersion++;
    this.#store.replace(buildInventory(spec, this.clusterName(), this.#pools));
    this.#store.flush();
    this.#log.info({ counts: this.#store.counts() }, 'cluster description reloaded');
    this.#nodesChanged();
  }

  #reject(error: Error): void {
    this.#lastError = error;
    this.#log.error({ err: error.message }, 'cluster description not applied; keeping the last valid one');
  }
}

function trafficQuery(params: JsonValue): TrafficQuery {
  const p = params as Partial<Record<keyof TrafficQuery, unknown>> | null;
  const protocol = p?.protocol ?? 'TCP';
  if (
    p === null ||
    typeof p !== 'object' ||
    typeof p.from !== 'string' ||
    typeof p.to !== 'string' ||
    !(typeof p.port === 'number' && Number.isInteger(p.port) && p.port >= 0 && p.port <= 65_535) ||
    !(protocol === 'TCP' || protocol === 'UDP' || protocol === 'SCTP' || protocol === 'ICMP')
  ) {
    throw new RequestError(
      'bad_request',
      'params must be {from: "<ns>/<workload>", to: "<ns>/<workload>" or an IP, port: 0-65535, protocol?: TCP|UDP|SCTP|ICMP}',
    );
  }
  return { from: p.from, to: p.to, port: p.port, protocol };
}

async function readDescription(file: string): Promise<string> {
  const info = await stat(file);
  if (info.size > SIMULATED_MAX_FILE_BYTES) {
    throw new Error(
      `${file} is ${String(info.size)} bytes; a cluster description may be at most ${String(SIMULATED_MAX_FILE_BYTES)}`,
    );
  }
  return readFile(file, 'utf8');
}
