// Several gateways, one Redis: the newest connection of a cluster wins wherever it lands, requests
// published to the owning gateway reach the agent and the reply comes back on `replyTo`, and a
// revocation closes the tunnel at once, whether sent to the owner or fleet-wide.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningGateway } from '../src/gateway.js';
import type { ClusterEvent, ClusterLease, ControlMessage, RequestReply } from '../src/routing/keys.js';
import { GatewayHarness } from './support/harness.js';
import { connectAgent } from './support/tunnel-client.js';
import { waitFor } from '@palisade/testing';

let h: GatewayHarness;
let a: RunningGateway;
let b: RunningGateway;

beforeAll(async () => {
  h = await GatewayHarness.start();
  a = await h.gateway({ gatewayId: 'gw-a' });
  b = await h.gateway({ gatewayId: 'gw-b' });
});
afterAll(async () => h.stop());

async function lease(clusterId: string): Promise<ClusterLease | undefined> {
  const text = await h.redis.get(h.keys.clusterLease(clusterId));
  return text === null ? undefined : (JSON.parse(text) as ClusterLease);
}

describe('takeover', () => {
  it('a second connection on another gateway wins and the first is closed with superseded', async () => {
    const { clusterId, credential } = await h.enrolledCluster();
    const first = await connectAgent(h.url(a), { kind: 'credential', credential });
    await waitFor(async () => (await lease(clusterId))?.gatewayId === 'gw-a', 'the lease on A');
    const second = await connectAgent(h.url(b), { kind: 'credential', credential });
    const closed = await first.client.closed;
    expect(closed.reason).toBe('superseded');
    expect(await lease(clusterId)).toMatchObject({
      gatewayId: 'gw-b',
      epoch: 2,
      sessionId: second.welcome.sessionId,
    });
    await waitFor(
      async () => (await h.cluster(clusterId))?.['gateway_id'] === 'gw-b',
      'the row written by B',
    );
    expect(await h.cluster(clusterId)).toMatchObject({ connected: true, lease_epoch: '2' });
    // A's cleanup must not have released B's lease or marked the cluster disconnected.
    expect(b.tunnels).toBeGreaterThanOrEqual(1);
    expect((await lease(clusterId))?.gatewayId).toBe('gw-b');
    await second.client.closeAndWait();
  });

  it('a second connection on the same gateway wins too', async () => {
    const { clusterId, credential } = await h.enrolledCluster();
    const first = await connectAgent(h.url(a), { kind: 'credential', credential });
    const second = await connectAgent(h.url(a), { kind: 'credential', credential });
    expect((await first.client.closed).reason).toBe('superseded');
    expect(await lease(clusterId)).toMatchObject({ sessionId: second.welcome.sessionId });
    expect(second.client.isClosed).toBe(false);
    await second.client.closeAndWait();
  });

  it('a tunnel whose epoch was bumped behind its back stops at its next renewal', async () => {
    const { clusterId, credential } = await h.enrolledCluster();
    const { client } = await connectAgent(h.url(a), { kind: 'credential', credential });
    await h.redis.incr(h.keys.clusterEpoch(clusterId));
    expect((await client.closed).reason).toBe('superseded');
  });
});

describe('lease renewal', () => {
  it('renews the lease and last-seen while the tunnel lives', async () => {
    const { clusterId, credential } = await h.enrolledCluster();
    const { client } = await connectAgent(h.url(a), { kind: 'credential', credential });
    const first = await waitFor(() => lease(clusterId), 'the lease');
    const firstSeen = (await h.cluster(clusterId))?.['last_seen_at'] as Date;
    await waitFor(
      async () => ((await lease(clusterId))?.lastSeenAt ?? 0) > first.lastSeenAt,
      'a renewed lease',
    );
    await waitFor(
      async () => ((await h.cluster(clusterId))?.['last_seen_at'] as Date) > firstSeen,
      'a later last_seen_at',
    );
    expect((await lease(clusterId))?.epoch).toBe(first.epoch);
    await client.closeAndWait();
  });
});

