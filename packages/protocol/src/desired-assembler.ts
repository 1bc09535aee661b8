// The agent's bookkeeping of the desired-state stream on one connection (decision 0013): it stages
// `desired.state.chunk` frames and hands over a set only when every chunk of its generation has
// arrived, since applying prunes whatever the set lacks. One per connection: a connection that
// drops mid-transfer takes its half-received set with it, and the gateway pushes again on the
// next one. Memory is bounded by the codec: at most `maxDesiredStateChunks` frames of at most
// `maxFrameBytes` each are ever staged.
//
// Rules: a chunk 0 or a whole `desired.state` starts a new set and drops any partial one (the
// gateway abandons a transfer only to start a newer one). Later chunks must continue the staged
// set in order with the same count and total. A chunk that continues no staged set, of a generation
// no newer than the one most recently started, is a leftover of a superseded or refused transfer
// and is ignored, so one broken transfer is refused once. Anything else means the stream is
// broken: the step names the close reason for it, and the gateway pushes the set again (on the
// next connection, or when its acknowledgement timeout passes).

import { CLOSE_REASONS, type CloseReason } from './close-reasons.js';
import type { DesiredStateChunkMessage, DesiredStateMessage, JsonObject } from './messages.js';
import { isInVersion } from './version.js';

export type DesiredStateStep =
  /** The whole set of `generation`: validate and apply it. `dropped` is a partial set it replaced. */
  | {
      readonly kind: 'complete';
      readonly generation: number;
      readonly resources: JsonObject[];
      readonly dropped: number | null;
    }
  /** A chunk was staged; nothing to apply yet. */
  | {
      readonly kind: 'staged';
      readonly generation: number;
      readonly received: number;
      readonly count: number;
      readonly dropped: number | null;
    }
  /** A leftover of a superseded transfer. */
  | { readonly kind: 'ignored'; readonly detail: string }
  /** The stream is broken: close the connection with `reason`. */
  | { readonly kind: 'refused'; readonly reason: CloseReason; readonly detail: string };

interface Staging {
  readonly generation: number;
  readonly count: number;
  readonly total: number;
  readonly resources: JsonObject[];
  nextIndex: number;
}

export class DesiredStateAssembler {
  readonly #protocolVersion: number;
  #staging: Staging | undefined;
  /** The generation of the set most recently started on this connection. */
  #latest: number | undefined;

  /** `protocolVersion` is the session's negotiated version. */
  constructor(protocolVersion: number) {
    this.#protocolVersion = protocolVersion;
  }

  /** The generation being staged, if a transfer is under way. */
  get staging(): number | undefined {
    return this.#staging?.generation;
  }

  receive(message: DesiredStateMessage | DesiredStateChunkMessage): DesiredStateStep {
    if (message.type === 'desired.state') {
      const dropped = this.#drop();
      this.#latest = message.generation;
      return { kind: 'complete', generation: message.generation, resources: message.resources, dropped };
    }
    if (!isInVersion(message.type, this.#protocolVersion)) {
      return refused(
        CLOSE_REASONS.UNEXPECTED_MESSAGE,
        `${message.type} is not part of protocol version ${String(this.#protocolVersion)}`,
      );
    }
    return message.chunk.index === 0 ? this.#start(message) : this.#continue(message);
  }

  #start(message: DesiredStateChunkMessage): DesiredStateStep {
    const dropped = this.#drop();
    this.#latest = message.generation;
    this.#staging = {
      generation: message.generation,
      count: message.chunk.count,
      total: message.total,
      resources: [],
      nextIndex: 0,
    };
    return this.#append(this.#staging, message, dropped);
  }

  #continue(message: DesiredStateChunkMessage): DesiredStateStep {
    const { generation, chunk, total } = message;
    const staging = this.#staging;
    const what = `chunk ${String(chunk.index)} of generation ${String(generation)}`;
    if (staging === undefined || staging.generation !== generation) {
      const latest = this.#latest;
      if (latest !== undefined && generation < latest) {
        return { kind: 'ignored', detail: `${what}: generation ${String(latest)} superseded it` };
      }
      if (latest === generation && staging === undefined) {
        return { kind: 'ignored', detail: `${what}: its set is no longer being received` };
      }
      this.#drop();
      this.#latest = generation;
      return refused(CLOSE_REASONS.UNEXPECTED_MESSAGE, `${what} arrived without its chunk 0`);
    }
    if (chunk.count !== staging.count || total !== staging.total) {
      this.#drop();
      return refused(
        CLOSE_REASONS.INVALID_MESSAGE,
        `${what} announces ${String(chunk.count)} chunks and ${String(total)} resources, ` +
          `its chunk 0 announced ${String(staging.count)} and ${String(staging.total)}`,
      );
    }
    if (chunk.index !== staging.nextIndex) {
      this.#drop();
      return refused(
        CLOSE_REASONS.UNEXPECTED_MESSAGE,
        `${what} arrived out of order; expected chunk ${String(staging.nextIndex)}`,
      );
    }
    return this.#append(staging, message, null);
  }

  #append(staging: Staging, message: DesiredStateChunkMessage, dropped: number | null): DesiredStateStep {
    const what = `generation ${String(staging.generation)}`;
    if (staging.resources.length + message.resources.length > staging.total) {
      this.#drop();
      return refused(
        CLOSE_REASONS.INVALID_MESSAGE,
        `${what} holds more resources than its total of ${String(staging.total)}`,
      );
    }
    for (const resource of message.resources) staging.resources.push(resource);
    staging.nextIndex++;
    if (staging.nextIndex < staging.count) {
      return {
        kind: 'staged',
        generation: staging.generation,
        received: staging.nextIndex,
        count: staging.count,
        dropped,
      };
    }
    this.#staging = undefined;
    if (staging.resources.length !== staging.total) {
      return refused(
        CLOSE_REASONS.INVALID_MESSAGE,
        `${what} arrived with ${String(staging.resources.length)} resources, its chunks announced ${String(staging.total)}`,
      );
    }
    return { kind: 'complete', generation: staging.generation, resources: staging.resources, dropped };
  }

  /** Forgets the partial set, returning its generation. */
  #drop(): number | null {
    const generation = this.#staging?.generation ?? null;
    this.#staging = undefined;
    return generation;
  }
}

function refused(reason: CloseReason, detail: string): DesiredStateStep {
  return { kind: 'refused', reason, detail };
}
