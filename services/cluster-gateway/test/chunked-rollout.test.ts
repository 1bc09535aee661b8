// The gateway's side of decision 0013 against real Postgres and Redis, with a scripted agent on a
// real loopback tunnel: a desired set larger than one frame goes out as ordered chunks within the
// frame limit; a push that a newer generation overtakes stops mid-transfer (the agent is paced by
// its socket, so nothing is buffered ahead) and the newer one follows from its chunk 0; a
// connection lost mid-transfer gets the whole set again on the next one; a set no frames may
// carry (over 64 MiB, or larger than a frame for a protocol-1 agent) is stored FAILED with the
// reason, for the cluster and each of its resources, and is not pushed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEFAULT_LIMITS,
  encodeMessage,
  utf8ByteLength,
  type ApplyResultMessage,
  type DesiredStateChunkMessage,
  type JsonObject,
} from '@palisade/protocol';
import type { PolicySyncEvent } from '@palisade/protocol/routing';
import type { RunningGateway } from '../src/gateway.js';
import { GatewayHarness } from './support/harness.js';
import { TestTunnelClient, connectAgent } from './support/tunnel-client.js';
import { waitFor } from '@palisade/testing';

let h: GatewayHarness;
let gateway: RunningGateway;
let events: PolicySyncEvent[];

beforeAll(async () => {
  h = await GatewayHarness.start();
  gateway = await h.gateway();
  events = await h.subscribe<PolicySyncEvent>(h.keys.policySyncEvents);
});
afterAll(async () => h.stop());

/** A NetworkPolicy of `bytes` encoded bytes: long selectors and annotations, as large orgs have. */
function policy(name: string, bytes = 1_100): JsonObject {
  const selector = Array.from({ length: 8 }, (_, i) => `team-${String(i)} == '${name}'`).join(' && ');
  const make = (notes: string): JsonObject => ({
    apiVersion: 'projectcalico.org/v3',
    kind: 'NetworkPolicy',
    metadata: {
      name,
      namespace: 'shop',
      labels: { 'app.kubernetes.io/managed-by': 'palisade' },
      annotations: { 'palisade.io/drift-mode': 'report', 'example.com/owner-notes': notes },
    },
    spec: { tier: 'default', order: 100, selector, types: ['Ingress'] },
  });
  return make('n'.repeat(Math.max(0, bytes - utf8ByteLength(JSON.stringify(make(''))))));
}

function policies(prefix: string, count: number, bytes?: number): JsonObject[] {
  return Array.from({ length: count }, (_, i) => policy(`${prefix}-${String(i)}`, bytes));
}

const nameOf = (r: JsonObject): string => (r['metadata'] as { name: string }).name;

async function resourceRows(clusterId: string) {
  const { rows } = await h.sql.query<{ name: string; generation: string; status: string; message: string }>(
    `SELECT name, generation, status, message FROM cluster_resource_status WHERE cluster_id = $1 ORDER BY name`,
    [clusterId],
  );
  return rows;
}

/** Every chunk of the next complete transfer of `generation`, skipping those of other generations. */
async function transfer(client: TestTunnelClient, generation: number): Promise<DesiredStateChunkMessage[]> {
  const chunks: DesiredStateChunkMessage[] = [];
  for (;;) {
    const chunk = await client.next('desired.state.chunk', 20_000);
    if (chunk.generation !== generation) continue;
    if (chunk.chunk.index === 0) chunks.length = 0;
    chunks.push(chunk);
    if (chunk.chunk.index === chunk.chunk.count - 1) return chunks;
  }
}

function okResult(generation: number, resources: JsonObject[]): ApplyResultMessage {
  return {
    type: 'apply.result',
    generation,
    results: resources.map((r) => ({
      resource: {
        apiVersion: 'projectcalico.org/v3',
        kind: 'NetworkPolicy',
        namespace: 'shop',
        name: nameOf(r),
      },
      status: 'ok' as const,
    })),
    drift: [],
  };
}

function chunksOf(client: TestTunnelClient): DesiredStateChunkMessage[] {
  return client.received.filter((m): m is DesiredStateChunkMessage => m.type === 'desired.state.chunk');
}

