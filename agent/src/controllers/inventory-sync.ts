// Streams the provider's inventory over one session: a whole snapshot first (chunked to the
// gateway's limits), then every change as numbered deltas on that snapshot's revision, and a fresh
// snapshot whenever the gateway asks for a resync. Revisions come from a counter shared by the
// agent's sessions and seeded from the clock, so they only grow, across reconnects and restarts.

import type { InventoryResyncReason, ProtocolLimits, AgentMessage } from '@palisade/protocol';
import { chunkSnapshot } from '@palisade/protocol';
import { chunkDelta } from '../inventory/delta-chunks.js';
import type { InventoryDelta } from '../inventory/inventory-delta.js';
import type { Logger } from '../log.js';
import type { Provider } from '../providers/provider.js';

export class RevisionCounter {
  #last = 0;

  next(): number {
    this.#last = Math.max(this.#last + 1, Date.now());
    return this.#last;
  }
}

export class InventorySync {
  readonly #provider: Provider;
  readonly #send: (message: AgentMessage) => boolean;
  readonly #limits: ProtocolLimits;
  readonly #log: Logger;
  readonly #revisions: RevisionCounter;
  #revision = 0;
  #sequence = 0;
  #unsubscribe: (() => void) | undefined;
  readonly #onSnapshotSent: (() => void) | undefined;

  constructor(options: {
    provider: Provider;
    send: (message: AgentMessage) => boolean;
    limits: ProtocolLimits;
    log: Logger;
    revisions: RevisionCounter;
    /** Called when every chunk of a snapshot was handed to the session. */
    onSnapshotSent?: () => void;
  }) {
    this.#onSnapshotSent = options.onSnapshotSent;
    this.#provider = options.provider;
    this.#send = options.send;
    this.#limits = options.limits;
    this.#log = options.log;
    this.#revisions = options.revisions;
  }

  get revision(): number {
    return this.#revision;
  }

  start(): void {
    this.#unsubscribe ??= this.#provider.onChange((delta) => this.#sendDelta(delta));
    this.#sendSnapshot('connect');
  }

  /** Sends a new snapshot; deltas continue on its revision. Returns the revision. */
  resync(reason: InventoryResyncReason | 'requested-by-method'): number {
    return this.#sendSnapshot(reason);
  }

  stop(): void {
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
  }

  #sendSnapshot(why: string): number {
    const revision = this.#revisions.next();
    this.#revision = revision;
    this.#sequence = 0;
    const chunks = chunkSnapshot(revision, this.#provider.snapshot(), this.#limits);
    const whole = chunks.every((chunk) => this.#send(chunk));
    if (whole) this.#onSnapshotSent?.();
    this.#log.info(
      { revision, chunks: chunks.length, counts: this.#provider.counts(), why },
      'inventory snapshot sent',
    );
    return revision;
  }

  #sendDelta(delta: InventoryDelta): void {
    for (const piece of chunkDelta(delta, this.#limits)) {
      this.#sequence++;
      this.#send({
        type: 'inventory.delta',
        revision: this.#revision,
        sequence: this.#sequence,
        upserts: piece.upserts,
        deletes: piece.deletes,
      });
    }
  }
}