describe('requests through the control channel', () => {
  it('reaches the agent on the owning gateway and the reply arrives on replyTo', async () => {
    const { clusterId, credential } = await h.enrolledCluster();
    const { client } = await connectAgent(h.url(b), { kind: 'credential', credential });
    const replyTo = h.keys.apiReplies('api-test-1');
    const replies = await h.subscribe<RequestReply>(replyTo);
    const owner = await waitFor(() => lease(clusterId), 'the lease');
    const request: ControlMessage = {
      kind: 'request',
      requestId: 'r-1',
      clusterId,
      method: 'agent.health',
      params: { verbose: true },
      replyTo,
      timeoutMs: 5_000,
    };
    await h.publish(h.keys.gatewayControl(owner.gatewayId), request);
    const received = await client.next('request');
    expect(received).toMatchObject({ method: 'agent.health', params: { verbose: true } });
    client.send({ type: 'response', id: received.id, ok: true, result: { healthy: true } });
    expect(await waitFor(() => replies[0], 'the reply')).toEqual({
      requestId: 'r-1',
      ok: true,
      result: { healthy: true },
    });

    await h.publish(h.keys.gatewayControl(owner.gatewayId), { ...request, requestId: 'r-2' });
    const failing = await client.next('request');
    client.send({
      type: 'response',
      id: failing.id,
      ok: false,
      error: { code: 'not_found', message: 'no such thing' },
    });
    expect(await waitFor(() => replies[1], 'the error reply')).toEqual({
      requestId: 'r-2',
      ok: false,
      error: { code: 'not_found', message: 'no such thing' },
    });

    await h.publish(h.keys.gatewayControl(owner.gatewayId), { ...request, requestId: 'r-3', timeoutMs: 200 });
    await client.next('request');
    expect(await waitFor(() => replies[2], 'the timeout reply')).toMatchObject({
      requestId: 'r-3',
      ok: false,
      error: { code: 'timeout' },
    });
    await client.closeAndWait();
  });

  it('answers unavailable when the tunnel closes before the agent answers', async () => {
    const { clusterId, credential } = await h.enrolledCluster();
    const { client } = await connectAgent(h.url(a), { kind: 'credential', credential });
    const replyTo = h.keys.apiReplies('api-test-3');
    const replies = await h.subscribe<RequestReply>(replyTo);
    await h.publish(h.keys.gatewayControl('gw-a'), {
      kind: 'request',
      requestId: 'r-5',
      clusterId,
      method: 'slow',
      params: null,
      replyTo,
      timeoutMs: 30_000,
    });
    await client.next('request');
    client.destroy();
    expect(await waitFor(() => replies[0], 'the reply')).toMatchObject({
      requestId: 'r-5',
      ok: false,
      error: { code: 'unavailable' },
    });
  });

  it('answers unavailable when the cluster is not on that gateway, and ignores foreign replyTo channels', async () => {
    const { clusterId } = await h.enrolledCluster();
    const replyTo = h.keys.apiReplies('api-test-2');
    const replies = await h.subscribe<RequestReply>(replyTo);
    const stray = await h.subscribe<RequestReply>('elsewhere');
    const base = { kind: 'request', clusterId, method: 'x', params: null, timeoutMs: 1_000 } as const;
    await h.publish(h.keys.gatewayControl('gw-a'), { ...base, requestId: 'stray', replyTo: 'elsewhere' });
    await h.publish(h.keys.gatewayControl('gw-a'), '{not json');
    await h.publish(h.keys.gatewayControl('gw-a'), { ...base, requestId: 'r-4', replyTo });
    expect(await waitFor(() => replies[0], 'the reply')).toMatchObject({
      requestId: 'r-4',
      ok: false,
      error: { code: 'unavailable' },
    });
    expect(stray).toEqual([]);
  });
});

describe('revocation', () => {
  it('closes the tunnel with credential_revoked when sent to the owning gateway', async () => {
    const { clusterId, credential } = await h.enrolledCluster();
    const events = await h.subscribe<ClusterEvent>(h.keys.clusterEvents);
    const { client } = await connectAgent(h.url(a), { kind: 'credential', credential });
    await h.publish(h.keys.gatewayControl('gw-a'), { kind: 'revoke', clusterId });
    expect((await client.closed).reason).toBe('credential_revoked');
    await waitFor(
      () => events.find((e) => e.clusterId === clusterId && e.status === 'DISCONNECTED'),
      'disconnected',
    );
    expect(await lease(clusterId)).toBeUndefined();
  });

  it('closes the tunnel when announced on the fleet-wide revocations channel', async () => {
    const { clusterId, credential } = await h.enrolledCluster();
    const { client } = await connectAgent(h.url(b), { kind: 'credential', credential });
    await h.publish(h.keys.clusterRevocations, { kind: 'revoke', clusterId });
    expect((await client.closed).reason).toBe('credential_revoked');
  });

  it('ignores takeovers with an older epoch and requests on the revocations channel', async () => {
    const { clusterId, credential } = await h.enrolledCluster();
    const { client } = await connectAgent(h.url(a), { kind: 'credential', credential });
    const current = await waitFor(() => lease(clusterId), 'the lease');
    await h.publish(h.keys.gatewayControl('gw-a'), { kind: 'takeover', clusterId, epoch: current.epoch });
    await h.publish(h.keys.clusterRevocations, { kind: 'takeover', clusterId, epoch: current.epoch + 5 });
    await client.next('heartbeat');
    await client.next('heartbeat');
    expect(client.isClosed).toBe(false);
    await client.closeAndWait();
  });
});
