// Bad input costs the sender its own connection, with the protocol's reason code, and nothing
// more: a healthy tunnel on the same gateway keeps its heartbeats and answers throughout, and
// after a fuzzing run the gateway still welcomes new agents.
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeMessage, type TunnelMessage } from '@palisade/protocol';
import type { RunningGateway } from '../src/gateway.js';
import { GatewayHarness, type EnrolledCluster } from './support/harness.js';
import { TestTunnelClient, connectAgent, helloMessage } from './support/tunnel-client.js';

let h: GatewayHarness;
let gateway: RunningGateway;
let url: string;
let healthy: TestTunnelClient;

beforeAll(async () => {
  h = await GatewayHarness.start();
  gateway = await h.gateway({ tuning: { messagesPerSecond: 50, messageBurst: 100 } });
  url = h.url(gateway);
  const cluster = await h.enrolledCluster();
  healthy = (await connectAgent(url, { kind: 'credential', credential: cluster.credential })).client;
});
afterAll(async () => h.stop());

async function expectHealthyStillServed(): Promise<void> {
  expect(healthy.isClosed).toBe(false);
  await healthy.next('heartbeat');
  healthy.send({
    type: 'request',
    id: `probe-${randomBytes(3).toString('hex')}`,
    method: 'ping',
    params: null,
    timeoutMs: 1000,
  });
  expect(await healthy.next('response')).toMatchObject({ ok: false, error: { code: 'method_not_found' } });
}

async function openTunnel(): Promise<{ client: TestTunnelClient; cluster: EnrolledCluster }> {
  const cluster = await h.enrolledCluster();
  const { client } = await connectAgent(url, { kind: 'credential', credential: cluster.credential });
  return { client, cluster };
}

describe('bad frames close only their own connection', () => {
  const cases: [string, (c: TestTunnelClient) => void, string][] = [
    ['not JSON', (c) => c.sendRaw('{"type": "heartbeat",'), 'malformed_frame'],
    ['not an object', (c) => c.sendRaw('[1,2,3]'), 'malformed_frame'],
    ['invalid UTF-8', (c) => c.sendRaw(Buffer.from([0x7b, 0xff, 0xfe, 0x7d])), 'malformed_frame'],
    [
      'a binary frame',
      (c) => c.sendRaw(Buffer.from(encodeMessage({ type: 'heartbeat', sentAtMs: 1 })), true),
      'malformed_frame',
    ],
    ['an unknown type', (c) => c.sendRaw('{"type":"teleport","to":"mars"}'), 'unknown_message_type'],
    ['a gateway-only type', (c) => c.send({ type: 'flow.ack', sequence: 1 }), 'unexpected_message'],
    ['a missing field', (c) => c.sendRaw('{"type":"heartbeat"}'), 'invalid_message'],
    [
      'a second hello',
      (c) => c.send(helloMessage({ kind: 'credential', credential: `pcc_${'x'.repeat(40)}` })),
      'unexpected_message',
    ],
    [
      'an oversized frame',
      (c) => c.sendRaw(`{"type":"heartbeat","pad":"${'x'.repeat(1024 * 1024)}"}`),
      'frame_too_large',
    ],
  ];

  it.each(cases)('%s', async (_name, send, reason) => {
    const { client } = await openTunnel();
    send(client);
    const closed = await client.closed;
    expect(closed.reason).toBe(reason);
    expect(closed.message?.reason).toBe(reason);
    await expectHealthyStillServed();
  });

  it('a frame over the hard payload cap is cut off by ws (1009) without disturbing others', async () => {
    const { client } = await openTunnel();
    client.sendRaw('x'.repeat(2 * 1024 * 1024 + 10));
    expect((await client.closed).code).toBe(1009);
    await expectHealthyStillServed();
  });

  it('bad frames before the hello close with their reason too', async () => {
    const client = await TestTunnelClient.connect(url);
    client.sendRaw('garbage');
    expect((await client.closed).reason).toBe('malformed_frame');
  });
});

describe('floods', () => {
  it('closes a flooding agent with rate_limited and keeps serving the others', async () => {
    const { client } = await openTunnel();
    for (let i = 0; i < 1_000 && !client.isClosed; i++) client.send({ type: 'heartbeat', sentAtMs: i });
    const closed = await client.closed;
    expect(closed.reason).toBe('rate_limited');
    expect(closed.message?.retryAfterMs).toBeGreaterThan(0);
    await expectHealthyStillServed();
  });
});

describe('fuzz', () => {
  const valid: TunnelMessage[] = [
    { type: 'heartbeat', sentAtMs: 1 },
    {
      type: 'inventory.delta',
      revision: 1,
      sequence: 1,
      upserts: { namespaces: [{ name: 'a', labels: {} }], endpoints: [], serviceAccounts: [], services: [] },
      deletes: { namespaces: [], endpoints: [], serviceAccounts: [], services: [] },
    },
    { type: 'response', id: 'g1', ok: true, result: { a: [1, 'x', null] } },
    { type: 'credential.rotated', rotationId: 'r', persisted: true, message: null },
  ];
  const mutate = (text: string, at: number, byte: number, cut: number): Buffer => {
    const bytes = Buffer.from(text);
    if (bytes.length === 0) return bytes;
    bytes[at % bytes.length] = byte;
    return bytes.subarray(0, Math.max(1, bytes.length - (cut % 4 === 0 ? at % bytes.length : 0)));
  };

  it('survives random and mutated frames from many connections and still welcomes agents', async () => {
    const frame = fc.oneof(
      fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a)),
      fc.string({ maxLength: 300 }).map((s) => Buffer.from(s)),
      fc.json().map((j) => Buffer.from(j)),
      fc
        .tuple(fc.constantFrom(...valid), fc.nat(), fc.integer({ min: 0, max: 255 }), fc.nat())
        .map(([m, at, byte, cut]) => mutate(encodeMessage(m), at, byte, cut)),
      fc.object().map((o) => Buffer.from(JSON.stringify({ type: 'hello', ...o }))),
    );
    const batches = fc.sample(fc.array(frame, { minLength: 1, maxLength: 8 }), 120);
    let index = 0;
    const workers = Array.from({ length: 6 }, async () => {
      while (index < batches.length) {
        const batch = batches[index++]!;
        const { client } = await openTunnel();
        for (const bytes of batch) {
          if (client.isClosed) break;
          client.sendRaw(bytes, index % 5 === 0);
        }
        await Promise.race([client.closed, new Promise((resolve) => setTimeout(resolve, 100))]);
        client.destroy();
      }
    });
    await Promise.all(workers);
    await expectHealthyStillServed();
    const { client } = await openTunnel();
    await client.closeAndWait();
    const res = await fetch(`http://127.0.0.1:${String(gateway.port)}/healthz`);
    expect(res.status).toBe(200);
  });
});
