// Property and fuzz tests of the codec: it never throws and never reports its own failure
// (`internal_error`) on any input, and a valid message survives encode → decode unchanged.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  AGENT_MESSAGE_TYPES,
  GATEWAY_MESSAGE_TYPES,
  decodeMessage,
  encodeMessage,
  type DecodeResult,
  type Peer,
} from '../src/index.js';
import { MESSAGE_ARBITRARIES, anyMessage, jsonValue } from './arbitraries.js';

const TYPES = [...new Set([...AGENT_MESSAGE_TYPES, ...GATEWAY_MESSAGE_TYPES])];
const peer = fc.constantFrom<Peer | undefined>(undefined, 'agent', 'gateway');
const encoder = new TextEncoder();

function decodeSafely(data: string | Uint8Array, from?: Peer): DecodeResult {
  let result: DecodeResult | undefined;
  expect(() => {
    result = from === undefined ? decodeMessage(data) : decodeMessage(data, undefined, from);
  }).not.toThrow();
  if (result === undefined) throw new Error('unreachable');
  if (!result.ok) {
    expect(result.reason.name).not.toBe('internal_error');
    expect(typeof result.detail).toBe('string');
  }
  return result;
}

/**
 * A decoded message re-encodes to a frame that decodes to the same frame again. Compared as frames,
 * because opaque JSON may hold a -0 (`-1e-400` parses to it), which JSON writes as 0.
 */
function expectStable(result: DecodeResult): void {
  if (!result.ok) return;
  const frame = encodeMessage(result.message);
  const again = decodeMessage(frame);
  expect(again.ok).toBe(true);
  if (again.ok) expect(encodeMessage(again.message)).toBe(frame);
}

describe('decodeMessage never throws', () => {
  it('on arbitrary strings', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), peer, (text, from) => {
        expectStable(decodeSafely(text, from));
      }),
      { numRuns: 2_000 },
    );
  });

  it('on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), peer, (bytes, from) => {
        expectStable(decodeSafely(bytes, from));
      }),
      { numRuns: 2_000 },
    );
  });

  it('on arbitrary JSON values', () => {
    fc.assert(
      fc.property(fc.jsonValue(), peer, (value, from) => {
        expectStable(decodeSafely(JSON.stringify(value), from));
      }),
      { numRuns: 1_000 },
    );
  });

  it('on objects of a known type with arbitrary fields', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...TYPES),
        fc.dictionary(fc.string({ maxLength: 16 }), fc.jsonValue({ maxDepth: 3 })),
        peer,
        (type, fields, from) => {
          expectStable(decodeSafely(JSON.stringify({ ...fields, type }), from));
        },
      ),
      { numRuns: 1_000 },
    );
  });
});

describe('encode → decode', () => {
  it.each(TYPES)('is the identity for generated %s messages, as text and as bytes', (type) => {
    fc.assert(
      fc.property(MESSAGE_ARBITRARIES[type], (message) => {
        const frame = encodeMessage(message);
        expect(decodeMessage(frame)).toEqual({ ok: true, message });
        expect(decodeMessage(encoder.encode(frame))).toEqual({ ok: true, message });
      }),
      { numRuns: 150 },
    );
  });
});

type Container = Record<string, unknown> | unknown[];

function slots(value: unknown, out: [Container, string | number][] = []): [Container, string | number][] {
  if (Array.isArray(value)) {
    value.forEach((item, i) => {
      out.push([value, i]);
      slots(item, out);
    });
  } else if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      out.push([value as Record<string, unknown>, key]);
      slots(item, out);
    }
  }
  return out;
}

const MUTATIONS = ['replace', 'delete', 'add-field', 'wrap', 'stringify', 'negate', 'huge'] as const;

function mutate(
  message: unknown,
  pick: number,
  kind: (typeof MUTATIONS)[number],
  replacement: unknown,
  key: string,
): unknown {
  const copy = JSON.parse(JSON.stringify(message)) as unknown;
  const all = slots(copy);
  const slot = all[pick % Math.max(all.length, 1)];
  if (slot === undefined) return copy;
  const [container, at] = slot;
  const target = container as Record<string | number, unknown>;
  const current = target[at];
  switch (kind) {
    case 'replace':
      target[at] = replacement;
      break;
    case 'delete':
      if (Array.isArray(container)) container.splice(at as number, 1);
      else delete target[at];
      break;
    case 'add-field':
      if (typeof current === 'object' && current !== null && !Array.isArray(current)) {
        (current as Record<string, unknown>)[key] = replacement;
      } else target[at] = { [key]: current };
      break;
    case 'wrap':
      target[at] = [current];
      break;
    case 'stringify':
      target[at] = JSON.stringify(current);
      break;
    case 'negate':
      target[at] =
        typeof current === 'number' ? -current - 1 : typeof current === 'boolean' ? !current : null;
      break;
    case 'huge':
      target[at] = typeof current === 'string' ? current.repeat(300) : Number.MAX_SAFE_INTEGER + 2;
      break;
  }
  return copy;
}

describe('mutated valid frames', () => {
  it('are decoded or rejected with a reason, never a crash', () => {
    fc.assert(
      fc.property(
        anyMessage,
        fc.nat(),
        fc.constantFrom(...MUTATIONS),
        jsonValue,
        fc.string({ maxLength: 12 }),
        peer,
        (message, pick, kind, replacement, key, from) => {
          const mutated = mutate(message, pick, kind, replacement, key);
          expectStable(decodeSafely(JSON.stringify(mutated), from));
        },
      ),
      { numRuns: 3_000 },
    );
  });

  it('survive byte-level damage: cuts, insertions and flipped bits', () => {
    fc.assert(
      fc.property(
        anyMessage,
        fc.array(fc.tuple(fc.nat(), fc.nat(), fc.integer({ min: 0, max: 7 })), {
          minLength: 1,
          maxLength: 4,
        }),
        fc.constantFrom('cut', 'insert', 'flip'),
        (message, edits, kind) => {
          const bytes = [...encoder.encode(encodeMessage(message))];
          for (const [position, value, bit] of edits) {
            const at = position % (bytes.length + 1);
            if (kind === 'cut') bytes.splice(at, (value % 8) + 1);
            else if (kind === 'insert') bytes.splice(at, 0, value % 256);
            else if (at < bytes.length) bytes[at] = (bytes[at] ?? 0) ^ (1 << bit);
          }
          expectStable(decodeSafely(Uint8Array.from(bytes)));
        },
      ),
      { numRuns: 3_000 },
    );
  });
});
