// Batches a per-item field across one GraphQL request: every key asked for before the event loop
// turns (all items of a list page resolve their fields in that window, guards included) is loaded
// with one call, so a page of N items costs one read, not N. Loaders live on the request context
// and die with it; a loader is per organisation scope because its reads are.
import type { GqlContext } from './context.js';

export class BatchLoader<K, V> {
  private queued: { key: K; resolve: (v: V | undefined) => void; reject: (e: unknown) => void }[] = [];

  constructor(private readonly loadMany: (keys: K[]) => Promise<Map<K, V>>) {}

  load(key: K): Promise<V | undefined> {
    return new Promise((resolve, reject) => {
      if (this.queued.length === 0) setImmediate(() => void this.flush());
      this.queued.push({ key, resolve, reject });
    });
  }

  private async flush(): Promise<void> {
    const batch = this.queued;
    this.queued = [];
    try {
      const values = await this.loadMany([...new Set(batch.map((b) => b.key))]);
      for (const b of batch) b.resolve(values.get(b.key));
    } catch (err) {
      for (const b of batch) b.reject(err);
    }
  }
}

const loaders = new WeakMap<GqlContext, Map<string, BatchLoader<unknown, unknown>>>();

/** The request's loader named `name` (create it with `make` on first use). */
export function requestLoader<K, V>(
  ctx: GqlContext,
  name: string,
  make: () => BatchLoader<K, V>,
): BatchLoader<K, V> {
  let byName = loaders.get(ctx);
  if (!byName) {
    byName = new Map();
    loaders.set(ctx, byName);
  }
  let loader = byName.get(name) as BatchLoader<K, V> | undefined;
  if (!loader) {
    loader = make();
    byName.set(name, loader as BatchLoader<unknown, unknown>);
  }
  return loader;
}
