// Liveness and lifecycle: a silent peer is closed with heartbeat_timeout while a quiet one that
// answers pings stays; health, readiness and metrics endpoints; a graceful close tells agents
// `server_shutting_down` and releases leases; after a crash (`kill()`) the lease lapses or is
// taken over, and a reconnecting agent is accepted by the restarted gateway.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { ClusterLease } from '../src/routing/keys.js';
import { GatewayHarness } from './support/harness.js';
import { connectAgent } from './support/tunnel-client.js';
import { waitFor } from '@palisade/testing';

let h: GatewayHarness;

beforeAll(async () => {
  h = await GatewayHarness.start();
});
afterAll(async () => h.stop());

async function lease(clusterId: string): Promise<ClusterLease | undefined> {
  const text = await h.redis.get(h.keys.clusterLease(clusterId));
  return text === null ? undefined : (JSON.parse(text) as ClusterLease);
}

describe('dead peers', () => {
  it('closes a peer that neither sends nor answers pings, and keeps one that answers pings', async () => {
    const gateway = await h.gateway({ tuning: { deadPeerTimeoutMs: 2_000, heartbeatIntervalMs: 200 } });
    const silent = await h.enrolledCluster();
    const quiet = await h.enrolledCluster();
    const dead = await connectAgent(
      h.url(gateway),
      { kind: 'credential', credential: silent.credential },
      { autoPong: false },
    );
    const alive = await connectAgent(h.url(gateway), { kind: 'credential', credential: quiet.credential });
    const closed = await dead.client.closed;
    expect(closed.reason).toBe('heartbeat_timeout');
    await waitFor(
      async () => (await lease(silent.clusterId)) === undefined,
      'the dead peer’s lease released',
    );
    // Well past the dead-peer timeout, the ponging peer is still there.
    for (let i = 0; i < 15; i++) await alive.client.next('heartbeat');
    expect(alive.client.isClosed).toBe(false);
    await alive.client.closeAndWait();
  });
});

describe('endpoints', () => {
  it('serves /healthz, /readyz and /metrics, and upgrades only at /v1/tunnel', async () => {
    const gateway = await h.gateway();
    const base = `http://127.0.0.1:${String(gateway.port)}`;
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', checks: { database: true, redis: true } });
    const { credential } = await h.enrolledCluster();
    const { client } = await connectAgent(h.url(gateway), { kind: 'credential', credential });
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(/^palisade_gateway_tunnels_open 1$/m);
    expect(metrics).toMatch(/^palisade_gateway_connects_total\{stage="authenticated"\} 1$/m);
    expect(metrics).toMatch(/^palisade_gateway_frames_in_total \d+$/m);
    await client.closeAndWait();
    const other = new WebSocket(`ws://127.0.0.1:${String(gateway.port)}/elsewhere`);
    const status = await new Promise<number | undefined>((resolve) => {
      other.on('unexpected-response', (_req, res) => resolve(res.statusCode));
      other.on('error', () => resolve(undefined));
    });
    expect(status).toBe(404);
    expect((await fetch(`${base}/nothing`)).status).toBe(404);
  });
});

describe('restarts', () => {
  it('a graceful close says server_shutting_down and releases the lease', async () => {
    const gateway = await h.gateway();
    const { clusterId, credential } = await h.enrolledCluster();
    const { client } = await connectAgent(h.url(gateway), { kind: 'credential', credential });
    await waitFor(() => lease(clusterId), 'the lease');
    await gateway.close();
    const closed = await client.closed;
    expect(closed.reason).toBe('server_shutting_down');
    expect(await lease(clusterId)).toBeUndefined();
    expect(await h.cluster(clusterId)).toMatchObject({ connected: false });
  });

  it('after kill() the lease lapses by itself, and a reconnecting agent is accepted by the restarted gateway', async () => {
    const crashed = await h.gateway({ gatewayId: 'gw-crash' });
    const port = crashed.port;
    const lapsing = await h.enrolledCluster();
    const reconnecting = await h.enrolledCluster();
    const one = await connectAgent(h.url(crashed), { kind: 'credential', credential: lapsing.credential });
    const two = await connectAgent(h.url(crashed), {
      kind: 'credential',
      credential: reconnecting.credential,
    });
    await waitFor(() => lease(reconnecting.clusterId), 'the lease');
    await crashed.kill();
    expect((await one.client.closed).code).toBe(1006);
    expect((await two.client.closed).code).toBe(1006);
    expect((await lease(reconnecting.clusterId))?.gatewayId).toBe('gw-crash');

    const restarted = await h.gateway({ port, gatewayId: 'gw-restarted' });
    const again = await connectAgent(h.url(restarted), {
      kind: 'credential',
      credential: reconnecting.credential,
    });
    expect(again.welcome.clusterId).toBe(reconnecting.clusterId);
    expect(await lease(reconnecting.clusterId)).toMatchObject({ gatewayId: 'gw-restarted', epoch: 2 });
    await waitFor(
      async () => (await h.cluster(reconnecting.clusterId))?.['gateway_id'] === 'gw-restarted',
      'the row',
    );

    await waitFor(async () => (await lease(lapsing.clusterId)) === undefined, 'the lapsed lease');
    await again.client.closeAndWait();
  });
});
