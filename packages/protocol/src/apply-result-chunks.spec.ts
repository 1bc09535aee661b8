import { describe, expect, it } from 'vitest';
import {
  DEFAULT_LIMITS,
  ApplyResultAssembler,
  decodeMessage,
  encodeMessage,
  maxApplyResultChunks,
  planApplyResult,
  utf8ByteLength,
  type ApplyResultChunkMessage,
  type ApplyResultFrame,
  type ApplyResultMessage,
  type ApplyResultStep,
  type DecodeResult,
  type DriftReport,
  type ResourceStatus,
} from './index.js';

const CALICO_MISSING =
  'the server could not find the requested resource (post networkpolicies.crd.projectcalico.org): ' +
  'is Calico installed?';

function failed(i: number, message = CALICO_MISSING): ResourceStatus {
  return {
    resource: {
      apiVersion: 'projectcalico.org/v3',
      kind: 'NetworkPolicy',
      namespace: 'shop',
      name: `default.${'n'.repeat(200)}-${String(i)}`,
    },
    status: 'failed',
    message,
  };
}

function ok(i: number): ResourceStatus {
  return {
    resource: {
      apiVersion: 'projectcalico.org/v3',
      kind: 'NetworkPolicy',
      namespace: 'shop',
      name: `ok-${String(i)}`,
    },
    status: 'ok',
  };
}

function drifted(i: number, message: string | null = 'spec.ingress changed outside Palisade'): DriftReport {
  return {
    resource: {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      namespace: 'shop',
      name: `d-${String(i)}`,
    },
    drift: 'modified',
    message,
  };
}

function result(results: ResourceStatus[], drift: DriftReport[] = [], generation = 7): ApplyResultMessage {
  return { type: 'apply.result', generation, results, drift };
}

/** The 5,000 Calico policies of a cluster without the Calico CRDs: about 1.6 MiB as one frame. */
function calicoMissing(): ApplyResultMessage {
  return result(Array.from({ length: 5_000 }, (_, i) => failed(i)));
}

function chunk(overrides: Partial<ApplyResultChunkMessage> = {}): ApplyResultChunkMessage {
  return {
    type: 'apply.result.chunk',
    generation: 7,
    chunk: { index: 0, count: 2 },
    total: { results: 2, drift: 1 },
    results: [failed(1)],
    drift: [],
    ...overrides,
  };
}

function rejection(result: DecodeResult): { reason: string; detail: string } {
  if (result.ok) throw new Error('expected a rejection');
  return { reason: result.reason.name, detail: result.detail };
}

/** What the gateway rebuilds from the frames, through the assembler. */
function reassemble(frames: readonly ApplyResultFrame[], version = 2): ApplyResultStep[] {
  const assembler = new ApplyResultAssembler(version);
  return frames.map((frame) => assembler.receive(frame));
}

function complete(step: ApplyResultStep | undefined): ApplyResultMessage {
  if (step?.kind !== 'complete') throw new Error(`expected a complete result, got ${JSON.stringify(step)}`);
  return step.value;
}

function refusal(step: ApplyResultStep | undefined): { reason: string; detail: string } {
  if (step?.kind !== 'refused') throw new Error(`expected a refusal, got ${JSON.stringify(step)}`);
  return { reason: step.reason.name, detail: step.detail };
}

