// Watches the objects Palisade manages (label `app.kubernetes.io/managed-by=palisade`) of every
// policy kind, and calls `onChange` (debounced) whenever one is modified or deleted behind the
// agent's back, so drift is noticed within moments rather than at the next apply. A watch that
// ends or fails is started again after a backoff; a kind the cluster does not serve (404) is
// retried at the longest delay.
import { Watch, type KubeConfig } from '@kubernetes/client-node';
import { MANAGED_BY_SELECTOR } from '@palisade/policy/managed';
import { KUBE_DRIFT_DEBOUNCE_MS, KUBE_RETRY_INITIAL_MS, KUBE_RETRY_MAX_MS } from '../../limits.js';
import type { Logger } from '../../log.js';
import { Backoff } from '../../tunnel/backoff.js';
import { PLACEMENTS, collectionPath } from './policy-kinds.js';

export class PolicyWatch {
  readonly #config: KubeConfig;
  readonly #onChange: () => void;
  readonly #log: Logger;
  readonly #retry: { initialMs: number; maxMs: number };
  readonly #controllers = new Set<AbortController>();
  readonly #timers = new Set<NodeJS.Timeout>();
  #debounce: NodeJS.Timeout | undefined;
  #stopped = false;

  constructor(options: {
    config: KubeConfig;
    onChange: () => void;
    log: Logger;
    retry?: { initialMs?: number; maxMs?: number };
  }) {
    this.#config = options.config;
    this.#onChange = options.onChange;
    this.#log = options.log;
    this.#retry = {
      initialMs: options.retry?.initialMs ?? KUBE_RETRY_INITIAL_MS,
      maxMs: options.retry?.maxMs ?? KUBE_RETRY_MAX_MS,
    };
  }

  start(): void {
    for (const kind of PLACEMENTS) this.#watch(collectionPath(kind, null), new Backoff(this.#retry));
  }

  stop(): void {
    this.#stopped = true;
    for (const controller of this.#controllers) controller.abort();
    for (const timer of this.#timers) clearTimeout(timer);
    if (this.#debounce !== undefined) clearTimeout(this.#debounce);
  }

  #watch(path: string, backoff: Backoff): void {
    if (this.#stopped) return;
    const restart = (error: unknown): void => {
      if (this.#stopped) return;
      const delay = backoff.next();
      if (error)
        this.#log.debug(
          { path, retryInMs: delay, err: error instanceof Error ? error.message : 'ended' },
          'policy watch ended',
        );
      const timer = setTimeout(() => {
        this.#timers.delete(timer);
        this.#watch(path, backoff);
      }, delay);
      timer.unref();
      this.#timers.add(timer);
    };
    new Watch(this.#config)
      .watch(
        path,
        { labelSelector: MANAGED_BY_SELECTOR },
        (type: string) => {
          backoff.reset();
          if (type === 'MODIFIED' || type === 'DELETED' || type === 'ADDED') this.#changed();
        },
        (error: unknown) => restart(error),
      )
      .then(
        (controller) => {
          if (this.#stopped) controller.abort();
          else this.#controllers.add(controller);
        },
        (error: unknown) => restart(error),
      );
  }

  #changed(): void {
    if (this.#debounce !== undefined) clearTimeout(this.#debounce);
    this.#debounce = setTimeout(() => {
      this.#debounce = undefined;
      if (!this.#stopped) this.#onChange();
    }, KUBE_DRIFT_DEBOUNCE_MS);
    this.#debounce.unref();
  }
}
