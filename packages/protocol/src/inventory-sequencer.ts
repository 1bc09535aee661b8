// The receiving side's bookkeeping of the inventory stream on one connection: which snapshot
// chunks and deltas may be applied, and when to ask for a resync instead. It holds no inventory,
// only positions, so the gateway decides where chunks are staged (memory or database) and the
// rules of the stream live here, next to the messages they govern.
//
// Rules: a snapshot arrives as chunks 0..count-1 of one revision, in order; it takes effect at its
// last chunk. Deltas follow the snapshot they build on, numbered 1, 2, 3… Any other order means
// something was lost, so the answer is a resync; after asking for one, everything but the start of
// a new snapshot is ignored, since it was sent before the agent saw the request.

import type { InventoryDeltaMessage, InventoryResyncReason, InventorySnapshotMessage } from './messages.js';

export type InventoryStep =
  /** Stage this chunk; on `first`, drop any half-received snapshot; on `last`, it replaces the inventory. */
  | {
      readonly kind: 'snapshot-chunk';
      readonly revision: number;
      readonly first: boolean;
      readonly last: boolean;
    }
  /** Apply this delta to the inventory of `revision`. */
  | { readonly kind: 'delta'; readonly revision: number; readonly sequence: number }
  /** Send `inventory.resync` with this reason and discard any staged chunks. */
  | { readonly kind: 'resync'; readonly reason: InventoryResyncReason }
  /** Drop the message: it predates a resync already asked for. */
  | { readonly kind: 'ignore' };

interface Staging {
  readonly revision: number;
  readonly count: number;
  nextIndex: number;
}

export class InventorySequencer {
  #revision: number | undefined;
  #sequence = 0;
  #staging: Staging | undefined;
  #awaitingResync = false;

  /** The revision of the inventory in effect, once a whole snapshot has arrived. */
  get revision(): number | undefined {
    return this.#revision;
  }

  get lastSequence(): number {
    return this.#sequence;
  }

  receive(message: InventorySnapshotMessage | InventoryDeltaMessage): InventoryStep {
    return message.type === 'inventory.snapshot' ? this.#chunk(message) : this.#delta(message);
  }

  /** For a resync the gateway asks for on its own (reason `requested`). */
  requestResync(): InventoryStep {
    return this.#resync('requested');
  }

  #chunk({ revision, chunk }: InventorySnapshotMessage): InventoryStep {
    if (chunk.index === 0) {
      this.#staging = { revision, count: chunk.count, nextIndex: 0 };
      this.#awaitingResync = false;
    }
    if (this.#awaitingResync) return { kind: 'ignore' };
    const staging = this.#staging;
    if (
      staging === undefined ||
      staging.revision !== revision ||
      staging.count !== chunk.count ||
      staging.nextIndex !== chunk.index
    ) {
      return this.#resync('sequence_gap');
    }
    staging.nextIndex++;
    const last = chunk.index === chunk.count - 1;
    if (last) {
      this.#revision = revision;
      this.#sequence = 0;
      this.#staging = undefined;
    }
    return { kind: 'snapshot-chunk', revision, first: chunk.index === 0, last };
  }

  #delta({ revision, sequence }: InventoryDeltaMessage): InventoryStep {
    if (this.#awaitingResync) return { kind: 'ignore' };
    if (this.#staging !== undefined) return this.#resync('sequence_gap');
    if (this.#revision !== revision) return this.#resync('unknown_revision');
    if (sequence !== this.#sequence + 1) return this.#resync('sequence_gap');
    this.#sequence = sequence;
    return { kind: 'delta', revision, sequence };
  }

  #resync(reason: InventoryResyncReason): InventoryStep {
    this.#staging = undefined;
    this.#awaitingResync = true;
    return { kind: 'resync', reason };
  }
}
