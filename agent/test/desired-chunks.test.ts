// The agent's reassembly of chunked desired state (decision 0013), over a real loopback WebSocket
// to the scripted gateway, with a real simulated provider and its policy store: a generation is
// applied only once all of its chunks have arrived, a partial one superseded by a newer generation
// is dropped (and its late chunks ignored), a connection lost mid-transfer leaves nothing behind
// for the next connection to complete, and a broken stream applies nothing and is reported.
// Each negative check is taken at a round trip: the agent handles frames in order, so when it
// answers a request sent after the chunks, it has handled every chunk before it.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ApplyResultMessage, type DesiredStateChunkMessage, type JsonObject } from '@palisade/protocol';
import { startAgent, type RunningAgent } from '../src/agent.js';
import { FileCredentialStore } from '../src/credentials/file-store.js';
import { SimulatedProvider } from '../src/providers/simulated/simulated-provider.js';
import { FakeGateway, type FakeConnection } from './support/fake-gateway.js';
import { waitFor } from '@palisade/testing';

const SHOP = new URL('../examples/shop.yaml', import.meta.url).pathname;
const FAST = { backoff: { initialMs: 20, maxMs: 200 }, immediateJitterMs: 20, welcomeTimeoutMs: 2_000 };

function policy(name: string): JsonObject {
  return {
    apiVersion: 'projectcalico.org/v3',
    kind: 'NetworkPolicy',
    metadata: {
      name,
      namespace: 'backend',
      labels: { 'app.kubernetes.io/managed-by': 'palisade' },
      annotations: { 'palisade.io/drift-mode': 'report' },
    },
    spec: { tier: 'default', order: 100, selector: `app == '${name}'`, types: ['Ingress'] },
  };
}

function set(prefix: string, size: number): JsonObject[] {
  return Array.from({ length: size }, (_, i) => policy(`${prefix}-${String(i)}`));
}

/** `generation`'s set split into `count` chunks, as the gateway sends it. */
function chunked(generation: number, resources: JsonObject[], count: number): DesiredStateChunkMessage[] {
  const per = Math.ceil(resources.length / count);
  return Array.from({ length: count }, (_, index) => ({
    type: 'desired.state.chunk',
    generation,
    chunk: { index, count },
    total: resources.length,
    resources: resources.slice(index * per, (index + 1) * per),
  }));
}

function names(resources: readonly unknown[]): string[] {
  return resources.map((r) => (r as { metadata: { name: string } }).metadata.name).sort();
}

