// The gateway's side of decision 0014 against real Postgres and Redis, with a scripted agent on a
// real loopback tunnel: an apply result larger than one frame, sent as `apply.result.chunk` frames,
// is stored exactly as the same result in one `apply.result` would be (every resource's row, the
// cluster's status and error); nothing is stored before its last chunk; a partial result a newer
// one supersedes is dropped; a broken stream, or chunks on a protocol-1 session, close the tunnel
// with the protocol's reason and store nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEFAULT_LIMITS,
  encodeMessage,
  planApplyResult,
  utf8ByteLength,
  type ApplyResultChunkMessage,
  type ApplyResultMessage,
  type JsonObject,
} from '@palisade/protocol';
import type { RunningGateway } from '../src/gateway.js';
import { applyReport } from '../src/rollout/apply-report.js';
import { GatewayHarness } from './support/harness.js';
import { TestTunnelClient, connectAgent } from './support/tunnel-client.js';
import { waitFor } from '@palisade/testing';

let h: GatewayHarness;
let gateway: RunningGateway;

beforeAll(async () => {
  h = await GatewayHarness.start();
  gateway = await h.gateway();
});
afterAll(async () => h.stop());

/** A name as long as Kubernetes allows. */
function longName(i: number): string {
  const suffix = `-${String(i)}`;
  return `${'p'.repeat(253 - suffix.length)}${suffix}`;
}

function policy(name: string): JsonObject {
  return {
    apiVersion: 'projectcalico.org/v3',
    kind: 'NetworkPolicy',
    metadata: { name, namespace: 'shop', labels: { 'app.kubernetes.io/managed-by': 'palisade' } },
    spec: { tier: 'default', order: 100, selector: "app == 'web'", types: ['Ingress'] },
  };
}

/** What an agent on a cluster without the Calico CRDs reports: every policy failed, ~200 characters each. */
function calicoMissing(generation: number, names: readonly string[]): ApplyResultMessage {
  return {
    type: 'apply.result',
    generation,
    results: names.map((name, i) => ({
      resource: { apiVersion: 'projectcalico.org/v3', kind: 'NetworkPolicy', namespace: 'shop', name },
      status: 'failed' as const,
      message:
        `the server could not find the requested resource (post networkpolicies.crd.projectcalico.org ` +
        `${String(i)}): is Calico installed on this cluster? Install Calico v3.26 or later and retry`.padEnd(
          200,
          '.',
        ),
    })),
    drift: [],
  };
}

function chunksOf(message: ApplyResultMessage): ApplyResultChunkMessage[] {
  const plan = planApplyResult(message, { protocolVersion: 2 });
  if (plan.shortened !== null) throw new Error('the test result was shortened');
  return plan.messages.filter((m): m is ApplyResultChunkMessage => m.type === 'apply.result.chunk');
}

async function resourceRows(clusterId: string) {
  const { rows } = await h.sql.query<{
    name: string;
    generation: string;
    status: string;
    message: string | null;
  }>(
    `SELECT name, generation, status, message FROM cluster_resource_status WHERE cluster_id = $1 ORDER BY name`,
    [clusterId],
  );
  return rows;
}

/** Resolves once the gateway has handled every frame sent before it (it answers in order). */
async function roundTrip(client: TestTunnelClient, id: string): Promise<void> {
  client.send({ type: 'request', id, method: 'nothing.here', params: null, timeoutMs: 5_000 });
  await waitFor(() => client.received.some((m) => m.type === 'response' && m.id === id), `response ${id}`);
}

const NAMES = Array.from({ length: 5_000 }, (_, i) => longName(i));

/** An enrolled cluster whose desired set is 5,000 policies at `generation`, and its connected agent. */
async function connectedWithDesired(generation: number) {
  const { orgId, clusterId, credential } = await h.enrolledCluster();
  await h.setDesired(orgId, clusterId, generation, NAMES.map(policy));
  const { client, welcome } = await connectAgent(h.url(gateway), { kind: 'credential', credential });
  return { clusterId, names: NAMES, client, welcome };
}

