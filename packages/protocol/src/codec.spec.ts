import { describe, expect, it } from 'vitest';
import { FAILED_RESPONSE, SAMPLES, sample } from '../test/sample-messages.js';
import {
  AGENT_MESSAGE_TYPES,
  CLOSE_REASONS,
  DEFAULT_LIMITS,
  GATEWAY_MESSAGE_TYPES,
  PROTOCOL_VERSION,
  decodeMessage,
  encodeMessage,
  validateMessage,
  type CloseReasonName,
  type DecodeResult,
  type MessageType,
  type ProtocolLimits,
  type TunnelMessage,
} from './index.js';

const ALL_SAMPLES: TunnelMessage[] = [...Object.values(SAMPLES), FAILED_RESPONSE];

function rejection(result: DecodeResult): { reason: CloseReasonName; detail: string } {
  if (result.ok) throw new Error(`expected a rejection, got ${result.message.type}`);
  return { reason: result.reason.name, detail: result.detail };
}

function decodeValue(value: unknown, limits?: ProtocolLimits): DecodeResult {
  return decodeMessage(JSON.stringify(value), limits);
}

describe('round trip', () => {
  it.each(ALL_SAMPLES.map((m) => [m.type, m] as const))(
    '%s survives encode → decode unchanged',
    (_, message) => {
      const decoded = decodeMessage(encodeMessage(message));
      expect(decoded).toEqual({ ok: true, message });
    },
  );

  it('decodes UTF-8 bytes as well as strings', () => {
    const message = sample('error');
    message.message = 'Überlast — ☃ 𝄞';
    const bytes = new TextEncoder().encode(encodeMessage(message));
    expect(decodeMessage(bytes)).toEqual({ ok: true, message });
  });

  it('has a sample for every message type', () => {
    const types = new Set<MessageType>([...AGENT_MESSAGE_TYPES, ...GATEWAY_MESSAGE_TYPES]);
    expect([...types].sort()).toEqual(Object.keys(SAMPLES).sort());
  });
});

describe('direction', () => {
  it('accepts from each peer exactly the messages that peer sends', () => {
    for (const message of ALL_SAMPLES) {
      const frame = encodeMessage(message);
      const fromAgent = (AGENT_MESSAGE_TYPES as readonly string[]).includes(message.type);
      const fromGateway = (GATEWAY_MESSAGE_TYPES as readonly string[]).includes(message.type);
      expect(decodeMessage(frame, DEFAULT_LIMITS, 'agent').ok).toBe(fromAgent);
      expect(decodeMessage(frame, DEFAULT_LIMITS, 'gateway').ok).toBe(fromGateway);
    }
  });

  it('rejects a welcome sent by an agent as unexpected', () => {
    const result = decodeMessage(encodeMessage(SAMPLES.welcome), undefined, 'agent');
    expect(rejection(result)).toEqual({
      reason: 'unexpected_message',
      detail: 'welcome is not sent by the agent',
    });
  });
});

describe('frame size', () => {
  const limits: ProtocolLimits = { ...DEFAULT_LIMITS, maxFrameBytes: 64 };
  const heartbeat = encodeMessage({ type: 'heartbeat', sentAtMs: 1 });

  it('accepts a frame of exactly the limit', () => {
    const padded = heartbeat.padEnd(64, ' ');
    expect(decodeMessage(padded, limits).ok).toBe(true);
    expect(decodeMessage(new TextEncoder().encode(padded), limits).ok).toBe(true);
  });

  it('rejects a string one byte over the limit before parsing it', () => {
    expect(rejection(decodeMessage('x'.repeat(65), limits)).reason).toBe('frame_too_large');
  });

  it('counts bytes, not UTF-16 units', () => {
    const frame = `${heartbeat.slice(0, -1)},"x":"${'€'.repeat(10)}"}`;
    expect(frame.length).toBeLessThanOrEqual(64);
    expect(rejection(decodeMessage(frame, limits)).reason).toBe('frame_too_large');
  });

  it('rejects oversized bytes', () => {
    expect(rejection(decodeMessage(new Uint8Array(65), limits)).reason).toBe('frame_too_large');
  });
});

