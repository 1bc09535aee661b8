// One tunnel's inventory stream: the protocol's InventorySequencer decides what each snapshot chunk
// or delta means, chunks are staged in memory (bounded) until the last one arrives, and writes go
// to the store strictly in arrival order. A gap asks the agent for a resync. A failed delta write
// also asks for one, since the stored inventory no longer matches the agent's; a failed snapshot
// write is reported to the agent instead, which would otherwise resend the same snapshot forever.
import {
  InventorySequencer,
  type InventoryDeltaMessage,
  type InventoryItems,
  type InventoryResyncReason,
  type InventorySnapshotMessage,
} from '@palisade/protocol';
import { deletedKeys, inventoryRowKey, itemCount, rowsOf } from './inventory-rows.js';
import type { InventoryStore, InventoryWriter } from './inventory-store.js';

export interface InventoryStreamPeer {
  resync(reason: InventoryResyncReason): void;
  reportError(message: string): void;
  /** The staged snapshot outgrew its bound: the connection is closed with `limit_exceeded`. */
  overflow(detail: string): void;
  logFailure(error: unknown, what: string): void;
}

export class InventoryStream {
  readonly #sequencer = new InventorySequencer();
  readonly #store: InventoryStore;
  readonly #writer: InventoryWriter;
  readonly #peer: InventoryStreamPeer;
  readonly #maxStaged: number;
  #staged: InventoryItems[] = [];
  #stagedCount = 0;
  #tail: Promise<void> = Promise.resolve();

  constructor(store: InventoryStore, writer: InventoryWriter, peer: InventoryStreamPeer, maxStaged: number) {
    this.#store = store;
    this.#writer = writer;
    this.#peer = peer;
    this.#maxStaged = maxStaged;
  }

  /** Resolves when every write accepted so far has finished (tests and shutdown wait on it). */
  get settled(): Promise<void> {
    return this.#tail;
  }

  receive(message: InventorySnapshotMessage | InventoryDeltaMessage): void {
    const step = this.#sequencer.receive(message);
    switch (step.kind) {
      case 'ignore':
        return;
      case 'resync':
        this.#dropStaged();
        this.#peer.resync(step.reason);
        return;
      case 'snapshot-chunk': {
        if (message.type !== 'inventory.snapshot') return;
        if (step.first) this.#dropStaged();
        this.#staged.push(message.items);
        this.#stagedCount += itemCount(message.items);
        if (this.#stagedCount > this.#maxStaged) {
          this.#dropStaged();
          this.#peer.overflow(`a snapshot may hold at most ${String(this.#maxStaged)} items`);
          return;
        }
        if (step.last) this.#writeSnapshot();
        return;
      }
      case 'delta':
        if (message.type === 'inventory.delta') this.#writeDelta(message);
        return;
    }
  }

  #writeSnapshot(): void {
    const chunks = this.#staged;
    this.#dropStaged();
    this.#enqueue(async () => {
      const rows = chunks.flatMap((items) => rowsOf(items));
      try {
        await this.#store.replace(this.#writer, dedupe(rows));
      } catch (error) {
        this.#peer.logFailure(error, 'writing an inventory snapshot');
        this.#peer.reportError('the inventory snapshot could not be stored');
      }
    });
  }

  #writeDelta(delta: InventoryDeltaMessage): void {
    this.#enqueue(async () => {
      try {
        await this.#store.applyDelta(this.#writer, rowsOf(delta.upserts), deletedKeys(delta.deletes));
      } catch (error) {
        this.#peer.logFailure(error, 'applying an inventory delta');
        const step = this.#sequencer.requestResync();
        if (step.kind === 'resync') this.#peer.resync(step.reason);
      }
    });
  }

  #enqueue(work: () => Promise<void>): void {
    this.#tail = this.#tail.then(work);
  }

  #dropStaged(): void {
    this.#staged = [];
    this.#stagedCount = 0;
  }
}

// Chunks are deduplicated one by one; a key repeated across chunks must also appear once.
function dedupe<T extends { kind: string; namespace: string; name: string }>(rows: T[]): T[] {
  const byKey = new Map<string, T>();
  for (const row of rows) byKey.set(inventoryRowKey(row), row);
  return byKey.size === rows.length ? rows : [...byKey.values()];
}