describe('chunked apply results, gateway side', () => {
  it('stores a chunked result for 5,000 failing resources exactly as one apply.result would be', async () => {
    const { clusterId, names, client, welcome } = await connectedWithDesired(1);
    expect(welcome.protocolVersion).toBeGreaterThanOrEqual(2); // chunks arrived in version 2

    const whole = calicoMissing(1, names);
    expect(utf8ByteLength(encodeMessage(whole))).toBeGreaterThan(DEFAULT_LIMITS.maxFrameBytes);
    const chunks = chunksOf(whole);
    expect(chunks.length).toBeGreaterThan(1);
    for (const chunk of chunks.slice(0, -1)) client.send(chunk);
    await roundTrip(client, 'before-last');
    // Nothing is stored before the last chunk: a partial report would delete the other rows.
    expect(await h.syncRow(clusterId)).toBeUndefined();
    expect(await resourceRows(clusterId)).toEqual([]);

    client.send(chunks.at(-1)!);
    const row = await waitFor(async () => {
      const r = await h.syncRow(clusterId);
      return r?.status === 'FAILED' ? r : undefined;
    }, 'FAILED');
    const expected = applyReport(whole);
    expect(row).toEqual({ applied_generation: '1', status: 'FAILED', error: expected.error });
    const rows = await resourceRows(clusterId);
    expect(rows).toHaveLength(5_000);
    const byName = new Map(whole.results.map((r) => [r.resource.name, r]));
    for (const stored of rows) {
      const reported = byName.get(stored.name);
      expect(reported?.status).toBe('failed');
      expect(stored).toEqual({
        name: stored.name,
        generation: '1',
        status: 'FAILED',
        message: reported?.status === 'failed' ? reported.message : null,
      });
    }
    expect(client.isClosed).toBe(false);
    await client.closeAndWait();
  });

  it('drops a partial result that a whole apply.result supersedes, and ignores its late chunks', async () => {
    const { clusterId, names, client } = await connectedWithDesired(2);
    const older = chunksOf(calicoMissing(1, names));
    client.send(older[0]!);
    const newer: ApplyResultMessage = {
      type: 'apply.result',
      generation: 2,
      results: names.slice(0, 3).map((name) => ({
        resource: { apiVersion: 'projectcalico.org/v3', kind: 'NetworkPolicy', namespace: 'shop', name },
        status: 'ok' as const,
      })),
      drift: [],
    };
    client.send(newer);
    for (const chunk of older.slice(1)) client.send(chunk);
    await roundTrip(client, 'after-late-chunks');
    await waitFor(async () => (await h.syncRow(clusterId))?.status === 'IN_SYNC', 'IN_SYNC');
    expect(await h.syncRow(clusterId)).toEqual({ applied_generation: '2', status: 'IN_SYNC', error: null });
    expect((await resourceRows(clusterId)).map((r) => r.name)).toEqual(names.slice(0, 3).sort());
    expect(client.isClosed).toBe(false);
    await client.closeAndWait();
  });

  it('closes the tunnel on a broken stream and stores nothing of it', async () => {
    const { clusterId, names, client } = await connectedWithDesired(1);
    const chunks = chunksOf(calicoMissing(1, names));
    client.send(chunks[0]!);
    client.send(chunks[2]!);
    const closed = await client.closed;
    expect(closed.reason).toBe('unexpected_message');
    expect(closed.message?.message).toBe('chunk 2 of generation 1 arrived out of order; expected chunk 1');
    expect(await h.syncRow(clusterId)).toBeUndefined();
  });

  it('refuses chunks from a protocol-1 agent', async () => {
    const { credential } = await h.enrolledCluster();
    const client = await TestTunnelClient.connect(h.url(gateway));
    client.hello({ kind: 'credential', credential }, { protocol: { min: 1, max: 1 } });
    expect((await client.next('welcome')).protocolVersion).toBe(1);
    client.send(chunksOf(calicoMissing(1, NAMES))[0]!);
    const closed = await client.closed;
    expect(closed.reason).toBe('unexpected_message');
    expect(closed.message?.message).toBe('apply.result.chunk is not part of protocol version 1');
  });
});
