// What an authenticated session does with the agent's other messages: frames sent right after the
// hello (before the welcome) are processed in order once it is accepted, an empty flow batch is
// acknowledged and the agent's responses and errors are taken in stride, an agent's own `close` ends the tunnel and
// releases the lease, and a connection flood is turned away with `rate_limited`.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chunkSnapshot } from '@palisade/protocol';
import type { RunningGateway } from '../src/gateway.js';
import { GatewayHarness } from './support/harness.js';
import { TestTunnelClient, connectAgent } from './support/tunnel-client.js';
import { waitFor } from '@palisade/testing';

let h: GatewayHarness;
let gateway: RunningGateway;

beforeAll(async () => {
  h = await GatewayHarness.start();
  gateway = await h.gateway({ tuning: { maxPendingHandshakes: 3 } });
});
afterAll(async () => h.stop());

describe('session messages', () => {
  it('processes frames sent before the welcome, after the hello is accepted', async () => {
    const { clusterId, credential } = await h.enrolledCluster();
    const client = await TestTunnelClient.connect(h.url(gateway));
    client.hello({ kind: 'credential', credential });
    const items = {
      namespaces: [{ name: 'early', labels: {} }],
      endpoints: [],
      serviceAccounts: [],
      services: [],
    };
    for (const chunk of chunkSnapshot(1, items)) client.send(chunk);
    await client.next('welcome');
    await waitFor(
      async () => Number((await h.cluster(clusterId))?.['inventory_revision']) === 1,
      'the snapshot',
    );
    await client.closeAndWait();
  });

  it('acknowledges an empty flow batch, takes stray responses and errors, and keeps the tunnel', async () => {
    const { credential } = await h.enrolledCluster();
    const { client } = await connectAgent(h.url(gateway), { kind: 'credential', credential });
    client.send({ type: 'flow.batch', sequence: 1, droppedTotal: 0, records: [] });
    expect(await client.next('flow.ack')).toEqual({ type: 'flow.ack', sequence: 1 });
    client.send({ type: 'response', id: 'g-unknown', ok: true, result: null });
    client.send({ type: 'error', code: 'internal', message: 'agent-side trouble' });
    await client.next('heartbeat');
    expect(client.isClosed).toBe(false);
    await client.closeAndWait();
  });

  it('ends the tunnel when the agent says close, and releases the lease', async () => {
    const { clusterId, credential } = await h.enrolledCluster();
    const { client } = await connectAgent(h.url(gateway), { kind: 'credential', credential });
    await waitFor(async () => (await h.redis.exists(h.keys.clusterLease(clusterId))) === 1, 'the lease');
    client.send({ type: 'close', reason: 'agent_shutting_down', message: 'bye', retryAfterMs: null });
    expect((await client.closed).code).toBe(1000);
    await waitFor(
      async () => (await h.redis.exists(h.keys.clusterLease(clusterId))) === 0,
      'the released lease',
    );
    const metrics = await (await fetch(`http://127.0.0.1:${String(gateway.port)}/metrics`)).text();
    expect(metrics).toMatch(/palisade_gateway_closes_total\{reason="agent_shutting_down"\} 1/);
  });

  it('turns away connections beyond the pending-handshake cap with rate_limited', async () => {
    const silent = await Promise.all([1, 2, 3].map(() => TestTunnelClient.connect(h.url(gateway))));
    const extra = await TestTunnelClient.connect(h.url(gateway));
    const closed = await extra.closed;
    expect(closed.reason).toBe('rate_limited');
    expect(closed.message?.retryAfterMs).toBeGreaterThan(0);
    for (const client of silent) client.destroy();
    const { credential } = await h.enrolledCluster();
    await waitFor(async () => {
      try {
        const { client } = await connectAgent(h.url(gateway), { kind: 'credential', credential });
        await client.closeAndWait();
        return true;
      } catch {
        return false;
      }
    }, 'a connection accepted again');
  });
});
