import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_LIMITS,
  decodeMessage,
  encodeMessage,
  maxDesiredStateChunks,
  planDesiredState,
  utf8ByteLength,
  type DecodeResult,
  type DesiredStateChunkMessage,
  type DesiredStateFrame,
  type JsonObject,
  type ProtocolLimits,
} from './index.js';

function policy(i: number, padding = 0): JsonObject {
  return {
    apiVersion: 'projectcalico.org/v3',
    kind: 'NetworkPolicy',
    metadata: {
      name: `p-${String(i)}`,
      namespace: 'shop',
      annotations: { note: 'x'.repeat(padding) },
    },
    spec: { tier: 'default', order: i, selector: `app == 'a${String(i)}'`, types: ['Ingress'] },
  };
}

function resourcesOf(frames: readonly DesiredStateFrame[]): JsonObject[] {
  return frames.flatMap((m) => m.resources);
}

function chunk(overrides: Partial<DesiredStateChunkMessage> = {}): DesiredStateChunkMessage {
  return {
    type: 'desired.state.chunk',
    generation: 4,
    chunk: { index: 0, count: 2 },
    total: 3,
    resources: [policy(1)],
    ...overrides,
  };
}

function rejection(result: DecodeResult): { reason: string; detail: string } {
  if (result.ok) throw new Error('expected the frame to be refused');
  return { reason: result.reason.name, detail: result.detail };
}

describe('planDesiredState', () => {
  it('keeps a set that fits in one frame as one desired.state, for agents of every version', () => {
    const resources = [policy(1), policy(2)];
    for (const protocolVersion of [1, 2]) {
      const plan = planDesiredState(7, resources, { protocolVersion });
      expect(plan).toEqual({
        ok: true,
        bytes: utf8ByteLength(JSON.stringify(resources)) - 2,
        messages: [{ type: 'desired.state', generation: 7, resources }],
      });
    }
    expect(planDesiredState(7, [], { protocolVersion: 2 })).toMatchObject({
      ok: true,
      messages: [{ type: 'desired.state', generation: 7, resources: [] }],
    });
  });

  it('splits a 3 MiB set into ordered chunks within the default frame limit that decode and reassemble', () => {
    const resources = Array.from({ length: 3_000 }, (_, i) => policy(i, 900));
    const plan = planDesiredState(9, resources, { protocolVersion: 2 });
    if (!plan.ok) throw new Error(plan.problem);
    expect(plan.bytes).toBeGreaterThan(3 * 1024 * 1024);
    expect(plan.messages.length).toBeGreaterThanOrEqual(3);
    plan.messages.forEach((message, index) => {
      expect(message).toMatchObject({
        type: 'desired.state.chunk',
        generation: 9,
        chunk: { index, count: plan.messages.length },
        total: 3_000,
      });
      const frame = encodeMessage(message);
      expect(utf8ByteLength(frame)).toBeLessThanOrEqual(DEFAULT_LIMITS.maxFrameBytes);
      expect(decodeMessage(frame, DEFAULT_LIMITS, 'gateway')).toEqual({ ok: true, message });
    });
    expect(resourcesOf(plan.messages)).toEqual(resources);
  });

  it('fills frames up to the limit for any sizes, never splitting a resource', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 900 }), { minLength: 1, maxLength: 60 }),
        fc.integer({ min: 1_500, max: 6_000 }),
        (paddings, maxFrameBytes) => {
          const limits: ProtocolLimits = { ...DEFAULT_LIMITS, maxFrameBytes };
          const resources = paddings.map((padding, i) => policy(i, padding));
          const plan = planDesiredState(3, resources, { protocolVersion: 2, limits });
          if (!plan.ok) throw new Error(plan.problem);
          for (const message of plan.messages) {
            expect(utf8ByteLength(encodeMessage(message))).toBeLessThanOrEqual(maxFrameBytes);
            expect(decodeMessage(encodeMessage(message), limits).ok).toBe(true);
          }
          expect(resourcesOf(plan.messages)).toEqual(resources);
        },
      ),
      { numRuns: 80 },
    );
  });

  it('refuses a set over the byte limit, naming its size and the limit', () => {
    const limits: ProtocolLimits = { ...DEFAULT_LIMITS, maxFrameBytes: 4_096, maxDesiredStateBytes: 16_384 };
    const plan = planDesiredState(
      2,
      Array.from({ length: 40 }, (_, i) => policy(i, 500)),
      {
        protocolVersion: 2,
        limits,
      },
    );
    expect(plan.ok).toBe(false);
    expect(!plan.ok && plan.problem).toMatch(
      /^the desired set encodes to \d+ bytes, more than the limit of 16384 bytes per cluster$/,
    );
  });

  it('refuses the default limit of 64 MiB', () => {
    // 70 resources of about 1 MB: each fits a frame, together they exceed 64 MiB.
    const resources = Array.from({ length: 70 }, (_, i) => policy(i, 1_000_000));
    const plan = planDesiredState(2, resources, { protocolVersion: 2 });
    expect(plan.ok).toBe(false);
    expect(!plan.ok && plan.problem).toBe(
      'the desired set encodes to 66.8 MiB, more than the limit of 64 MiB per cluster',
    );
  });

  it('refuses more resources than a generation may hold', () => {
    const limits: ProtocolLimits = { ...DEFAULT_LIMITS, maxResourcesPerGeneration: 3 };
    const plan = planDesiredState(2, [policy(1), policy(2), policy(3), policy(4)], {
      protocolVersion: 2,
      limits,
    });
    expect(!plan.ok && plan.problem).toBe(
      'the desired set has 4 resources, more than the limit of 3 per cluster',
    );
  });

  it('carries any set within the byte limit, however badly its resources pack', () => {
    // Resources just over half a frame: one per chunk, the worst case of packing.
    const resources = Array.from({ length: 100 }, (_, i) => policy(i, 600_000));
    const plan = planDesiredState(2, resources, { protocolVersion: 2 });
    if (!plan.ok) throw new Error(plan.problem);
    expect(plan.bytes).toBeGreaterThan(57 * 1024 * 1024);
    expect(plan.messages).toHaveLength(100);
    expect(maxDesiredStateChunks(DEFAULT_LIMITS)).toBe(129);
  });

  it('refuses a set that needs more chunks than the limit allows (frames barely larger than their envelope)', () => {
    const limits: ProtocolLimits = { ...DEFAULT_LIMITS, maxFrameBytes: 400, maxDesiredStateBytes: 4_000 };
    expect(maxDesiredStateChunks(limits)).toBe(21);
    const tiny = (i: number): JsonObject => ({
      kind: 'NetworkPolicy',
      metadata: { name: `p-${String(i)}` },
      pad: 'x'.repeat(90),
    });
    const plan = planDesiredState(
      2,
      Array.from({ length: 25 }, (_, i) => tiny(i)),
      { protocolVersion: 2, limits },
    );
    expect(!plan.ok && plan.problem).toMatch(/needs 25 frames, more than the limit of 21 per cluster$/);
  });

  it('refuses one resource larger than a frame, naming it', () => {
    const limits: ProtocolLimits = { ...DEFAULT_LIMITS, maxFrameBytes: 2_000 };
    const plan = planDesiredState(2, [policy(1), policy(2, 3_000)], { protocolVersion: 2, limits });
    expect(!plan.ok && plan.problem).toMatch(
      /^NetworkPolicy shop\/p-2 encodes to \d+ bytes, more than one frame of 2000 bytes holds$/,
    );
  });

  it('refuses to chunk for an agent that speaks only protocol version 1', () => {
    const limits: ProtocolLimits = { ...DEFAULT_LIMITS, maxFrameBytes: 4_096 };
    const resources = Array.from({ length: 10 }, (_, i) => policy(i, 500));
    const plan = planDesiredState(2, resources, { protocolVersion: 1, limits });
    expect(!plan.ok && plan.problem).toMatch(
      /more than one frame of 4096 bytes, and the agent speaks protocol version 1, which cannot receive it in chunks; upgrade the agent$/,
    );
    expect(planDesiredState(2, resources, { protocolVersion: 2, limits }).ok).toBe(true);
  });
});

