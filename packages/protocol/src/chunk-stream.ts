// The ordering rules every chunked transfer of the tunnel shares (decisions 0013 and 0014), apart
// from what the chunks carry: a chunk 0, or a whole message, starts a new transfer and drops any
// partial one (a sender abandons a transfer only to start a newer one); later chunks must continue
// the staged transfer in order with the same count. A chunk that continues no staged transfer, of
// a generation no newer than the one most recently started, is a leftover of a superseded or refused
// transfer and is ignored, so one broken transfer is refused once. Anything else means the stream
// is broken: the step names the close reason for it. What a transfer announces beyond its count
// (totals) and how its contents add up is the accumulator's business, so each message type keeps
// its own checks and wording. One per connection and direction: a connection that drops
// mid-transfer takes its partial transfer with it.

import { CLOSE_REASONS, type CloseReason } from './close-reasons.js';
import type { MessageType } from './messages.js';
import { isInVersion } from './version.js';

/** The position fields every chunk message has. */
export interface ChunkFrame {
  readonly type: MessageType;
  readonly generation: number;
  readonly chunk: { readonly index: number; readonly count: number };
}

/** Collects one transfer's contents; every `string` returned is the detail of an `invalid_message`. */
export interface ChunkAccumulator<C, T> {
  /**
   * What `chunk` announces of the whole transfer, its count included (`3 chunks and 40 resources`);
   * every chunk of a transfer must announce what its chunk 0 did.
   */
  announced(chunk: C): string;
  /** Adds the chunk's contents; why they overflow what chunk 0 announced, or null. */
  add(chunk: C): string | null;
  /** The whole, once the last chunk has been added, or why the chunks do not add up. */
  finish(): { readonly ok: true; readonly value: T } | { readonly ok: false; readonly detail: string };
}

export type ChunkStep<T> =
  /** The whole of `generation`. `dropped` is the generation of a partial transfer it replaced. */
  | {
      readonly kind: 'complete';
      readonly generation: number;
      readonly value: T;
      readonly dropped: number | null;
    }
  /** A chunk was staged; nothing to act on yet. */
  | {
      readonly kind: 'staged';
      readonly generation: number;
      readonly received: number;
      readonly count: number;
      readonly dropped: number | null;
    }
  /** A leftover of a superseded transfer. */
  | { readonly kind: 'ignored'; readonly detail: string }
  /** The stream is broken: close (or report) with `reason`. */
  | { readonly kind: 'refused'; readonly reason: CloseReason; readonly detail: string };

interface Staging<C, T> {
  readonly generation: number;
  readonly count: number;
  readonly announced: string;
  readonly contents: ChunkAccumulator<C, T>;
  nextIndex: number;
}

export class ChunkAssembler<C extends ChunkFrame, T> {
  readonly #protocolVersion: number;
  readonly #begin: (first: C) => ChunkAccumulator<C, T>;
  /** Names what a transfer carries in the detail of an ignored leftover (`set`, `result`). */
  readonly #noun: string;
  #staging: Staging<C, T> | undefined;
  /** The generation of the transfer most recently started on this connection. */
  #latest: number | undefined;

  /** `protocolVersion` is the session's negotiated version; chunks of a later one are refused. */
  constructor(protocolVersion: number, noun: string, begin: (first: C) => ChunkAccumulator<C, T>) {
    this.#protocolVersion = protocolVersion;
    this.#noun = noun;
    this.#begin = begin;
  }

  /** The generation being staged, if a transfer is under way. */
  get staging(): number | undefined {
    return this.#staging?.generation;
  }

  /** A whole message, sent unchunked: it supersedes any partial transfer. */
  whole(generation: number, value: T): ChunkStep<T> {
    const dropped = this.#drop();
    this.#latest = generation;
    return { kind: 'complete', generation, value, dropped };
  }

  chunk(message: C): ChunkStep<T> {
    if (!isInVersion(message.type, this.#protocolVersion)) {
      return refused(
        CLOSE_REASONS.UNEXPECTED_MESSAGE,
        `${message.type} is not part of protocol version ${String(this.#protocolVersion)}`,
      );
    }
    if (message.chunk.index === 0) {
      const dropped = this.#drop();
      this.#latest = message.generation;
      const contents = this.#begin(message);
      this.#staging = {
        generation: message.generation,
        count: message.chunk.count,
        announced: contents.announced(message),
        contents,
        nextIndex: 0,
      };
      return this.#append(this.#staging, message, dropped);
    }
    return this.#continue(message);
  }

  #continue(message: C): ChunkStep<T> {
    const { generation, chunk } = message;
    const staging = this.#staging;
    const what = `chunk ${String(chunk.index)} of generation ${String(generation)}`;
    if (staging === undefined || staging.generation !== generation) {
      const latest = this.#latest;
      if (latest !== undefined && generation < latest) {
        return { kind: 'ignored', detail: `${what}: generation ${String(latest)} superseded it` };
      }
      if (latest === generation && staging === undefined) {
        return { kind: 'ignored', detail: `${what}: its ${this.#noun} is no longer being received` };
      }
      this.#drop();
      this.#latest = generation;
      return refused(CLOSE_REASONS.UNEXPECTED_MESSAGE, `${what} arrived without its chunk 0`);
    }
    const announced = staging.contents.announced(message);
    if (chunk.count !== staging.count || announced !== staging.announced) {
      this.#drop();
      return refused(
        CLOSE_REASONS.INVALID_MESSAGE,
        `${what} announces ${announced}, its chunk 0 announced ${staging.announced}`,
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

  #append(staging: Staging<C, T>, message: C, dropped: number | null): ChunkStep<T> {
    const what = `generation ${String(staging.generation)}`;
    const overflow = staging.contents.add(message);
    if (overflow !== null) {
      this.#drop();
      return refused(CLOSE_REASONS.INVALID_MESSAGE, `${what} ${overflow}`);
    }
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
    const whole = staging.contents.finish();
    if (!whole.ok) return refused(CLOSE_REASONS.INVALID_MESSAGE, `${what} ${whole.detail}`);
    return { kind: 'complete', generation: staging.generation, value: whole.value, dropped };
  }

  /** Forgets the partial transfer, returning its generation. */
  #drop(): number | null {
    const generation = this.#staging?.generation ?? null;
    this.#staging = undefined;
    return generation;
  }
}

function refused<T>(reason: CloseReason, detail: string): ChunkStep<T> {
  return { kind: 'refused', reason, detail };
}
