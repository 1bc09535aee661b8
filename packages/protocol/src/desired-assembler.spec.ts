import { describe, expect, it } from 'vitest';
import {
  DEFAULT_LIMITS,
  DesiredStateAssembler,
  planDesiredState,
  type DesiredStateChunkMessage,
  type DesiredStateStep,
  type JsonObject,
} from './index.js';

const r = (name: string): JsonObject => ({ kind: 'NetworkPolicy', metadata: { name } });

function chunks(generation: number, groups: string[][]): DesiredStateChunkMessage[] {
  const total = groups.reduce((n, g) => n + g.length, 0);
  return groups.map((names, index) => ({
    type: 'desired.state.chunk',
    generation,
    chunk: { index, count: groups.length },
    total,
    resources: names.map(r),
  }));
}

function feed(assembler: DesiredStateAssembler, messages: DesiredStateChunkMessage[]): DesiredStateStep[] {
  return messages.map((m) => assembler.receive(m));
}

function refusal(step: DesiredStateStep | undefined): { reason: string; detail: string } {
  if (step?.kind !== 'refused') throw new Error(`expected a refusal, got ${JSON.stringify(step)}`);
  return { reason: step.reason.name, detail: step.detail };
}

describe('DesiredStateAssembler', () => {
  it('hands over a set only once its last chunk has arrived, in order', () => {
    const a = new DesiredStateAssembler(2);
    const steps = feed(a, chunks(5, [['a', 'b'], ['c'], ['d']]));
    expect(steps.slice(0, 2)).toEqual([
      { kind: 'staged', generation: 5, received: 1, count: 3, dropped: null },
      { kind: 'staged', generation: 5, received: 2, count: 3, dropped: null },
    ]);
    expect(a.staging).toBeUndefined();
    expect(steps[2]).toEqual({
      kind: 'complete',
      generation: 5,
      resources: ['a', 'b', 'c', 'd'].map(r),
      dropped: null,
    });
  });

  it('reassembles what planDesiredState produced', () => {
    const resources = Array.from({ length: 200 }, (_, i) => ({
      ...r(`p-${String(i)}`),
      pad: 'x'.repeat(100),
    }));
    const plan = planDesiredState(8, resources, {
      protocolVersion: 2,
      limits: { ...DEFAULT_LIMITS, maxFrameBytes: 2_048 },
    });
    if (!plan.ok) throw new Error(plan.problem);
    const a = new DesiredStateAssembler(2);
    const steps = plan.messages.map((m) => a.receive(m));
    expect(steps.at(-1)).toEqual({ kind: 'complete', generation: 8, resources, dropped: null });
    expect(steps.slice(0, -1).every((s) => s.kind === 'staged')).toBe(true);
  });

  it('passes a whole desired.state through, on any version', () => {
    const a = new DesiredStateAssembler(1);
    expect(a.receive({ type: 'desired.state', generation: 3, resources: [r('a')] })).toEqual({
      kind: 'complete',
      generation: 3,
      resources: [r('a')],
      dropped: null,
    });
  });

  it('drops a partial set when a newer one starts, and ignores what is left of the old one', () => {
    const a = new DesiredStateAssembler(2);
    const old = chunks(5, [['a'], ['b'], ['c']]);
    const next = chunks(6, [['x'], ['y']]);
    expect(a.receive(old[0]!).kind).toBe('staged');
    expect(a.receive(next[0]!)).toEqual({ kind: 'staged', generation: 6, received: 1, count: 2, dropped: 5 });
    expect(a.receive(old[1]!)).toEqual({
      kind: 'ignored',
      detail: 'chunk 1 of generation 5: generation 6 superseded it',
    });
    expect(a.receive(next[1]!)).toEqual({
      kind: 'complete',
      generation: 6,
      resources: [r('x'), r('y')],
      dropped: null,
    });
    expect(a.receive(old[2]!).kind).toBe('ignored');
  });

  it('drops a partial set when a whole desired.state arrives', () => {
    const a = new DesiredStateAssembler(2);
    a.receive(chunks(5, [['a'], ['b']])[0]!);
    expect(a.receive({ type: 'desired.state', generation: 6, resources: [] })).toEqual({
      kind: 'complete',
      generation: 6,
      resources: [],
      dropped: 5,
    });
  });

  it('restarts a set from its chunk 0 (a re-push of the same generation)', () => {
    const a = new DesiredStateAssembler(2);
    const set = chunks(5, [['a'], ['b']]);
    a.receive(set[0]!);
    expect(a.receive(set[0]!)).toEqual({ kind: 'staged', generation: 5, received: 1, count: 2, dropped: 5 });
    expect(a.receive(set[1]!)).toMatchObject({ kind: 'complete', resources: [r('a'), r('b')] });
  });

  it('refuses a chunk out of order', () => {
    const a = new DesiredStateAssembler(2);
    const set = chunks(5, [['a'], ['b'], ['c']]);
    a.receive(set[0]!);
    expect(refusal(a.receive(set[2]!))).toEqual({
      reason: 'unexpected_message',
      detail: 'chunk 2 of generation 5 arrived out of order; expected chunk 1',
    });
    expect(a.staging).toBeUndefined();
  });

  it('refuses a repeated chunk', () => {
    const a = new DesiredStateAssembler(2);
    const set = chunks(5, [['a'], ['b'], ['c']]);
    a.receive(set[0]!);
    a.receive(set[1]!);
    expect(refusal(a.receive(set[1]!)).reason).toBe('unexpected_message');
  });

  it('refuses a broken transfer once and ignores the rest of it, then takes a fresh push', () => {
    const a = new DesiredStateAssembler(2);
    const set = chunks(5, [['a'], ['b'], ['c'], ['d']]);
    a.receive(set[0]!);
    expect(a.receive(set[2]!).kind).toBe('refused');
    expect(a.receive(set[3]!)).toEqual({
      kind: 'ignored',
      detail: 'chunk 3 of generation 5: its set is no longer being received',
    });
    expect(feed(a, set).at(-1)).toMatchObject({ kind: 'complete', generation: 5 });
    const late = new DesiredStateAssembler(2);
    expect(late.receive(set[2]!).kind).toBe('refused');
    expect(late.receive(set[3]!).kind).toBe('ignored');
  });

  it('refuses a chunk without its chunk 0, of the current or a newer generation', () => {
    const fresh = new DesiredStateAssembler(2);
    expect(refusal(fresh.receive(chunks(5, [['a'], ['b']])[1]!))).toEqual({
      reason: 'unexpected_message',
      detail: 'chunk 1 of generation 5 arrived without its chunk 0',
    });
    const a = new DesiredStateAssembler(2);
    a.receive(chunks(5, [['a'], ['b']])[0]!);
    expect(refusal(a.receive(chunks(7, [['a'], ['b']])[1]!)).reason).toBe('unexpected_message');
  });

  it('refuses a chunk whose count or total disagrees with its chunk 0', () => {
    const a = new DesiredStateAssembler(2);
    a.receive(chunks(5, [['a'], ['b'], ['c']])[0]!);
    expect(refusal(a.receive({ ...chunks(5, [['a'], ['b'], ['c']])[1]!, total: 4 }))).toEqual({
      reason: 'invalid_message',
      detail:
        'chunk 1 of generation 5 announces 3 chunks and 4 resources, its chunk 0 announced 3 chunks and 3 resources',
    });
    const b = new DesiredStateAssembler(2);
    b.receive(chunks(5, [['a'], ['b'], ['c']])[0]!);
    expect(refusal(b.receive(chunks(5, [['a'], ['b']])[1]!)).reason).toBe('invalid_message');
  });

  it('refuses a set whose chunks hold more or fewer resources than announced', () => {
    const over = new DesiredStateAssembler(2);
    const set = chunks(5, [['a'], ['b']]);
    over.receive(set[0]!);
    expect(refusal(over.receive({ ...set[1]!, resources: [r('b'), r('c')] }))).toEqual({
      reason: 'invalid_message',
      detail: 'generation 5 holds more resources than its total of 2',
    });
    const under = new DesiredStateAssembler(2);
    under.receive({ ...set[0]!, total: 3 });
    expect(refusal(under.receive({ ...set[1]!, total: 3 }))).toEqual({
      reason: 'invalid_message',
      detail: 'generation 5 arrived with 2 resources, its chunks announced 3',
    });
  });

  it('refuses chunks on a session of protocol version 1', () => {
    const a = new DesiredStateAssembler(1);
    expect(refusal(a.receive(chunks(5, [['a']])[0]!))).toEqual({
      reason: 'unexpected_message',
      detail: 'desired.state.chunk is not part of protocol version 1',
    });
  });
});