describe('malformed frames', () => {
  it.each([
    ['not JSON', 'hello there', 'malformed_frame'],
    ['empty', '', 'malformed_frame'],
    ['truncated', '{"type":"heartbeat","sentAtMs":1', 'malformed_frame'],
    ['an array', '[{"type":"heartbeat","sentAtMs":1}]', 'malformed_frame'],
    ['null', 'null', 'malformed_frame'],
    ['a number', '42', 'malformed_frame'],
    ['a string', '"hello"', 'malformed_frame'],
    ['no type', '{"sentAtMs":1}', 'malformed_frame'],
    ['a numeric type', '{"type":7}', 'malformed_frame'],
    ['an unknown type', '{"type":"nope"}', 'unknown_message_type'],
    ['a prototype key as type', '{"type":"__proto__"}', 'unknown_message_type'],
    ['an inherited name as type', '{"type":"constructor"}', 'unknown_message_type'],
    ['a type of another case', '{"type":"Heartbeat","sentAtMs":1}', 'unknown_message_type'],
  ] as const)('%s → %s', (_, frame, reason) => {
    expect(rejection(decodeMessage(frame)).reason).toBe(reason);
  });

  it('rejects invalid UTF-8', () => {
    const bytes = new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]);
    expect(rejection(decodeMessage(bytes))).toEqual({ reason: 'malformed_frame', detail: 'not valid UTF-8' });
  });

  it('never quotes the frame when JSON parsing fails', () => {
    const frame = encodeMessage(SAMPLES.hello).replace('"auth"', 'auth');
    const { reason, detail } = rejection(decodeMessage(frame));
    expect(reason).toBe('malformed_frame');
    expect(detail).toMatch(/^not valid JSON/);
    expect(detail).not.toContain('pal_enr');
  });

  it('survives pathological nesting', () => {
    const deep = `{"type":"request","id":"a","method":"m","timeoutMs":1,"params":${'['.repeat(200_000)}${']'.repeat(200_000)}}`;
    expect(() => decodeMessage(deep, { ...DEFAULT_LIMITS, maxFrameBytes: 1e6 })).not.toThrow();
    expect(['limit_exceeded', 'malformed_frame']).toContain(rejection(decodeMessage(deep)).reason);
  });

  it.each([undefined, null, 42, {}, [], new ArrayBuffer(4)])(
    'returns malformed_frame for a %s data argument',
    (data) => {
      expect(rejection(decodeMessage(data as string)).reason).toBe('malformed_frame');
    },
  );
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the tests reach into messages by path to break them
type Loose = Record<string, any>;
type Mutation = (m: Loose) => unknown;