describe('planApplyResult', () => {
  it('keeps a result that fits in one apply.result frame, whatever the version', () => {
    const message = result([ok(1), failed(2)], [drifted(3)]);
    for (const protocolVersion of [1, 2]) {
      expect(planApplyResult(message, { protocolVersion })).toEqual({ messages: [message], shortened: null });
    }
  });

  it('splits a result over the frame limit into chunks, each within the limit, that reassemble to it', () => {
    const message = calicoMissing();
    expect(utf8ByteLength(encodeMessage(message))).toBeGreaterThan(DEFAULT_LIMITS.maxFrameBytes);
    const plan = planApplyResult(message, { protocolVersion: 2 });
    expect(plan.shortened).toBeNull();
    expect(plan.messages.length).toBeGreaterThan(1);
    expect(plan.messages.length).toBeLessThanOrEqual(maxApplyResultChunks(DEFAULT_LIMITS));
    plan.messages.forEach((frame, index) => {
      const text = encodeMessage(frame);
      expect(utf8ByteLength(text)).toBeLessThanOrEqual(DEFAULT_LIMITS.maxFrameBytes);
      expect(frame).toMatchObject({
        type: 'apply.result.chunk',
        chunk: { index, count: plan.messages.length },
        total: { results: 5_000, drift: 0 },
      });
      // Every frame is one the gateway's codec accepts.
      expect(decodeMessage(text, DEFAULT_LIMITS, 'agent')).toEqual({ ok: true, message: frame });
    });
    const steps = reassemble(plan.messages);
    expect(steps.slice(0, -1).every((s) => s.kind === 'staged')).toBe(true);
    expect(complete(steps.at(-1))).toEqual(message);
  });

  it('splits results and drift across chunks, keeping each list in order', () => {
    const limits = { ...DEFAULT_LIMITS, maxFrameBytes: 2_048 };
    const message = result(
      Array.from({ length: 30 }, (_, i) => failed(i)),
      Array.from({ length: 20 }, (_, i) => drifted(i)),
    );
    const plan = planApplyResult(message, { protocolVersion: 2, limits });
    expect(plan.shortened).toBeNull();
    expect(plan.messages.some((m) => m.results.length > 0 && m.drift.length > 0)).toBe(true);
    for (const frame of plan.messages) {
      expect(utf8ByteLength(encodeMessage(frame))).toBeLessThanOrEqual(limits.maxFrameBytes);
    }
    expect(complete(reassemble(plan.messages).at(-1))).toEqual(message);
  });

  it('for a version-1 gateway, cuts messages to the longest length that fits one frame', () => {
    const limits = { ...DEFAULT_LIMITS, maxFrameBytes: 8_192 };
    const message = result(Array.from({ length: 20 }, (_, i) => failed(i, `x${'y'.repeat(600)}`)));
    const plan = planApplyResult(message, { protocolVersion: 1, limits });
    expect(plan.messages).toHaveLength(1);
    const [only] = plan.messages;
    expect(only?.type).toBe('apply.result');
    expect(utf8ByteLength(encodeMessage(only!))).toBeLessThanOrEqual(limits.maxFrameBytes);
    const cut = plan.shortened?.messageBytes;
    expect(cut).toBeGreaterThan(0);
    expect(cut).toBeLessThan(601);
    expect(plan.shortened).toMatchObject({ droppedResults: 0, droppedDrift: 0 });
    for (const r of only!.results) {
      if (r.status !== 'failed') throw new Error('expected failures only');
      expect(r.message.endsWith('…')).toBe(true);
      expect(utf8ByteLength(r.message)).toBeLessThanOrEqual(cut!);
    }
    // One byte more per message would not have fitted: the cut is the longest possible.
    const longer = result(
      message.results.map((r) =>
        r.status === 'failed' ? { ...r, message: `${r.message.slice(0, cut! - 1)}…` } : r,
      ),
    );
    expect(utf8ByteLength(encodeMessage(longer))).toBeGreaterThan(limits.maxFrameBytes);
  });

  it('for a version-1 gateway, leaves out successes, then drift, before any failure when even empty messages do not fit', () => {
    const message = calicoMissing();
    const mixed = result(
      [...message.results.slice(0, 3_000), ...Array.from({ length: 2_000 }, (_, i) => ok(i))],
      Array.from({ length: 100 }, (_, i) => drifted(i)),
    );
    const plan = planApplyResult(mixed, { protocolVersion: 1 });
    expect(plan.messages).toHaveLength(1);
    const [only] = plan.messages as [ApplyResultMessage];
    expect(utf8ByteLength(encodeMessage(only))).toBeLessThanOrEqual(DEFAULT_LIMITS.maxFrameBytes);
    expect(plan.shortened?.messageBytes).toBe(0);
    expect(plan.shortened?.droppedResults).toBeGreaterThan(0);
    expect(only.results.length + (plan.shortened?.droppedResults ?? 0)).toBe(5_000);
    expect(only.drift.length + (plan.shortened?.droppedDrift ?? 0)).toBe(100);
    // Whatever was left out, the failures that were kept come first in priority.
    const keptFailures = only.results.filter((r) => r.status === 'failed').length;
    if (keptFailures < 3_000) {
      expect(only.results.some((r) => r.status === 'ok')).toBe(false);
      expect(only.drift).toEqual([]);
    }
  });

  it('shortens messages on version 2 too when the chunks would exceed maxApplyResultBytes', () => {
    const limits = { ...DEFAULT_LIMITS, maxFrameBytes: 64 * 1024, maxApplyResultBytes: 256 * 1024 };
    const message = result(Array.from({ length: 400 }, (_, i) => failed(i, 'z'.repeat(1_000))));
    const plan = planApplyResult(message, { protocolVersion: 2, limits });
    expect(plan.shortened?.messageBytes).toBeLessThan(1_000);
    expect(plan.messages.length).toBeLessThanOrEqual(maxApplyResultChunks(limits));
    const whole = complete(reassemble(plan.messages).at(-1));
    expect(whole.results).toHaveLength(400);
  });
});

