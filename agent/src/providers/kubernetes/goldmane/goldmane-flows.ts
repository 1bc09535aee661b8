// The kubernetes provider's `onFlows`: fans Goldmane's records out to the subscribed listeners and
// runs the Goldmane stream only while someone listens (Provider.onFlows). A listener that throws is
// logged and does not keep the others, or the stream, from their records.

import type { KubeConfig } from '@kubernetes/client-node';
import type { FlowRecord } from '@palisade/flows';
import type { JsonObject } from '@palisade/protocol';
import type { Logger } from '../../../log.js';
import type { GoldmaneConfig } from './goldmane-config.js';
import { GoldmaneFlowSource, type GoldmaneStats, type GoldmaneStatus } from './goldmane-flow-source.js';

export interface GoldmaneFlowsOptions {
  readonly config: GoldmaneConfig;
  readonly kube: KubeConfig | null;
  readonly log: Logger;
  readonly retry?: { initialMs?: number; maxMs?: number };
}

export class GoldmaneFlows {
  readonly #options: GoldmaneFlowsOptions;
  readonly #listeners = new Set<(records: FlowRecord[]) => void>();
  #source: GoldmaneFlowSource | null = null;
  #stopping: Promise<void> = Promise.resolve();

  constructor(options: GoldmaneFlowsOptions) {
    this.#options = options;
  }

  subscribe(listener: (records: FlowRecord[]) => void): () => void {
    this.#listeners.add(listener);
    if (this.#source === null) {
      this.#source = new GoldmaneFlowSource({
        config: this.#options.config,
        kube: this.#options.kube,
        log: this.#options.log,
        deliver: (records) => this.#deliver(records),
        ...(this.#options.retry === undefined ? {} : { retry: this.#options.retry }),
      });
      this.#source.start();
    }
    return () => {
      if (!this.#listeners.delete(listener) || this.#listeners.size > 0) return;
      this.#stopping = this.stop();
    };
  }

  /** Why flows are not arriving, when they are not. */
  problem(): string | null {
    return this.#source?.problem() ?? null;
  }

  status(): GoldmaneStatus {
    return this.#source?.status() ?? 'idle';
  }

  stats(): GoldmaneStats | null {
    return this.#source?.stats() ?? null;
  }

  /** The `goldmane.status` answer: where, how it is doing, and the counters of the current stream source. */
  report(): JsonObject {
    const stats = this.stats();
    return {
      address: this.#options.config.address,
      status: this.status(),
      problem: this.problem(),
      stats: stats === null ? null : { ...stats },
    };
  }

  async stop(): Promise<void> {
    const source = this.#source;
    this.#source = null;
    await this.#stopping;
    await source?.stop();
  }

  #deliver(records: FlowRecord[]): void {
    const listeners = [...this.#listeners];
    for (const [i, listener] of listeners.entries()) {
      try {
        // Handed over, not lent: each listener beyond the first gets its own array (of the same
        // records, which no listener modifies).
        listener(i === 0 ? records : [...records]);
      } catch (error) {
        this.#options.log.error(
          { err: error instanceof Error ? error.message : String(error) },
          'a flow listener failed',
        );
      }
    }
  }
}
