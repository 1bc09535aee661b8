// Per-request batching of per-item GraphQL fields (docs/decisions/0025). A field such as
// PolicyResource.clusterStatus is resolved once per item of a page; each resolution asks the
// request's loader for its item, and the loader calls one batch function with every item asked for
// in the same tick, so a page costs the same statements whatever its size. Loaders live exactly as
// long as the request's context (a WeakMap entry), so nothing is cached across requests or
// callers. Owns no rules: the batch functions belong to the services. It must never hold a loader
// beyond its request or share one between organisations (callers put the org id in the name).
import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { GqlExecutionContext } from '@nestjs/graphql';
import DataLoader from 'dataloader';

/** One batch: answers for `keys`, in order, one per key. */
export type BatchLoad<K, V> = (keys: readonly K[]) => Promise<readonly V[]>;

export class RequestLoaders {
  private static readonly byContext = new WeakMap<object, RequestLoaders>();
  private readonly loaders = new Map<string, DataLoader<unknown, unknown, unknown>>();

  /** The loaders of the request whose GraphQL context this is. */
  static of(context: object): RequestLoaders {
    let loaders = RequestLoaders.byContext.get(context);
    if (!loaders) {
      loaders = new RequestLoaders();
      RequestLoaders.byContext.set(context, loaders);
    }
    return loaders;
  }

  /**
   * Loads `key` through the request's loader called `name` (created with `batch` on first use).
   * `cacheKey` identifies equal keys, so an item asked for twice is loaded once.
   */
  load<K, V>(name: string, key: K, batch: BatchLoad<K, V>, cacheKey: (key: K) => string): Promise<V> {
    let loader = this.loaders.get(name) as DataLoader<K, V, string> | undefined;
    if (!loader) {
      loader = new DataLoader<K, V, string>((keys) => batch(keys), { cacheKeyFn: cacheKey });
      this.loaders.set(name, loader);
    }
    return loader.load(key);
  }
}

/** The current request's RequestLoaders, for resolvers of per-item fields. */
export const Loaders = createParamDecorator((_data: unknown, ctx: ExecutionContext): RequestLoaders =>
  RequestLoaders.of(GqlExecutionContext.create(ctx).getContext<object>()),
);