describe('invalid messages name the field', () => {
  const cases: [string, MessageType, Mutation, CloseReasonName, string][] = [
    [
      'missing field',
      'hello',
      (m) => delete m.agentVersion,
      'invalid_message',
      'hello agentVersion: is required',
    ],
    [
      'unknown field',
      'heartbeat',
      (m) => (m.extra = 1),
      'invalid_message',
      'heartbeat extra: is not a known field',
    ],
    [
      '__proto__ field',
      'flow.ack',
      (m) => Object.defineProperty(m, '__proto__', { value: 1, enumerable: true }),
      'invalid_message',
      'flow.ack __proto__: is not a known field',
    ],
    [
      'wrong type',
      'heartbeat',
      (m) => (m.sentAtMs = '1'),
      'invalid_message',
      'heartbeat sentAtMs: expected a number, got string',
    ],
    [
      'fraction',
      'heartbeat',
      (m) => (m.sentAtMs = 1.5),
      'invalid_message',
      'heartbeat sentAtMs: must be an integer',
    ],
    [
      'negative',
      'flow.ack',
      (m) => (m.sequence = 0),
      'invalid_message',
      'flow.ack sequence: must be an integer from 1',
    ],
    [
      'bad auth kind',
      'hello',
      (m) => (m.auth.kind = 'password'),
      'invalid_message',
      'hello auth.kind: must be one of credential, enrollment',
    ],
    [
      'short token',
      'hello',
      (m) => (m.auth.token = 'short'),
      'invalid_message',
      'hello auth.token: must be a token of 16 to 512',
    ],
    [
      'inverted range',
      'hello',
      (m) => (m.protocol = { min: 2, max: 1 }),
      'invalid_message',
      'hello protocol.min: must not be greater than max',
    ],
    [
      'fractional version',
      'hello',
      (m) => (m.protocol = { min: 0.5, max: 1 }),
      'invalid_message',
      'hello protocol.min: must be an integer',
    ],
    [
      'future version',
      'hello',
      (m) => (m.protocol = { min: 7, max: 9 }),
      'unsupported_version',
      'agent speaks [7, 9]',
    ],
    [
      'unknown provider',
      'hello',
      (m) => (m.cluster.provider = 'openshift'),
      'invalid_message',
      'hello cluster.provider: must be one of "kubernetes", "simulated"',
    ],
    [
      'bad IP',
      'inventory.snapshot',
      (m) => (m.items.endpoints[0].ips[1] = '10.0.0.256'),
      'invalid_message',
      'inventory.snapshot items.endpoints[0].ips[1]: must be an IPv4 or IPv6 address',
    ],
    [
      'bad label key',
      'inventory.snapshot',
      (m) => (m.items.endpoints[0].labels['-bad'] = 'x'),
      'invalid_message',
      'inventory.snapshot items.endpoints[0].labels["-bad"]: must be a label key',
    ],
    [
      'bad label value',
      'inventory.snapshot',
      (m) => (m.items.namespaces[0].labels.team = 'a b'),
      'invalid_message',
      'inventory.snapshot items.namespaces[0].labels.team: must be a label value',
    ],
    [
      'non-string label',
      'inventory.snapshot',
      (m) => (m.items.namespaces[0].labels.team = 1),
      'invalid_message',
      'labels.team: expected a string, got number',
    ],
    [
      'uppercase namespace',
      'inventory.snapshot',
      (m) => (m.items.namespaces[0].name = 'Shop'),
      'invalid_message',
      'items.namespaces[0].name: must be a DNS-1123 label',
    ],
    [
      'chunk past the end',
      'inventory.snapshot',
      (m) => (m.chunk = { index: 1, count: 1 }),
      'invalid_message',
      'inventory.snapshot chunk.index: must be less than chunk.count',
    ],
    [
      'port zero',
      'inventory.snapshot',
      (m) => (m.items.endpoints[0].ports[0].port = 0),
      'invalid_message',
      'items.endpoints[0].ports[0].port: must be an integer from 1 to 65535',
    ],
    [
      'bad target port',
      'inventory.snapshot',
      (m) => (m.items.services[0].ports[0].targetPort = 'HTTP!'),
      'invalid_message',
      'items.services[0].ports[0].targetPort: must be a port name',
    ],
    [
      'target port of neither kind',
      'inventory.snapshot',
      (m) => (m.items.services[0].ports[0].targetPort = true),
      'invalid_message',
      'items.services[0].ports[0].targetPort: must be a port number or a port name',
    ],
    [
      'dead-peer timeout within one heartbeat',
      'welcome',
      (m) => {
        m.deadPeerTimeoutMs = m.heartbeatIntervalMs;
      },
      'invalid_message',
      'welcome deadPeerTimeoutMs: must be longer than heartbeatIntervalMs',
    ],
    [
      'array expected',
      'inventory.delta',
      (m) => (m.deletes.namespaces = 'old-team'),
      'invalid_message',
      'inventory.delta deletes.namespaces: expected an array, got string',
    ],
    [
      'desired resource not an object',
      'desired.state',
      (m) => (m.resources[0] = [1]),
      'invalid_message',
      'desired.state resources[0]: expected an object, got array',
    ],
    [
      '__proto__ in a resource',
      'desired.state',
      (m) => {
        m.resources[0] = JSON.parse('{"__proto__":{"admin":true}}');
      },
      'invalid_message',
      'resources[0].__proto__: is not an allowed key',
    ],
    [
      'failed result without message',
      'apply.result',
      (m) => delete m.results[1].message,
      'invalid_message',
      'apply.result results[1].message: is required',
    ],
    [
      'unknown status',
      'apply.result',
      (m) => (m.results[0].status = 'pending'),
      'invalid_message',
      'results[0].status: must be one of ok, failed',
    ],
    [
      'a record that is not an object',
      'flow.batch',
      (m) => (m.records[0] = 'a flow'),
      'invalid_message',
      'flow.batch records[0]: expected an object',
    ],
    [
      'bad method',
      'request',
      (m) => (m.method = 'Agent Health'),
      'invalid_message',
      'request method: must be a method name',
    ],
    [
      'zero timeout',
      'request',
      (m) => (m.timeoutMs = 0),
      'invalid_message',
      'request timeoutMs: must be an integer from 1',
    ],
    ['ok as a string', 'response', (m) => (m.ok = 'true'), 'invalid_message', 'response ok: must be true'],
    [
      'result and error',
      'response',
      (m) => (m.error = { code: 'internal', message: 'x' }),
      'invalid_message',
      'response error: is not a known field',
    ],
    [
      'unknown error code',
      'error',
      (m) => (m.code = 'oops'),
      'invalid_message',
      'error code: must be one of',
    ],
    [
      'unknown close reason',
      'close',
      (m) => (m.reason = 'bored'),
      'invalid_message',
      'close reason: must be one of',
    ],
  ];

  it.each(cases)('%s', (_, type, mutate, reason, detail) => {
    const message = sample(type) as unknown as Loose;
    mutate(message);
    const result = rejection(decodeValue(message));
    expect(result.reason).toBe(reason);
    expect(result.detail).toContain(detail);
  });

  it('answers a future agent with unsupported_version even when its hello has grown', () => {
    const [min, max] = [PROTOCOL_VERSION + 1, PROTOCOL_VERSION + 2];
    const message = { ...sample('hello'), protocol: { min, max }, capabilities: ['zstd'] };
    expect(rejection(decodeValue(message))).toEqual({
      reason: 'unsupported_version',
      detail: `agent speaks [${String(min)}, ${String(max)}], server speaks [1, ${String(PROTOCOL_VERSION)}]`,
    });
  });

  it('never quotes a rejected credential', () => {
    const message = sample('hello') as unknown as Loose;
    message.auth = { kind: 'credential', credential: 'pal_cc_secret value with spaces' };
    const { detail } = rejection(decodeValue(message));
    expect(detail).toBe('hello auth.credential: must be a token of 16 to 512 printable ASCII characters');
  });

  it('refuses -0 for an integer, so each message has one encoding', () => {
    expect(rejection(decodeMessage('{"type":"heartbeat","sentAtMs":-0}')).detail).toBe(
      'heartbeat sentAtMs: must be an integer from 0 to 8640000000000000',
    );
  });

  it('refuses a non-finite number smuggled in as 1e400', () => {
    const frame = encodeMessage(SAMPLES.request).replace('"verbose":true', '"verbose":1e400');
    expect(rejection(decodeMessage(frame))).toEqual({
      reason: 'invalid_message',
      detail: 'request params.verbose: must be a finite number',
    });
  });
});

