// What a real cluster's nodes do (decision 0091): Nodes (name, and whether Calico published the
// WireGuard public key in the annotation `projectcalico.org/WireguardPublicKey`) and every
// FelixConfiguration in the cluster (not only Palisade's: what Felix reads is what counts), listed
// and watched, and combined as Felix does (../../nodes/felix-nodes.ts). Best effort beside the
// inventory: a cluster without the Calico API server, or an agent without RBAC for nodes, reports
// no nodes and says why in `problem()`, and the inventory and policy keep working.
import {
  CoreV1Api,
  CustomObjectsApi,
  type KubeConfig,
  type KubernetesListObject,
  type KubernetesObject,
  type V1Node,
} from '@kubernetes/client-node';
import type { PolicyResource } from '@palisade/policy';
import type { NodeInfo } from '@palisade/protocol';
import type { Logger } from '../../log.js';
import { effectiveFelix, nodeInfo } from '../../nodes/felix-nodes.js';
import { ResourceWatch } from './resource-watch.js';

/** The node annotation Calico sets to the node's WireGuard public key once WireGuard runs there. */
export const WIREGUARD_PUBLIC_KEY_ANNOTATION = 'projectcalico.org/WireguardPublicKey';

type FelixObject = KubernetesObject & { spec?: Record<string, unknown> };

export class KubeNodeState {
  readonly #nodes = new Map<string, boolean>();
  readonly #felix = new Map<string, FelixObject>();
  readonly #listeners = new Set<() => void>();
  readonly #watches: ResourceWatch<KubernetesObject>[];
  readonly #log: Logger;
  #calicoVersion: string | null = null;

  constructor(options: { config: KubeConfig; log: Logger; retry?: { initialMs?: number; maxMs?: number } }) {
    this.#log = options.log;
    const core = options.config.makeApiClient(CoreV1Api);
    const custom = options.config.makeApiClient(CustomObjectsApi);
    const common = {
      config: options.config,
      log: options.log,
      ...(options.retry ? { retry: options.retry } : {}),
    };
    const nodes = new ResourceWatch<V1Node>({
      ...common,
      kind: 'nodes',
      path: '/api/v1/nodes',
      list: () => core.listNode(),
      onUpsert: (node) => {
        const name = node.metadata?.name;
        if (name === undefined) return;
        const key = node.metadata?.annotations?.[WIREGUARD_PUBLIC_KEY_ANNOTATION];
        this.#nodes.set(name, key !== undefined && key !== '');
        this.#changed();
      },
      onDelete: (node) => {
        if (this.#nodes.delete(node.metadata?.name ?? '')) this.#changed();
      },
    });
    const felix = new ResourceWatch<FelixObject>({
      ...common,
      kind: 'felixconfigurations',
      path: '/apis/projectcalico.org/v3/felixconfigurations',
      list: () =>
        custom.listClusterCustomObject({
          group: 'projectcalico.org',
          version: 'v3',
          plural: 'felixconfigurations',
        }) as Promise<KubernetesListObject<FelixObject>>,
      onUpsert: (o) => {
        if (o.metadata?.name === undefined) return;
        this.#felix.set(o.metadata.name, o);
        this.#changed();
      },
      onDelete: (o) => {
        if (this.#felix.delete(o.metadata?.name ?? '')) this.#changed();
      },
    });
    this.#watches = [nodes, felix];
  }

  /** Starts listing and watching; never rejects (failures are logged and shown by `problem()`). */
  start(calicoVersion: string | null): void {
    this.#calicoVersion = calicoVersion;
    for (const w of this.#watches)
      w.start().catch((error: unknown) =>
        this.#log.warn(
          { err: error instanceof Error ? error.message : String(error) },
          'node state not listed',
        ),
      );
  }

  async stop(): Promise<void> {
    await Promise.all(this.#watches.map((w) => w.stop()));
  }

  problem(): string | null {
    return this.#watches.map((w) => w.lastFailure()?.message).find((m) => m !== undefined) ?? null;
  }

  nodes(): NodeInfo[] {
    const felix = [...this.#felix.values()].map((o): PolicyResource => ({
      apiVersion: 'projectcalico.org/v3',
      kind: 'FelixConfiguration',
      metadata: { name: o.metadata?.name ?? '' },
      spec: o.spec ?? {},
    }));
    return [...this.#nodes.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([name, publicKey]) =>
        nodeInfo({ name, publicKey, calicoVersion: this.#calicoVersion }, effectiveFelix(felix, name)),
      );
  }

  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #changed(): void {
    for (const listener of this.#listeners) listener();
  }
}