/** Welcomes with protocol version 2, the first that has chunks. */
describe('chunked desired state, agent side', () => {
  let dir: string;
  let gateway: FakeGateway;
  let agent: RunningAgent<SimulatedProvider>;
  let roundTrips = 0;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'palisade-chunks-'));
    gateway = await FakeGateway.start({ protocolVersion: 2 });
    agent = await startAgent({
      provider: await SimulatedProvider.load({ file: SHOP, stateDir: join(dir, 'cluster'), watch: false }),
      gatewayUrl: gateway.url,
      credentials: new FileCredentialStore(join(dir, 'state')),
      enrollmentToken: 'pen_enrollment_token_for_tests',
      timings: FAST,
    });
    await waitFor(() => agent.status() === 'connected' && gateway.last(), 'connected');
  });
  afterEach(async () => {
    await agent.close();
    await gateway.stop();
    await rm(dir, { recursive: true, force: true });
  });

  function connection(): FakeConnection {
    const last = gateway.last();
    if (last === undefined) throw new Error('no connection');
    return last;
  }

  /** Resolves once the agent has handled every frame sent on `c` before it. */
  async function roundTrip(c: FakeConnection = connection()): Promise<void> {
    const id = `sync-${String(++roundTrips)}`;
    c.send({ type: 'request', id, method: 'agent.methods', params: null, timeoutMs: 5_000 });
    await waitFor(() => c.received.some((m) => m.type === 'response' && m.id === id), `response ${id}`);
  }

  function results(generation?: number): ApplyResultMessage[] {
    return gateway.all('apply.result').filter((m) => generation === undefined || m.generation === generation);
  }

  async function applied(generation: number): Promise<ApplyResultMessage> {
    return waitFor(() => results(generation)[0], `apply.result of generation ${String(generation)}`);
  }

  function policies(): string[] {
    return names(agent.provider.policies());
  }

  it('applies a generation only when every chunk has arrived, pruning the previous one', async () => {
    connection().send({ type: 'desired.state', generation: 1, resources: set('one', 3) });
    await applied(1);
    expect(policies()).toEqual(names(set('one', 3)));

    const two = set('two', 40);
    const frames = chunked(2, two, 4);
    for (const frame of frames.slice(0, 3)) connection().send(frame);
    await roundTrip();
    expect(results(2)).toEqual([]);
    expect(policies()).toEqual(names(set('one', 3)));

    connection().send(frames[3]!);
    const result = await applied(2);
    expect(result.results).toHaveLength(40);
    expect(result.results.every((r) => r.status === 'ok')).toBe(true);
    expect(policies()).toEqual(names(two));
    expect(gateway.all('error')).toEqual([]);
    expect(gateway.decodeFailures).toEqual([]);
  });

  it('drops a partial generation superseded by a newer one and ignores its late chunks', async () => {
    const three = chunked(3, set('three', 30), 3);
    const four = set('four', 20);
    connection().send(three[0]!);
    connection().send(three[1]!);
    for (const frame of chunked(4, four, 2)) connection().send(frame);
    connection().send(three[2]!);
    await applied(4);
    await roundTrip();
    expect(results().map((r) => r.generation)).toEqual([4]);
    expect(policies()).toEqual(names(four));
    expect(gateway.all('error')).toEqual([]);
  });

  it('survives a connection lost mid-transfer: the rest never completes the old set, a fresh push applies', async () => {
    connection().send({ type: 'desired.state', generation: 1, resources: set('one', 2) });
    await applied(1);
    const five = set('five', 30);
    const frames = chunked(5, five, 3);
    const first = connection();
    first.send(frames[0]!);
    first.send(frames[1]!);
    await roundTrip(first);
    first.socket.terminate();

    const second = await waitFor(
      () => gateway.connections.length === 2 && agent.status() === 'connected' && gateway.last(),
      'the agent reconnected',
    );
    // Right after the welcome the agent reports what it has applied: still generation 1.
    await waitFor(() => second.received.some((m) => m.type === 'apply.result'), 'the connect report');
    expect(second.received.find((m) => m.type === 'apply.result')).toMatchObject({ generation: 1 });

    // The tail of the lost transfer, alone, is refused and applies nothing.
    second.send(frames[2]!);
    await roundTrip(second);
    expect(results(5)).toEqual([]);
    expect(policies()).toEqual(names(set('one', 2)));
    expect(second.received.filter((m) => m.type === 'error')).toEqual([
      {
        type: 'error',
        code: 'bad_request',
        message: 'unexpected_message: chunk 2 of generation 5 arrived without its chunk 0',
      },
    ]);

    for (const frame of frames) second.send(frame);
    await applied(5);
    expect(policies()).toEqual(names(five));
  });

  it('applies nothing of a stream that breaks, reports it once, and takes the push again', async () => {
    connection().send({ type: 'desired.state', generation: 1, resources: set('one', 2) });
    await applied(1);
    const frames = chunked(6, set('six', 40), 4);
    connection().send(frames[0]!);
    connection().send(frames[2]!);
    connection().send(frames[3]!);
    await roundTrip();
    expect(results(6)).toEqual([]);
    expect(policies()).toEqual(names(set('one', 2)));
    expect(gateway.all('error').map((e) => e.message)).toEqual([
      'unexpected_message: chunk 2 of generation 6 arrived out of order; expected chunk 1',
    ]);

    for (const frame of frames) connection().send(frame);
    expect((await applied(6)).results).toHaveLength(40);
    expect(policies()).toEqual(names(set('six', 40)));
  });
});
