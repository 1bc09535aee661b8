// The tunnels this gateway holds: every connection (for the sweep and for shutdown) and, per
// cluster, the one authenticated connection with the highest epoch. Claiming a cluster that already
// has a tunnel here closes the older one with `superseded`; a claim with an older epoch than the
// holder's loses instead, so the outcome is the same whichever hello finished first.
import { CLOSE_REASONS } from '@palisade/protocol';

export interface RegisteredTunnel {
  readonly clusterId: string | undefined;
  readonly epoch: number;
  close(reason: typeof CLOSE_REASONS.SUPERSEDED, detail: string): void;
}

export class SessionRegistry<T extends RegisteredTunnel> {
  readonly #all = new Set<T>();
  readonly #byCluster = new Map<string, T>();

  get size(): number {
    return this.#all.size;
  }

  get authenticated(): number {
    return this.#byCluster.size;
  }

  all(): IterableIterator<T> {
    return this.#all.values();
  }

  add(tunnel: T): void {
    this.#all.add(tunnel);
  }

  /** False when a newer tunnel of the same cluster is already here: the caller must close itself. */
  claim(tunnel: T, clusterId: string): boolean {
    const holder = this.#byCluster.get(clusterId);
    if (holder !== undefined && holder !== tunnel) {
      if (holder.epoch > tunnel.epoch) return false;
      holder.close(CLOSE_REASONS.SUPERSEDED, 'a newer connection of this cluster took over');
    }
    this.#byCluster.set(clusterId, tunnel);
    return true;
  }

  get(clusterId: string): T | undefined {
    return this.#byCluster.get(clusterId);
  }

  remove(tunnel: T): void {
    this.#all.delete(tunnel);
    if (tunnel.clusterId !== undefined && this.#byCluster.get(tunnel.clusterId) === tunnel) {
      this.#byCluster.delete(tunnel.clusterId);
    }
  }
}
