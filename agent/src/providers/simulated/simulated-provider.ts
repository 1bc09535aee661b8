// The simulated provider: a whole cluster described in a YAML file, kept as a live inventory. Edits
// to the file become deltas (scaling, relabelling, namespaces coming and going) exactly as watch
// events would in a real cluster. A description that stops being valid is reported and ignored:
// the cluster keeps its last good state, as bad input must change nothing.

import { readFile, stat } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import type { ClusterFacts, InventoryItems } from '@palisade/protocol';
import type { InventoryCounts, InventoryDelta } from '../../inventory/inventory-delta.js';
import { InventoryStore } from '../../inventory/inventory-store.js';
import {
  SIMULATED_MAX_FILE_BYTES,
  SIMULATED_POLL_INTERVAL_MS,
  SIMULATED_WATCH_DEBOUNCE_MS,
} from '../../limits.js';
import { silentLogger, type Logger } from '../../log.js';
import type { Provider } from '../provider.js';
import { addressPoolsFor, buildInventory, type AddressPools } from './build-inventory.js';
import type { ClusterSpec, TrafficSpec } from './cluster-spec.js';
import { watchFile, type FileWatcher } from './file-watcher.js';
import { parseClusterSpec } from './parse-cluster-spec.js';
import type { ClusterSpecError } from './spec-error.js';

export interface SimulatedProviderOptions {
  /** Path of the cluster description. */
  readonly file: string;
  readonly logger?: Logger;
  /** Follow edits of the file (default true). */
  readonly watch?: boolean;
  readonly debounceMs?: number;
  readonly pollIntervalMs?: number;
}

export class SimulatedProvider implements Provider {
  readonly kind = 'simulated';
  readonly #file: string;
  readonly #log: Logger;
  readonly #options: SimulatedProviderOptions;
  readonly #store = new InventoryStore({ coalesceMs: 0 });
  #spec: ClusterSpec;
  #text: string;
  #pools: AddressPools;
  #watcher: FileWatcher | undefined;
  #reloading: Promise<void> = Promise.resolve();
  #lastError: ClusterSpecError | Error | null = null;

  private constructor(options: SimulatedProviderOptions, spec: ClusterSpec, text: string) {
    this.#file = options.file;
    this.#options = options;
    this.#log = (options.logger ?? silentLogger()).child({ provider: 'simulated', file: options.file });
    this.#spec = spec;
    this.#text = text;
    this.#pools = addressPoolsFor(spec);
    this.#store.replace(buildInventory(spec, this.clusterName(), this.#pools));
    this.#store.flush();
  }

  /** Reads and validates the description; throws a ClusterSpecError naming every problem. */
  static async load(options: SimulatedProviderOptions): Promise<SimulatedProvider> {
    const text = await readDescription(options.file);
    return new SimulatedProvider(options, parseClusterSpec(text, options.file), text);
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
    return this.#lastError === null ? [] : [this.#lastError.message];
  }

  start(): Promise<void> {
    if (this.#options.watch !== false && this.#watcher === undefined) {
      this.#watcher = watchFile(this.#file, () => void this.reload(), {
        debounceMs: this.#options.debounceMs ?? SIMULATED_WATCH_DEBOUNCE_MS,
        pollIntervalMs: this.#options.pollIntervalMs ?? SIMULATED_POLL_INTERVAL_MS,
      });
    }
    return Promise.resolve();
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
    this.#watcher?.close();
    this.#watcher = undefined;
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
    this.#store.replace(buildInventory(spec, this.clusterName(), this.#pools));
    this.#store.flush();
    this.#log.info({ counts: this.#store.counts() }, 'cluster description reloaded');
  }

  #reject(error: Error): void {
    this.#lastError = error;
    this.#log.error({ err: error.message }, 'cluster description not applied; keeping the last valid one');
  }
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
