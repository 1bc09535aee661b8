import { describe, expect, it } from 'vitest';
import {
  InventorySequencer,
  type InventoryDeltaMessage,
  type InventorySnapshotMessage,
  type InventoryStep,
} from './index.js';

const none = { namespaces: [], endpoints: [], serviceAccounts: [], services: [] };

function chunk(revision: number, index: number, count: number): InventorySnapshotMessage {
  return { type: 'inventory.snapshot', revision, chunk: { index, count }, items: none };
}

function delta(revision: number, sequence: number): InventoryDeltaMessage {
  return { type: 'inventory.delta', revision, sequence, upserts: none, deletes: none };
}

function run(messages: (InventorySnapshotMessage | InventoryDeltaMessage)[]): string[] {
  const sequencer = new InventorySequencer();
  return messages.map((m) => show(sequencer.receive(m)));
}

function show(step: InventoryStep): string {
  switch (step.kind) {
    case 'snapshot-chunk':
      return `chunk r${String(step.revision)}${step.first ? ' first' : ''}${step.last ? ' last' : ''}`;
    case 'delta':
      return `delta r${String(step.revision)} #${String(step.sequence)}`;
    case 'resync':
      return `resync ${step.reason}`;
    case 'ignore':
      return 'ignore';
  }
}

describe('InventorySequencer', () => {
  it('applies a chunked snapshot, then consecutive deltas', () => {
    expect(run([chunk(1, 0, 3), chunk(1, 1, 3), chunk(1, 2, 3), delta(1, 1), delta(1, 2)])).toEqual([
      'chunk r1 first',
      'chunk r1',
      'chunk r1 last',
      'delta r1 #1',
      'delta r1 #2',
    ]);
  });

  it('restarts numbering at each new snapshot', () => {
    const sequencer = new InventorySequencer();
    for (const m of [chunk(1, 0, 1), delta(1, 1), delta(1, 2), chunk(2, 0, 1)]) sequencer.receive(m);
    expect(sequencer.revision).toBe(2);
    expect(sequencer.lastSequence).toBe(0);
    expect(show(sequencer.receive(delta(2, 1)))).toBe('delta r2 #1');
  });

  it.each<[string, (InventorySnapshotMessage | InventoryDeltaMessage)[], string]>([
    ['a delta before any snapshot', [delta(1, 1)], 'resync unknown_revision'],
    ['a delta of another revision', [chunk(1, 0, 1), delta(2, 1)], 'resync unknown_revision'],
    ['a skipped delta', [chunk(1, 0, 1), delta(1, 1), delta(1, 3)], 'resync sequence_gap'],
    ['a repeated delta', [chunk(1, 0, 1), delta(1, 1), delta(1, 1)], 'resync sequence_gap'],
    ['a skipped chunk', [chunk(1, 0, 3), chunk(1, 2, 3)], 'resync sequence_gap'],
    ['a chunk without its start', [chunk(1, 1, 2)], 'resync sequence_gap'],
    ['a chunk of another revision', [chunk(1, 0, 2), chunk(2, 1, 2)], 'resync sequence_gap'],
    ['a chunk with another count', [chunk(1, 0, 2), chunk(1, 1, 3)], 'resync sequence_gap'],
    ['a delta inside a snapshot', [chunk(1, 0, 1), chunk(2, 0, 2), delta(1, 1)], 'resync sequence_gap'],
  ])('asks for a resync after %s', (_, messages, expected) => {
    expect(run(messages).at(-1)).toBe(expected);
  });

  it('ignores what was in flight after a resync, until a new snapshot starts', () => {
    expect(
      run([
        chunk(1, 0, 1),
        delta(1, 2),
        delta(1, 3),
        chunk(1, 1, 2),
        chunk(2, 0, 2),
        chunk(2, 1, 2),
        delta(2, 1),
      ]),
    ).toEqual([
      'chunk r1 first last',
      'resync sequence_gap',
      'ignore',
      'ignore',
      'chunk r2 first',
      'chunk r2 last',
      'delta r2 #1',
    ]);
  });

  it('keeps the inventory in effect while a new snapshot is half received', () => {
    const sequencer = new InventorySequencer();
    sequencer.receive(chunk(1, 0, 1));
    sequencer.receive(chunk(2, 0, 2));
    expect(sequencer.revision).toBe(1);
  });

  it('asks for a resync on request and then waits for a snapshot', () => {
    const sequencer = new InventorySequencer();
    sequencer.receive(chunk(1, 0, 1));
    expect(show(sequencer.requestResync())).toBe('resync requested');
    expect(show(sequencer.receive(delta(1, 1)))).toBe('ignore');
    expect(show(sequencer.receive(chunk(2, 0, 1)))).toBe('chunk r2 first last');
  });
});