describe('apply.result.chunk on the wire', () => {
  it('round-trips', () => {
    const message = chunk({ drift: [drifted(1, null)], total: { results: 2, drift: 1 } });
    expect(decodeMessage(encodeMessage(message), undefined, 'agent')).toEqual({ ok: true, message });
  });

  it('is sent by the agent only', () => {
    expect(rejection(decodeMessage(encodeMessage(chunk()), undefined, 'gateway'))).toEqual({
      reason: 'unexpected_message',
      detail: 'apply.result.chunk is not sent by the gateway',
    });
  });

  it.each<[string, Record<string, unknown>, string, string]>([
    [
      'index past count',
      { chunk: { index: 2, count: 2 } },
      'invalid_message',
      'chunk.index: must be less than chunk.count',
    ],
    [
      'zero count',
      { chunk: { index: 0, count: 0 } },
      'invalid_message',
      'chunk.count: must be an integer from 1',
    ],
    [
      'a negative total',
      { total: { results: -1, drift: 1 } },
      'invalid_message',
      'total.results: must be an integer from 0',
    ],
    [
      'an empty chunk',
      { results: [], drift: [] },
      'invalid_message',
      'results: a chunk must hold at least one result or drift report',
    ],
    [
      'more chunks than entries',
      { chunk: { index: 0, count: 4 } },
      'invalid_message',
      'chunk.count: must not exceed total.results + total.drift',
    ],
    [
      'more results than total',
      { total: { results: 1, drift: 1 }, results: [failed(1), failed(2)] },
      'invalid_message',
      'results: holds more than total.results',
    ],
    [
      'more drift than total',
      { total: { results: 2, drift: 0 }, drift: [drifted(1)] },
      'invalid_message',
      'drift: holds more than total.drift',
    ],
    [
      'a result with a bad status',
      { results: [{ ...failed(1), status: 'maybe' }] },
      'invalid_message',
      'results[0].status',
    ],
    ['an unknown field', { hash: 'abc' }, 'invalid_message', 'hash: is not a known field'],
    ['a missing field', { total: undefined }, 'invalid_message', 'total: is required'],
    [
      'more chunks than a result may take',
      { chunk: { index: 0, count: 34 }, total: { results: 100, drift: 0 } },
      'limit_exceeded',
      'chunk.count: 34 chunks exceed the limit of 33',
    ],
    [
      'more results than a generation may hold',
      { total: { results: 5_001, drift: 0 } },
      'limit_exceeded',
      'total.results: 5001 entries exceed the limit of 5000',
    ],
    [
      'more drift reports than a generation may hold',
      { total: { results: 2, drift: 5_001 } },
      'limit_exceeded',
      'total.drift: 5001 entries exceed the limit of 5000',
    ],
    [
      'a message over the text limit',
      { results: [failed(1, 'm'.repeat(DEFAULT_LIMITS.maxTextLength + 1))] },
      'limit_exceeded',
      'results[0].message',
    ],
  ])('refuses %s', (_, overrides, reason, detail) => {
    const frame = JSON.stringify({ ...chunk(), ...overrides });
    const refused = rejection(decodeMessage(frame, undefined, 'agent'));
    expect(refused.reason).toBe(reason);
    expect(refused.detail).toContain(`apply.result.chunk ${detail}`);
  });

  it('refuses a chunk frame over the frame limit before parsing it', () => {
    const big = chunk({ results: [failed(1, 'm'.repeat(DEFAULT_LIMITS.maxFrameBytes))] });
    expect(rejection(decodeMessage(encodeMessage(big), undefined, 'agent'))).toEqual({
      reason: 'frame_too_large',
      detail: `the frame exceeds the limit of ${String(DEFAULT_LIMITS.maxFrameBytes)} bytes`,
    });
  });
});

