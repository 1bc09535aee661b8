// List-then-watch of one kind across the cluster, on the client library's ListWatch (which re-lists
// on 410 Gone and resumes watches from the last resourceVersion). What it adds: `start()` resolves
// only once a first complete list has arrived, and refuses at once when the API says 401/403;
// after a watch or list failure it starts again with backoff (a ListWatch stops on errors); and it
// keeps the last failure, until a list or watch succeeds again, for the health method. Objects go
// to `onUpsert`/`onDelete`.
import {
  ListWatch,
  Watch,
  type KubeConfig,
  type KubernetesListObject,
  type KubernetesObject,
} from '@kubernetes/client-node';
import { KUBE_INITIAL_SYNC_TIMEOUT_MS, KUBE_RETRY_INITIAL_MS, KUBE_RETRY_MAX_MS } from '../../limits.js';
import type { Logger } from '../../log.js';
import { Backoff } from '../../tunnel/backoff.js';
import { describeKubeFailure, type KubeFailure } from './kube-errors.js';

export interface ResourceWatchOptions<T extends KubernetesObject> {
  /** Plural name for messages, e.g. `pods`. */
  readonly kind: string;
  /** API path of the cluster-wide collection, e.g. `/api/v1/pods`. */
  readonly path: string;
  readonly config: KubeConfig;
  readonly list: () => Promise<KubernetesListObject<T>>;
  readonly onUpsert: (object: T) => void;
  readonly onDelete: (object: T) => void;
  readonly log: Logger;
  readonly retry?: { initialMs?: number; maxMs?: number };
  readonly initialSyncTimeoutMs?: number;
}

/** A Watch that reports when a watch request was accepted (200), which clears a previous failure. */
class EstablishedWatch extends Watch {
  readonly #onEstablished: () => void;

  constructor(config: KubeConfig, onEstablished: () => void) {
    super(config);
    this.#onEstablished = onEstablished;
  }

  override async watch(
    ...[path, query, callback, done]: Parameters<Watch['watch']>
  ): Promise<AbortController> {
    let failed = false;
    const controller = await super.watch(path, query, callback, (error: unknown) => {
      if (error) failed = true;
      done(error);
    });
    if (!failed) this.#onEstablished();
    return controller;
  }
}

export class KubeAccessError extends Error {
  override readonly name = 'KubeAccessError';
}

export class ResourceWatch<T extends KubernetesObject> {
  readonly #options: ResourceWatchOptions<T>;
  readonly #informer: ListWatch<T>;
  readonly #backoff: Backoff;
  #listed = false;
  #stopped = false;
  #restart: NodeJS.Timeout | undefined;
  #lastFailure: KubeFailure | null = null;
  #waiters: { resolve: () => void; reject: (error: Error) => void }[] = [];

  constructor(options: ResourceWatchOptions<T>) {
    this.#options = options;
    this.#backoff = new Backoff({
      initialMs: options.retry?.initialMs ?? KUBE_RETRY_INITIAL_MS,
      maxMs: options.retry?.maxMs ?? KUBE_RETRY_MAX_MS,
    });
    const list = async (): Promise<KubernetesListObject<T>> => {
      const result = await options.list();
      this.#listed = true;
      this.#lastFailure = null;
      this.#backoff.reset();
      for (const waiter of this.#waiters.splice(0)) waiter.resolve();
      return result;
    };
    const watch = new EstablishedWatch(options.config, () => {
      this.#lastFailure = null;
      this.#backoff.reset();
    });
    this.#informer = new ListWatch<T>(options.path, watch, list, false);
    this.#informer.on('add', (o) => options.onUpsert(o));
    this.#informer.on('update', (o) => options.onUpsert(o));
    this.#informer.on('delete', (o) => options.onDelete(o));
    this.#informer.on('error', (error: unknown) => this.#failed(error));
  }

  /** The last failure, cleared by the next successful list. */
  lastFailure(): KubeFailure | null {
    return this.#lastFailure;
  }

  /** Resolves after the first complete list; rejects on 401/403 or when the first list takes too long. */
  async start(): Promise<void> {
    const synced = new Promise<void>((resolve, reject) => this.#waiters.push({ resolve, reject }));
    const limitMs = this.#options.initialSyncTimeoutMs ?? KUBE_INITIAL_SYNC_TIMEOUT_MS;
    const timeout = setTimeout(() => {
      const last = this.#lastFailure ? `: ${this.#lastFailure.message}` : '';
      this.#reject(
        new Error(`no complete list of ${this.#options.kind} within ${String(limitMs)} ms${last}`),
      );
    }, limitMs);
    timeout.unref();
    void this.#informer.start();
    try {
      await synced;
    } finally {
      clearTimeout(timeout);
    }
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#restart !== undefined) clearTimeout(this.#restart);
    this.#reject(new Error(`stopped before ${this.#options.kind} were listed`));
    await this.#informer.stop();
  }

  #failed(error: unknown): void {
    const failure = describeKubeFailure(error, `list and watch ${this.#options.kind} in all namespaces`);
    this.#lastFailure = failure;
    if (this.#stopped) return;
    if (!this.#listed && failure.auth) {
      this.#reject(new KubeAccessError(failure.message));
      return;
    }
    const delay = this.#backoff.next();
    this.#options.log[failure.auth ? 'error' : 'warn'](
      { kind: this.#options.kind, status: failure.status, retryInMs: delay },
      failure.message,
    );
    this.#restart = setTimeout(() => {
      this.#restart = undefined;
      if (!this.#stopped) void this.#informer.start();
    }, delay);
    this.#restart.unref();
  }

  #reject(error: Error): void {
    for (const waiter of this.#waiters.splice(0)) waiter.reject(error);
  }
}
