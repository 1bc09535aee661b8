// Answers the gateway's `request` messages through a registry of methods. Every request gets exactly
// one response: the method's result, its RequestError, `method_not_found`, `rate_limited` when too
// many are in flight, `timeout` when the caller's deadline passes first, or `internal` (details go to
// the log, not over the wire).

import {
  RequestError,
  encodeMessage,
  utf8ByteLength,
  type AgentMessage,
  type JsonValue,
  type ProtocolLimits,
  type RequestMessage,
  type ResponseMessage,
} from '@palisade/protocol';
import { MAX_CONCURRENT_REQUESTS } from '../limits.js';
import type { Logger } from '../log.js';

export interface RequestContext {
  /** Aborted when the caller's timeout passes or the session ends. */
  readonly signal: AbortSignal;
}

export type MethodHandler = (params: JsonValue, context: RequestContext) => JsonValue | Promise<JsonValue>;

export class MethodRegistry {
  readonly #methods = new Map<string, MethodHandler>();

  register(method: string, handler: MethodHandler): this {
    if (this.#methods.has(method)) throw new Error(`method ${method} is already registered`);
    this.#methods.set(method, handler);
    return this;
  }

  get(method: string): MethodHandler | undefined {
    return this.#methods.get(method);
  }

  methods(): string[] {
    return [...this.#methods.keys()].sort();
  }
}

export class RequestDispatcher {
  readonly #registry: MethodRegistry;
  readonly #send: (message: AgentMessage) => boolean;
  readonly #limits: ProtocolLimits;
  readonly #log: Logger;
  readonly #inFlight = new Map<string, AbortController>();

  constructor(options: {
    registry: MethodRegistry;
    send: (message: AgentMessage) => boolean;
    limits: ProtocolLimits;
    log: Logger;
  }) {
    this.#registry = options.registry;
    this.#send = options.send;
    this.#limits = options.limits;
    this.#log = options.log;
  }

  handle(request: RequestMessage): void {
    const handler = this.#registry.get(request.method);
    if (handler === undefined) {
      this.#reply(
        failure(
          request.id,
          new RequestError('method_not_found', `the agent has no method ${request.method}`),
        ),
      );
      return;
    }
    if (this.#inFlight.size >= MAX_CONCURRENT_REQUESTS) {
      this.#reply(
        failure(
          request.id,
          new RequestError('rate_limited', `${String(MAX_CONCURRENT_REQUESTS)} requests are already running`),
        ),
      );
      return;
    }
    const controller = new AbortController();
    this.#inFlight.set(request.id, controller);
    let settled = false;
    const settle = (response: ResponseMessage): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      this.#inFlight.delete(request.id);
      this.#reply(response);
    };
    const timer = setTimeout(() => {
      controller.abort();
      settle(
        failure(
          request.id,
          new RequestError(
            'timeout',
            `${request.method} did not finish within ${String(request.timeoutMs)} ms`,
          ),
        ),
      );
    }, request.timeoutMs);
    timer.unref();
    Promise.resolve()
      .then(() => handler(request.params, { signal: controller.signal }))
      .then(
        (result) => settle({ type: 'response', id: request.id, ok: true, result }),
        (error: unknown) => {
          if (error instanceof RequestError) {
            settle(failure(request.id, error));
            return;
          }
          this.#log.error(
            { method: request.method, err: error instanceof Error ? error.message : String(error) },
            'request failed',
          );
          settle(
            failure(request.id, new RequestError('internal', `${request.method} failed inside the agent`)),
          );
        },
      );
  }

  /** Abandons everything in flight; their responses are no longer sent. */
  close(): void {
    for (const controller of this.#inFlight.values()) controller.abort();
    this.#inFlight.clear();
  }

  #reply(response: ResponseMessage): void {
    if (response.ok && utf8ByteLength(encodeMessage(response)) > this.#limits.maxFrameBytes) {
      this.#send(failure(response.id, new RequestError('internal', 'the result is larger than a frame')));
      return;
    }
    this.#send(response);
  }
}

function failure(id: string, error: RequestError): ResponseMessage {
  return {
    type: 'response',
    id,
    ok: false,
    error: { code: error.code, message: error.message.slice(0, 1_000) },
  };
}