describe('ApplyResultAssembler', () => {
  const three = (generation: number): ApplyResultChunkMessage[] => [
    chunk({
      generation,
      chunk: { index: 0, count: 3 },
      total: { results: 2, drift: 1 },
      results: [failed(1)],
    }),
    chunk({ generation, chunk: { index: 1, count: 3 }, total: { results: 2, drift: 1 }, results: [ok(2)] }),
    chunk({
      generation,
      chunk: { index: 2, count: 3 },
      total: { results: 2, drift: 1 },
      results: [],
      drift: [drifted(3)],
    }),
  ];

  it('hands over a result only once its last chunk has arrived, in order', () => {
    const steps = reassemble(three(7));
    expect(steps.slice(0, 2)).toEqual([
      { kind: 'staged', generation: 7, received: 1, count: 3, dropped: null },
      { kind: 'staged', generation: 7, received: 2, count: 3, dropped: null },
    ]);
    expect(steps[2]).toEqual({
      kind: 'complete',
      generation: 7,
      value: result([failed(1), ok(2)], [drifted(3)]),
      dropped: null,
    });
  });

  it('drops a partial result superseded by a whole apply.result, and ignores its late chunks', () => {
    const [c0, c1, c2] = three(7);
    const whole = result([ok(9)], [], 8);
    const steps = reassemble([c0!, whole, c1!, c2!]);
    expect(steps[1]).toEqual({ kind: 'complete', generation: 8, value: whole, dropped: 7 });
    expect(steps.slice(2)).toEqual([
      { kind: 'ignored', detail: 'chunk 1 of generation 7: generation 8 superseded it' },
      { kind: 'ignored', detail: 'chunk 2 of generation 7: generation 8 superseded it' },
    ]);
  });

  it('drops a partial result when a new chunk 0 starts, of the same generation too', () => {
    const [c0] = three(7);
    const steps = reassemble([c0!, ...three(7)]);
    expect(steps[1]).toMatchObject({ kind: 'staged', generation: 7, received: 1, dropped: 7 });
    expect(complete(steps.at(-1))).toEqual(result([failed(1), ok(2)], [drifted(3)]));
  });

  it('refuses a chunk without its chunk 0', () => {
    const [, c1] = three(7);
    expect(refusal(reassemble([c1!])[0])).toEqual({
      reason: 'unexpected_message',
      detail: 'chunk 1 of generation 7 arrived without its chunk 0',
    });
  });

  it('refuses chunks out of order, and acts on nothing of that result', () => {
    const [c0, , c2] = three(7);
    const steps = reassemble([c0!, c2!]);
    expect(refusal(steps[1])).toEqual({
      reason: 'unexpected_message',
      detail: 'chunk 2 of generation 7 arrived out of order; expected chunk 1',
    });
    expect(steps.some((s) => s.kind === 'complete')).toBe(false);
  });

  it('refuses chunks whose announcements disagree', () => {
    const [c0, c1] = three(7);
    expect(refusal(reassemble([c0!, { ...c1!, total: { results: 3, drift: 1 } }])[1])).toEqual({
      reason: 'invalid_message',
      detail:
        'chunk 1 of generation 7 announces 3 chunks, 3 results and 1 drift reports, ' +
        'its chunk 0 announced 3 chunks, 2 results and 1 drift reports',
    });
  });

  it('refuses a result whose chunks hold more, or fewer, than announced', () => {
    const [c0, c1, c2] = three(7);
    expect(refusal(reassemble([c0!, { ...c1!, results: [ok(2), ok(4)] }])[1])).toEqual({
      reason: 'invalid_message',
      detail: 'generation 7 holds more results than its total of 2',
    });
    expect(refusal(reassemble([c0!, c1!, { ...c2!, drift: [], results: [] }])[2])).toEqual({
      reason: 'invalid_message',
      detail: 'generation 7 arrived with 2 results and 0 drift reports, its chunks announced 2 and 1',
    });
  });

  it('refuses chunks on a version-1 session', () => {
    expect(refusal(reassemble(three(7), 1)[0])).toEqual({
      reason: 'unexpected_message',
      detail: 'apply.result.chunk is not part of protocol version 1',
    });
  });
});