describe('chunked desired state, gateway side', () => {
  it('pushes a 3 MiB set as ordered chunks within the frame limit, and stores the report', async () => {
    const { orgId, clusterId, credential } = await h.enrolledCluster();
    const resources = policies('big', 3_000);
    expect(utf8ByteLength(JSON.stringify(resources))).toBeGreaterThan(3 * 1024 * 1024);
    await h.setDesired(orgId, clusterId, 1, resources);
    const { client, welcome } = await connectAgent(h.url(gateway), { kind: 'credential', credential });
    expect(welcome.protocolVersion).toBeGreaterThanOrEqual(2); // chunks arrived in version 2

    const chunks = await transfer(client, 1);
    expect(chunks.length).toBeGreaterThanOrEqual(3);
    chunks.forEach((chunk, index) => {
      expect(chunk.chunk).toEqual({ index, count: chunks.length });
      expect(chunk.total).toBe(3_000);
      expect(utf8ByteLength(encodeMessage(chunk))).toBeLessThanOrEqual(DEFAULT_LIMITS.maxFrameBytes);
    });
    expect(chunks.flatMap((c) => c.resources)).toEqual(resources);
    expect(client.received.filter((m) => m.type === 'desired.state')).toEqual([]);

    client.send(okResult(1, resources));
    await waitFor(async () => (await h.syncRow(clusterId))?.status === 'IN_SYNC', 'IN_SYNC');
    expect((await resourceRows(clusterId)).length).toBe(3_000);
    await client.closeAndWait();
  });

  it(
    'abandons a transfer a newer generation overtakes, without buffering it ahead of a slow agent',
    { timeout: 60_000 },
    async () => {
      const { orgId, clusterId, credential } = await h.enrolledCluster();
      // 60 MiB: far more than the loopback socket buffers hold (4 MiB to send, at most 32 MiB to
      // receive), so once the agent stops reading, the push has to wait for it.
      const first = policies('first', 100, 600_000);
      const second = policies('second', 2_000);
      await h.setDesired(orgId, clusterId, 1, first);
      const { client } = await connectAgent(h.url(gateway), { kind: 'credential', credential });
      await client.next('desired.state.chunk', 30_000);
      client.socket.pause();
      await h.setDesired(orgId, clusterId, 2, second);
      // The agent's report is the trigger a test can observe: once its row is stored, the gateway is
      // reading generation 2, which it pushes at once because the agent is behind.
      client.send(okResult(1, []));
      await waitFor(
        async () => (await h.syncRow(clusterId))?.applied_generation === '1',
        'the report stored',
      );
      client.socket.resume();

      const wanted = await transfer(client, 2);
      expect(wanted.flatMap((c) => c.resources)).toEqual(second);
      const all = chunksOf(client);
      const firstOfTwo = all.findIndex((c) => c.generation === 2);
      const ofOne = all.filter((c) => c.generation === 1);
      expect(wanted.length).toBeGreaterThan(1);
      // Generation 1 started, stopped before its end, and nothing of it follows generation 2's start.
      expect(ofOne.length).toBeGreaterThan(0);
      expect(ofOne.length).toBeLessThan(ofOne[0]!.chunk.count);
      expect(ofOne.map((c) => c.chunk.index)).toEqual(ofOne.map((_, i) => i));
      expect(all.slice(firstOfTwo).every((c) => c.generation === 2)).toBe(true);
      await client.closeAndWait();
    },
  );

  it('pushes the whole set again from chunk 0 to the next connection after one drops mid-transfer', async () => {
    const { orgId, clusterId, credential } = await h.enrolledCluster();
    const resources = policies('again', 2_500);
    await h.setDesired(orgId, clusterId, 1, resources);
    const { client: lost } = await connectAgent(h.url(gateway), { kind: 'credential', credential });
    await lost.next('desired.state.chunk', 20_000);
    lost.destroy();
    await lost.closed;

    const { client } = await connectAgent(h.url(gateway), { kind: 'credential', credential });
    const chunks = await transfer(client, 1);
    expect(chunks[0]!.chunk.index).toBe(0);
    expect(chunks.flatMap((c) => c.resources)).toEqual(resources);
    await client.closeAndWait();
  });

  it('stores a set over 64 MiB as FAILED with the reason, for the cluster and each resource, and pushes nothing', async () => {
    const { orgId, clusterId, credential } = await h.enrolledCluster();
    const before = policies('before', 2);
    await h.setDesired(orgId, clusterId, 1, before);
    const { client } = await connectAgent(h.url(gateway), { kind: 'credential', credential });
    expect((await client.next('desired.state')).generation).toBe(1);
    client.send(okResult(1, before));
    await waitFor(async () => (await h.syncRow(clusterId))?.status === 'IN_SYNC', 'IN_SYNC');

    const huge = policies('huge', 70, 1_000_000);
    await h.setDesired(orgId, clusterId, 2, huge);
    await h.publish(h.keys.gatewayControl(gateway.gatewayId), { kind: 'desired', clusterId, generation: 2 });
    const error =
      'not delivered to the agent: the desired set encodes to 66.8 MiB, more than the limit of 64 MiB per cluster';
    await waitFor(async () => (await h.syncRow(clusterId))?.status === 'FAILED', 'FAILED');
    expect(await h.syncRow(clusterId)).toEqual({ applied_generation: '2', status: 'FAILED', error });
    const rows = await resourceRows(clusterId);
    expect(rows.map((r) => r.name)).toEqual(huge.map(nameOf).sort());
    expect(rows.every((r) => r.status === 'FAILED' && r.message === error && r.generation === '2')).toBe(
      true,
    );
    await waitFor(
      () => events.some((e) => e.clusterId === clusterId && e.source === 'gateway' && e.generation === 2),
      'a policy sync event',
    );
    await client.closeAndWait();

    // Reconnecting, the agent reports generation 1, which it still runs: the failure stands and
    // the set is not pushed.
    const { client: again } = await connectAgent(h.url(gateway), { kind: 'credential', credential });
    again.send(okResult(1, before));
    const fits = policies('fits', 3);
    await h.setDesired(orgId, clusterId, 3, fits);
    await h.publish(h.keys.gatewayControl(gateway.gatewayId), { kind: 'desired', clusterId, generation: 3 });
    expect((await again.next('desired.state')).generation).toBe(3);
    expect(again.received.filter((m) => m.type.startsWith('desired.'))).toHaveLength(1);
    expect(await h.syncRow(clusterId)).toEqual({ applied_generation: '2', status: 'FAILED', error });

    // A set that fits at the next generation is delivered and replaces the failure.
    again.send(okResult(3, fits));
    await waitFor(async () => (await h.syncRow(clusterId))?.status === 'IN_SYNC', 'IN_SYNC');
    expect((await resourceRows(clusterId)).map((r) => r.name)).toEqual(['fits-0', 'fits-1', 'fits-2']);
    await again.closeAndWait();
  });

  it('sends a protocol-1 agent one frame when the set fits, and stores FAILED asking for an upgrade when not', async () => {
    const { orgId, clusterId, credential } = await h.enrolledCluster();
    const small = policies('small', 2);
    await h.setDesired(orgId, clusterId, 1, small);
    const client = await TestTunnelClient.connect(h.url(gateway));
    client.hello({ kind: 'credential', credential }, { protocol: { min: 1, max: 1 } });
    expect((await client.next('welcome')).protocolVersion).toBe(1);
    expect((await client.next('desired.state')).resources).toEqual(small);
    client.send(okResult(1, small));
    await waitFor(async () => (await h.syncRow(clusterId))?.status === 'IN_SYNC', 'IN_SYNC');

    await h.setDesired(orgId, clusterId, 2, policies('big', 2_000));
    await h.publish(h.keys.gatewayControl(gateway.gatewayId), { kind: 'desired', clusterId, generation: 2 });
    const row = await waitFor(async () => {
      const r = await h.syncRow(clusterId);
      return r?.status === 'FAILED' ? r : undefined;
    }, 'FAILED');
    expect(row.applied_generation).toBe('2');
    expect(row.error).toMatch(
      /^not delivered to the agent: the desired set encodes to [\d.]+ MiB, more than one frame of 1 MiB, and the agent speaks protocol version 1, which cannot receive it in chunks; upgrade the agent$/,
    );
    expect(chunksOf(client)).toEqual([]);
    expect(client.received.filter((m) => m.type === 'desired.state')).toHaveLength(1);
    await client.closeAndWait();
  });
});