describe('desired.state.chunk on the wire', () => {
  it('round-trips', () => {
    const message = chunk();
    expect(decodeMessage(encodeMessage(message), undefined, 'gateway')).toEqual({ ok: true, message });
  });

  it('is sent by the gateway only', () => {
    expect(rejection(decodeMessage(encodeMessage(chunk()), undefined, 'agent'))).toEqual({
      reason: 'unexpected_message',
      detail: 'desired.state.chunk is not sent by the agent',
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
      'negative index',
      { chunk: { index: -1, count: 2 } },
      'invalid_message',
      'chunk.index: must be an integer from 0',
    ],
    [
      'zero count',
      { chunk: { index: 0, count: 0 } },
      'invalid_message',
      'chunk.count: must be an integer from 1',
    ],
    ['zero total', { total: 0 }, 'invalid_message', 'total: must be an integer from 1'],
    ['an empty chunk', { resources: [] }, 'invalid_message', 'resources: must hold at least one resource'],
    [
      'more chunks than resources',
      { chunk: { index: 0, count: 4 } },
      'invalid_message',
      'chunk.count: must not exceed total',
    ],
    [
      'more resources than total',
      { total: 2, chunk: { index: 0, count: 1 }, resources: [policy(1), policy(2), policy(3)] },
      'invalid_message',
      'resources: holds more resources than total',
    ],
    [
      'a resource that is not an object',
      { resources: ['NetworkPolicy'] },
      'invalid_message',
      'resources[0]: expected an object, got string',
    ],
    ['an unknown field', { hash: 'abc' }, 'invalid_message', 'hash: is not a known field'],
    ['a missing field', { total: undefined }, 'invalid_message', 'total: is required'],
    [
      'more chunks than a set may take',
      { chunk: { index: 0, count: 130 }, total: 200 },
      'limit_exceeded',
      'chunk.count: 130 chunks exceed the limit of 129',
    ],
    [
      'more resources than a generation may hold',
      { total: 5_001 },
      'limit_exceeded',
      'total: 5001 resources exceed the limit of 5000',
    ],
  ])('refuses %s', (_, overrides, reason, detail) => {
    const frame = JSON.stringify({ ...chunk(), ...overrides });
    const refused = rejection(decodeMessage(frame, undefined, 'gateway'));
    expect(refused.reason).toBe(reason);
    expect(refused.detail).toContain(`desired.state.chunk ${detail}`);
  });

  it('refuses a chunk frame over the frame limit before parsing it', () => {
    const big = chunk({ resources: [policy(1, DEFAULT_LIMITS.maxFrameBytes)] });
    expect(rejection(decodeMessage(encodeMessage(big)))).toEqual({
      reason: 'frame_too_large',
      detail: `the frame exceeds the limit of ${String(DEFAULT_LIMITS.maxFrameBytes)} bytes`,
    });
  });
});