describe('limits', () => {
  const tight: ProtocolLimits = {
    ...DEFAULT_LIMITS,
    maxInventoryItemsPerFrame: 3,
    maxFlowsPerBatch: 2,
    maxLabelsPerObject: 3,
    maxTextLength: 10,
    maxJsonDepth: 3,
    maxIpsPerEndpoint: 2,
  };

  it.each<[string, MessageType, Mutation, string]>([
    [
      'too many flows',
      'flow.batch',
      (m) => {
        m.records = [m.records[0], m.records[0], m.records[0]];
      },
      'flow.batch records: 3 items exceed the limit of 2',
    ],
    [
      'too many items in one list',
      'inventory.delta',
      (m) => (m.deletes.namespaces = ['a', 'b', 'c', 'd']),
      'inventory.delta deletes.namespaces: 4 items exceed the limit of 3',
    ],
    [
      'too many items across lists',
      'inventory.delta',
      (m) => (m.deletes.namespaces = ['a', 'b']),
      'inventory.delta 4 inventory items exceed the limit of 3',
    ],
    [
      'too many labels',
      'inventory.snapshot',
      (m) => {
        m.items = { ...m.items, endpoints: [], services: [] };
      },
      'inventory.snapshot items.namespaces[0].labels: more than 3 entries',
    ],
    [
      'too many IPs',
      'inventory.delta',
      (m) => {
        m.upserts.endpoints[0].ips.push('10.0.0.1');
      },
      'inventory.delta upserts.endpoints[0].ips: 3 items exceed the limit of 2',
    ],
    [
      'text too long',
      'error',
      (m) => (m.message = 'x'.repeat(11)),
      'error message: 11 characters exceed the limit of 10',
    ],
    [
      'JSON too deep',
      'request',
      (m) => (m.params = { a: { b: { c: { d: 1 } } } }),
      'request params.a.b.c: nesting exceeds 3 levels',
    ],
  ])('%s → limit_exceeded', (_, type, mutate, detail) => {
    const message = sample(type) as unknown as Loose;
    if (type === 'inventory.snapshot')
      message.items.namespaces[0].labels = { a: '1', b: '2', c: '3', d: '4' };
    mutate(message);
    expect(rejection(decodeValue(message, tight))).toEqual({ reason: 'limit_exceeded', detail });
  });
});

describe('validateMessage', () => {
  it('accepts every sample as a value', () => {
    for (const message of ALL_SAMPLES) expect(validateMessage(message).ok).toBe(true);
  });

  it('rejects values JSON cannot carry', () => {
    const message = { ...SAMPLES.request, params: { when: new Date(0) } };
    expect(rejection(validateMessage(message)).detail).toBe(
      'request params.when: expected a JSON value, got object',
    );
  });

  it('maps a close reason name back to its code', () => {
    const result = validateMessage(SAMPLES.close);
    expect(result.ok && result.message.type === 'close' && result.message.reason).toBe(
      CLOSE_REASONS.SUPERSEDED.name,
    );
  });
});
