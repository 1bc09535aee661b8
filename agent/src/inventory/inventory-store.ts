// The agent's picture of its cluster, shared by every provider: providers write objects in (one at a
// time from watch events, or a whole new state from a re-read description), and the store turns what
// actually changed into deltas, coalesced over a short window. It owns the derivation of service
// endpoints from pods and the rule that a namespace takes its contents with it. Listeners hear only
// real changes: writing an object that equals what was last published emits nothing.

import type {
  InventoryItems,
  NamespaceInfo,
  ObjectRef,
  ServiceAccountInfo,
  ServiceInfo,
  WorkloadEndpoint,
} from '@palisade/protocol';
import { DELTA_COALESCE_MS } from '../limits.js';
import { emptyDeletes, emptyItems, type InventoryCounts, type InventoryDelta } from './inventory-delta.js';
import { serviceEndpoints, type ServiceSpec, type TrackedEndpoint } from './service-endpoints.js';

/** A complete state, as a provider that re-reads everything (the simulated one) hands it over. */
export interface InventoryState {
  namespaces: NamespaceInfo[];
  endpoints: TrackedEndpoint[];
  serviceAccounts: ServiceAccountInfo[];
  services: ServiceSpec[];
}

export type DeltaListener = (delta: InventoryDelta) => void;

export interface InventoryStoreOptions {
  /** 0 emits only on an explicit `flush()`. */
  readonly coalesceMs?: number;
}

type Namespaced = 'endpoints' | 'serviceAccounts' | 'services';

const refKey = (namespace: string, name: string): string => `${namespace}/${name}`;
const splitKey = (key: string): ObjectRef => {
  const slash = key.indexOf('/');
  return { namespace: key.slice(0, slash), name: key.slice(slash + 1) };
};

