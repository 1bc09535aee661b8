// The gateway's ears on Redis pub/sub (decisions 0006 and 0009): its own control channel
// (`P:gateway:{id}:control`: takeover, revoke, request, desired) and the fleet-wide revocations
// channel.
// Handlers act on local tunnels only; a message about a cluster that is not here is ignored,
// except a request, which is answered `unavailable` by the forwarder.
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { MAX_CONTROL_MESSAGE_BYTES } from '../limits.js';
import type { TunnelHandle } from '../tunnel/tunnel-handle.js';
import { parseControlMessage } from './control-messages.js';
import type { ControlMessage, RedisKeys, TakeoverMessage } from './keys.js';
import type { RequestForwarder } from './request-forwarder.js';

export class ControlChannel {
  readonly #subscriber: Redis;
  readonly #publisher: Redis;
  readonly #keys: RedisKeys;
  readonly #channels: readonly string[];
  readonly #find: (clusterId: string) => TunnelHandle | undefined;
  readonly #forwarder: RequestForwarder;
  readonly #onDesired: (clusterId: string, generation: number) => void;
  readonly #log: Logger;

  constructor(options: {
    subscriber: Redis;
    publisher: Redis;
    keys: RedisKeys;
    gatewayId: string;
    find: (clusterId: string) => TunnelHandle | undefined;
    forwarder: RequestForwarder;
    onDesired: (clusterId: string, generation: number) => void;
    log: Logger;
  }) {
    this.#subscriber = options.subscriber;
    this.#publisher = options.publisher;
    this.#keys = options.keys;
    this.#channels = [options.keys.gatewayControl(options.gatewayId), options.keys.clusterRevocations];
    this.#find = options.find;
    this.#forwarder = options.forwarder;
    this.#onDesired = options.onDesired;
    this.#log = options.log;
  }

  async start(): Promise<void> {
    this.#subscriber.on('message', (channel: string, text: string) => this.#onMessage(channel, text));
    await this.#subscriber.subscribe(...this.#channels);
  }

  async notifyTakeover(gatewayId: string, clusterId: string, epoch: number): Promise<void> {
    const message: TakeoverMessage = { kind: 'takeover', clusterId, epoch };
    await this.#publisher.publish(this.#keys.gatewayControl(gatewayId), JSON.stringify(message));
  }

  #onMessage(channel: string, text: string): void {
    if (!this.#channels.includes(channel)) return;
    const message = text.length <= MAX_CONTROL_MESSAGE_BYTES ? parseControlMessage(text) : undefined;
    if (message === undefined) {
      this.#log.warn({ channel }, 'dropped an invalid control message');
      return;
    }
    if (channel === this.#keys.clusterRevocations && message.kind !== 'revoke') return;
    this.#handle(message);
  }

  #handle(message: ControlMessage): void {
    switch (message.kind) {
      case 'takeover':
        this.#find(message.clusterId)?.supersede(message.epoch);
        return;
      case 'revoke':
        this.#find(message.clusterId)?.revoke();
        return;
      case 'request':
        this.#forwarder.forward(message).catch((error: unknown) => {
          this.#log.warn({ err: error, requestId: message.requestId }, 'forwarding a request failed');
        });
        return;
      case 'desired':
        this.#onDesired(message.clusterId, message.generation);
        return;
    }
  }
}
