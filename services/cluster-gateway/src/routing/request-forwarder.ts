// Carries a `request` from the control channel to the agent and its answer back to the asking API
// instance (decision 0006). Replies go only to `P:api:<instance>:replies` channels of this
// deployment, so a forged `replyTo` cannot make the gateway publish anywhere else. Every request
// with a valid `replyTo` gets exactly one reply, also when the cluster is not here or the agent does
// not answer.
import { RequestError, type ErrorCode } from '@palisade/protocol';
import type { Redis } from 'ioredis';
import type { GatewayMetrics } from '../server/metrics.js';
import type { TunnelHandle } from '../tunnel/tunnel-handle.js';
import type { ForwardRequestMessage, RedisKeys, RequestReply } from './keys.js';

export class RequestForwarder {
  readonly #redis: Redis;
  readonly #replyPattern: RegExp;
  readonly #find: (clusterId: string) => TunnelHandle | undefined;
  readonly #metrics: GatewayMetrics;

  constructor(
    redis: Redis,
    keys: RedisKeys,
    find: (clusterId: string) => TunnelHandle | undefined,
    metrics: GatewayMetrics,
  ) {
    this.#redis = redis;
    const probe = keys.apiReplies('\u0000');
    const [head = '', tail = ''] = probe.split('\u0000');
    this.#replyPattern = new RegExp(`^${escape(head)}[\\s\\S]{1,200}${escape(tail)}$`);
    this.#find = find;
    this.#metrics = metrics;
  }

  async forward(message: ForwardRequestMessage): Promise<void> {
    if (!this.#replyPattern.test(message.replyTo)) {
      this.#metrics.requestsRouted.inc({ outcome: 'refused' });
      return;
    }
    const session = this.#find(message.clusterId);
    if (session === undefined || !session.isOpen) {
      await this.#reply(
        message,
        failure(message, 'unavailable', 'the cluster is not connected to this gateway'),
      );
      this.#metrics.requestsRouted.inc({ outcome: 'not_here' });
      return;
    }
    let reply: RequestReply;
    try {
      const result = await session.request(message.method, message.params, message.timeoutMs);
      reply = { requestId: message.requestId, ok: true, result };
      this.#metrics.requestsRouted.inc({ outcome: 'ok' });
    } catch (error) {
      reply =
        error instanceof RequestError
          ? failure(message, error.code, error.message)
          : failure(message, 'unavailable', 'the tunnel closed before the agent answered');
      this.#metrics.requestsRouted.inc({ outcome: 'error' });
    }
    await this.#reply(message, reply);
  }

  async #reply(message: ForwardRequestMessage, reply: RequestReply): Promise<void> {
    await this.#redis.publish(message.replyTo, JSON.stringify(reply));
  }
}

function failure(message: ForwardRequestMessage, code: ErrorCode, text: string): RequestReply {
  return { requestId: message.requestId, ok: false, error: { code, message: text } };
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
