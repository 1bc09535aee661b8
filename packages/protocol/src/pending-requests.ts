// Correlation of requests with responses on one connection, usable by the gateway and the agent
// alike. Each request gets a connection-unique id and a deadline; a response settles it at most
// once, a late or unknown response is reported and dropped, and closing the connection rejects
// everything outstanding so no caller waits forever. It owns no socket: `send` is injected.

import { DEFAULT_REQUEST_TIMEOUT_MS, MAX_PENDING_REQUESTS, MAX_REQUEST_TIMEOUT_MS } from './limits.js';
import type { ErrorCode, JsonValue, RequestMessage, ResponseMessage } from './messages.js';

export interface Timers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const GLOBAL_TIMERS: Timers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  // Needed where the package is compiled with Node's typings (gateway, agent): there the handle is a Timeout.
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion
  clearTimeout: (handle) => clearTimeout(handle as Parameters<typeof clearTimeout>[0]),
};

/** How a request failed: the peer's error code, or `timeout`, `unavailable` or `rate_limited` locally. */
export class RequestError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'RequestError';
  }
}

export interface PendingRequestsOptions {
  /** Writes the request to the connection; a throw fails that request with `unavailable`. */
  readonly send: (request: RequestMessage) => void;
  /** Prepended to ids, e.g. `g` on the gateway and `a` on the agent, to tell them apart in logs. */
  readonly idPrefix?: string;
  readonly defaultTimeoutMs?: number;
  readonly maxPending?: number;
  readonly timers?: Timers;
}

interface Pending {
  readonly resolve: (result: JsonValue) => void;
  readonly reject: (error: RequestError) => void;
  readonly timer: unknown;
}

export class PendingRequests {
  readonly #send: (request: RequestMessage) => void;
  readonly #idPrefix: string;
  readonly #defaultTimeoutMs: number;
  readonly #maxPending: number;
  readonly #timers: Timers;
  readonly #pending = new Map<string, Pending>();
  #lastId = 0;
  #closed: RequestError | undefined;

  constructor(options: PendingRequestsOptions) {
    this.#send = options.send;
    this.#idPrefix = options.idPrefix ?? '';
    this.#defaultTimeoutMs = options.defaultTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    this.#maxPending = options.maxPending ?? MAX_PENDING_REQUESTS;
    this.#timers = options.timers ?? GLOBAL_TIMERS;
  }

  get size(): number {
    return this.#pending.size;
  }

  get closed(): boolean {
    return this.#closed !== undefined;
  }

  /** Sends a request and resolves with the peer's result, or rejects with a RequestError. */
  request(method: string, params: JsonValue, timeoutMs: number = this.#defaultTimeoutMs): Promise<JsonValue> {
    if (this.#closed) return Promise.reject(this.#closed);
    if (!Number.isSafeInteger(timeoutMs) || timeoutMs < 1 || timeoutMs > MAX_REQUEST_TIMEOUT_MS) {
      return Promise.reject(
        new RequestError('bad_request', `timeout must be 1 to ${String(MAX_REQUEST_TIMEOUT_MS)} ms`),
      );
    }
    if (this.#pending.size >= this.#maxPending) {
      return Promise.reject(
        new RequestError('rate_limited', `${String(this.#maxPending)} requests are already pending`),
      );
    }
    const id = `${this.#idPrefix}${(++this.#lastId).toString(36)}`;
    return new Promise<JsonValue>((resolve, reject) => {
      const timer = this.#timers.setTimeout(() => {
        this.#pending.delete(id);
        reject(new RequestError('timeout', `${method} got no response within ${String(timeoutMs)} ms`));
      }, timeoutMs);
      this.#pending.set(id, { resolve, reject, timer });
      try {
        this.#send({ type: 'request', id, method, params, timeoutMs });
      } catch (error) {
        this.#take(id);
        reject(new RequestError('unavailable', `sending ${method} failed: ${describe(error)}`));
      }
    });
  }

  /** Settles the request `response` answers; false when none is pending (late, duplicate or unknown). */
  settle(response: ResponseMessage): boolean {
    const pending = this.#take(response.id);
    if (pending === undefined) return false;
    if (response.ok) pending.resolve(response.result);
    else pending.reject(new RequestError(response.error.code, response.error.message));
    return true;
  }

  /** Rejects every pending request and every later one with `unavailable`. Idempotent. */
  close(detail: string): void {
    if (this.#closed) return;
    this.#closed = new RequestError('unavailable', `connection closed: ${detail}`);
    for (const id of [...this.#pending.keys()]) this.#take(id)?.reject(this.#closed);
  }

  #take(id: string): Pending | undefined {
    const pending = this.#pending.get(id);
    if (pending === undefined) return undefined;
    this.#pending.delete(id);
    this.#timers.clearTimeout(pending.timer);
    return pending;
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