export class InventoryStore {
  readonly #coalesceMs: number;
  readonly #namespaces = new Map<string, NamespaceInfo>();
  /** namespace → pod name → endpoint, so a namespace's services find their pods directly. */
  readonly #endpoints = new Map<string, Map<string, TrackedEndpoint>>();
  readonly #serviceAccounts = new Map<string, ServiceAccountInfo>();
  readonly #services = new Map<string, ServiceSpec>();
  /** What listeners were last told, per kind and key, as JSON. */
  readonly #published = {
    namespaces: new Map<string, string>(),
    endpoints: new Map<string, string>(),
    serviceAccounts: new Map<string, string>(),
    services: new Map<string, string>(),
  };
  readonly #dirty = {
    namespaces: new Set<string>(),
    endpoints: new Set<string>(),
    serviceAccounts: new Set<string>(),
    services: new Set<string>(),
  };
  /** Namespaces whose pods changed: their services' endpoints need recomputing. */
  readonly #dirtyPodNamespaces = new Set<string>();
  readonly #listeners = new Set<DeltaListener>();
  #timer: NodeJS.Timeout | undefined;

  constructor(options: InventoryStoreOptions = {}) {
    this.#coalesceMs = options.coalesceMs ?? DELTA_COALESCE_MS;
  }

  onChange(listener: DeltaListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  upsertNamespace(namespace: NamespaceInfo): void {
    this.#namespaces.set(namespace.name, namespace);
    this.#touch('namespaces', namespace.name);
  }

  /** Removes the namespace and everything in it, as Kubernetes does. */
  deleteNamespace(name: string): void {
    if (this.#namespaces.delete(name)) this.#touch('namespaces', name);
    for (const podName of this.#endpoints.get(name)?.keys() ?? [])
      this.#touch('endpoints', refKey(name, podName));
    this.#endpoints.delete(name);
    for (const kind of ['serviceAccounts', 'services'] as const) {
      const map: Map<string, unknown> = kind === 'services' ? this.#services : this.#serviceAccounts;
      for (const key of [...map.keys()]) {
        if (key.startsWith(`${name}/`)) {
          map.delete(key);
          this.#touch(kind, key);
        }
      }
    }
  }

  upsertEndpoint(endpoint: WorkloadEndpoint, ready: boolean): void {
    let pods = this.#endpoints.get(endpoint.namespace);
    if (pods === undefined)
      this.#endpoints.set(endpoint.namespace, (pods = new Map<string, TrackedEndpoint>()));
    pods.set(endpoint.name, { endpoint, ready });
    this.#touch('endpoints', refKey(endpoint.namespace, endpoint.name));
  }

  deleteEndpoint(ref: ObjectRef): void {
    const pods = this.#endpoints.get(ref.namespace);
    if (pods?.delete(ref.name) !== true) return;
    if (pods.size === 0) this.#endpoints.delete(ref.namespace);
    this.#touch('endpoints', refKey(ref.namespace, ref.name));
  }

  upsertServiceAccount(account: ServiceAccountInfo): void {
    this.#serviceAccounts.set(refKey(account.namespace, account.name), account);
    this.#touch('serviceAccounts', refKey(account.namespace, account.name));
  }

  deleteServiceAccount(ref: ObjectRef): void {
    if (this.#serviceAccounts.delete(refKey(ref.namespace, ref.name))) {
      this.#touch('serviceAccounts', refKey(ref.namespace, ref.name));
    }
  }

  upsertService(service: ServiceSpec): void {
    this.#services.set(refKey(service.namespace, service.name), service);
    this.#touch('services', refKey(service.namespace, service.name));
  }

  deleteService(ref: ObjectRef): void {
    if (this.#services.delete(refKey(ref.namespace, ref.name)))
      this.#touch('services', refKey(ref.namespace, ref.name));
  }

  /** Makes the store hold exactly `state`; the next flush reports the difference. */
  replace(state: InventoryState): void {
    for (const name of this.#namespaces.keys()) this.#touch('namespaces', name);
    for (const [ns, pods] of this.#endpoints)
      for (const pod of pods.keys()) this.#touch('endpoints', refKey(ns, pod));
    for (const key of this.#serviceAccounts.keys()) this.#touch('serviceAccounts', key);
    for (const key of this.#services.keys()) this.#touch('services', key);
    this.#namespaces.clear();
    this.#endpoints.clear();
    this.#serviceAccounts.clear();
    this.#services.clear();
    for (const namespace of state.namespaces) this.upsertNamespace(namespace);
    for (const { endpoint, ready } of state.endpoints) this.upsertEndpoint(endpoint, ready);
    for (const account of state.serviceAccounts) this.upsertServiceAccount(account);
    for (const service of state.services) this.upsertService(service);
  }

  /** The current inventory, sorted, including changes not yet flushed. */
  snapshot(): InventoryItems {
    const items = emptyItems();
    for (const name of sorted(this.#namespaces.keys())) items.namespaces.push(this.#namespaces.get(name)!);
    for (const ns of sorted(this.#endpoints.keys())) {
      const pods = this.#endpoints.get(ns)!;
      for (const name of sorted(pods.keys())) items.endpoints.push(pods.get(name)!.endpoint);
    }
    for (const key of sorted(this.#serviceAccounts.keys()))
      items.serviceAccounts.push(this.#serviceAccounts.get(key)!);
    for (const key of sorted(this.#services.keys())) items.services.push(this.#serviceView(key)!);
    return items;
  }

  counts(): InventoryCounts {
    let endpoints = 0;
    for (const pods of this.#endpoints.values()) endpoints += pods.size;
    return {
      namespaces: this.#namespaces.size,
      endpoints,
      serviceAccounts: this.#serviceAccounts.size,
      services: this.#services.size,
    };
  }

  /** Publishes pending changes now; emits nothing when nothing really changed. */
  flush(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    for (const ns of this.#dirtyPodNamespaces) {
      for (const key of this.#services.keys()) if (key.startsWith(`${ns}/`)) this.#dirty.services.add(key);
    }
    this.#dirtyPodNamespaces.clear();
    const delta = { upserts: emptyItems(), deletes: emptyDeletes() };
    let changed = false;
    for (const name of this.#take('namespaces')) {
      changed =
        this.#diff(
          'namespaces',
          name,
          this.#namespaces.get(name),
          (v) => delta.upserts.namespaces.push(v),
          () => delta.deletes.namespaces.push(name),
        ) || changed;
    }
    for (const key of this.#take('endpoints')) {
      const ref = splitKey(key);
      changed =
        this.#diff(
          'endpoints',
          key,
          this.#endpoints.get(ref.namespace)?.get(ref.name)?.endpoint,
          (v) => delta.upserts.endpoints.push(v),
          () => delta.deletes.endpoints.push(ref),
        ) || changed;
    }
    for (const key of this.#take('serviceAccounts')) {
      changed =
        this.#diff(
          'serviceAccounts',
          key,
          this.#serviceAccounts.get(key),
          (v) => delta.upserts.serviceAccounts.push(v),
          () => delta.deletes.serviceAccounts.push(splitKey(key)),
        ) || changed;
    }
    for (const key of this.#take('services')) {
      changed =
        this.#diff(
          'services',
          key,
          this.#serviceView(key),
          (v) => delta.upserts.services.push(v),
          () => delta.deletes.services.push(splitKey(key)),
        ) || changed;
    }
    if (!changed) return;
    for (const listener of this.#listeners) listener(delta);
  }

  /** Stops the coalescing timer; pending changes stay unpublished. */
  close(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#listeners.clear();
  }

  #touch(kind: 'namespaces' | Namespaced, key: string): void {
    this.#dirty[kind].add(key);
    if (kind === 'endpoints') this.#dirtyPodNamespaces.add(splitKey(key).namespace);
    if (this.#coalesceMs > 0 && this.#timer === undefined) {
      this.#timer = setTimeout(() => this.flush(), this.#coalesceMs);
      this.#timer.unref();
    }
  }

  #take(kind: 'namespaces' | Namespaced): string[] {
    const keys = sorted(this.#dirty[kind]);
    this.#dirty[kind].clear();
    return keys;
  }

  #diff<T>(
    kind: 'namespaces' | Namespaced,
    key: string,
    current: T | undefined,
    upsert: (value: T) => void,
    remove: () => void,
  ): boolean {
    const published = this.#published[kind];
    const before = published.get(key);
    if (current === undefined) {
      if (before === undefined) return false;
      published.delete(key);
      remove();
      return true;
    }
    const json = JSON.stringify(current);
    if (json === before) return false;
    published.set(key, json);
    upsert(current);
    return true;
  }

  #serviceView(key: string): ServiceInfo | undefined {
    const spec = this.#services.get(key);
    if (spec === undefined) return undefined;
    return {
      ...spec,
      endpoints: serviceEndpoints(spec, this.#endpoints.get(spec.namespace)?.values() ?? []),
    };
  }
}

function sorted(keys: Iterable<string>): string[] {
  return [...keys].sort();
}
