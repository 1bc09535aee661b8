// Authentication at the hello: the enrollment token yields a credential (reusable until that
// credential is used: test/enrollment-until-first-use.test.ts); expired tokens, wrong credentials
// and an old protocol version each get their reason code; a connection that never says hello is
// closed; status, lease and cluster-events after a connect; in-band credential rotation.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningGateway } from '../src/gateway.js';
import type { ClusterEvent, ClusterLease } from '../src/routing/keys.js';
import { GatewayHarness, sha256 } from './support/harness.js';
import { TestTunnelClient, connectAgent } from './support/tunnel-client.js';
import { waitFor } from '@palisade/testing';

let h: GatewayHarness;
let gateway: RunningGateway;
let url: string;

beforeAll(async () => {
  h = await GatewayHarness.start();
  gateway = await h.gateway({ tuning: { handshakeTimeoutMs: 500 } });
  url = h.url(gateway);
});
afterAll(async () => h.stop());

async function refusedWith(hello: (client: TestTunnelClient) => void): Promise<string> {
  const client = await TestTunnelClient.connect(url);
  hello(client);
  return (await client.closed).reason;
}

describe('enrollment', () => {
  it('trades a token for a credential that then authenticates, after which the token is spent', async () => {
    const { clusterId, token } = await h.newCluster();
    const { client, welcome } = await connectAgent(url, { kind: 'enrollment', token });
    expect(welcome.clusterId).toBe(clusterId);
    expect(welcome.credential).toMatch(/^pcc_/);
    expect((await h.cluster(clusterId))?.['credential_hash']).toEqual(sha256(welcome.credential!));
    await client.closeAndWait();

    const again = await connectAgent(url, { kind: 'credential', credential: welcome.credential! });
    expect(again.welcome.clusterId).toBe(clusterId);
    expect(again.welcome.credential).toBeNull();
    await again.client.closeAndWait();

    expect(await refusedWith((c) => c.hello({ kind: 'enrollment', token }))).toBe('unauthenticated');
  });

  it('refuses an expired token with token_expired', async () => {
    const { token } = await h.newCluster(undefined, -1_000);
    expect(await refusedWith((c) => c.hello({ kind: 'enrollment', token }))).toBe('token_expired');
  });

  it('refuses wrong secrets with unauthenticated, and a secret the protocol cannot parse as invalid', async () => {
    await h.enrolledCluster();
    const wrong = `pcc_${'A'.repeat(43)}`;
    expect(await refusedWith((c) => c.hello({ kind: 'credential', credential: wrong }))).toBe(
      'unauthenticated',
    );
    expect(await refusedWith((c) => c.hello({ kind: 'credential', credential: 'no pe' }))).toBe(
      'invalid_message',
    );
    expect(await refusedWith((c) => c.hello({ kind: 'enrollment', token: 'pen_unknown_token_value' }))).toBe(
      'unauthenticated',
    );
  });

  it('refuses a credential whose hash was cleared (revoked) and one of a deleted cluster', async () => {
    const a = await h.enrolledCluster();
    await h.sql.query('UPDATE clusters SET credential_hash = NULL WHERE id = $1', [a.clusterId]);
    expect(await refusedWith((c) => c.hello({ kind: 'credential', credential: a.credential }))).toBe(
      'unauthenticated',
    );
    const b = await h.enrolledCluster();
    await h.sql.query('DELETE FROM clusters WHERE id = $1', [b.clusterId]);
    expect(await refusedWith((c) => c.hello({ kind: 'credential', credential: b.credential }))).toBe(
      'unauthenticated',
    );
  });

  it('refuses an agent that only speaks an older protocol with unsupported_version', async () => {
    const { credential } = await h.enrolledCluster();
    const client = await TestTunnelClient.connect(url);
    client.hello({ kind: 'credential', credential }, { protocol: { min: 0 + 100, max: 200 } });
    expect((await client.closed).reason).toBe('unsupported_version');
    const old = await TestTunnelClient.connect(url);
    old.hello({ kind: 'credential', credential }, { protocol: { min: 1, max: 1 } });
    expect(await old.next('welcome')).toMatchObject({ protocolVersion: 1 });
    await old.closeAndWait();
  });

  it('closes a connection that sends no hello with handshake_timeout, and one that starts with anything else', async () => {
    const silent = await TestTunnelClient.connect(url);
    const closed = await silent.closed;
    expect(closed.reason).toBe('handshake_timeout');
    expect(closed.message?.reason).toBe('handshake_timeout');
    const eager = await TestTunnelClient.connect(url);
    eager.send({ type: 'heartbeat', sentAtMs: Date.now() });
    expect((await eager.closed).reason).toBe('unexpected_message');
  });
});

describe('status after a connect', () => {
  it('writes the row and the lease, publishes cluster-events, and marks the disconnect', async () => {
    const { orgId, clusterId, credential } = await h.enrolledCluster();
    const events = await h.subscribe<ClusterEvent>(h.keys.clusterEvents);
    const { client, welcome } = await connectAgent(url, { kind: 'credential', credential });

    const lease = await waitFor(async () => {
      const text = await h.redis.get(h.keys.clusterLease(clusterId));
      return text === null ? undefined : (JSON.parse(text) as ClusterLease);
    }, 'the lease');
    expect(lease).toMatchObject({
      gatewayId: gateway.gatewayId,
      sessionId: welcome.sessionId,
      epoch: 1,
      agentVersion: '0.1.0-test',
      kubernetesVersion: 'v1.31.0',
      calicoVersion: 'v3.29.0',
      provider: 'simulated',
    });
    expect(await h.redis.pttl(h.keys.clusterLease(clusterId))).toBeGreaterThan(0);
    const connected = await waitFor(() => events.find((e) => e.clusterId === clusterId), 'a connected event');
    expect(connected).toMatchObject({ orgId, clusterId, status: 'CONNECTED', gatewayId: gateway.gatewayId });
    const row = await h.cluster(clusterId);
    expect(row).toMatchObject({
      connected: true,
      gateway_id: gateway.gatewayId,
      lease_epoch: '1',
      agent_version: '0.1.0-test',
      kubernetes_version: 'v1.31.0',
      calico_version: 'v3.29.0',
      provider: 'simulated',
    });
    expect(row?.['first_connected_at']).toBeInstanceOf(Date);

    await client.closeAndWait();
    await waitFor(
      () => events.find((e) => e.clusterId === clusterId && e.status === 'DISCONNECTED'),
      'disconnected',
    );
    expect(await h.redis.exists(h.keys.clusterLease(clusterId))).toBe(0);
    expect(await h.cluster(clusterId)).toMatchObject({ connected: false });
  });
});

describe('credential rotation', () => {
  it('replaces the stored hash only after the agent persisted the new credential', async () => {
    const { clusterId, credential } = await h.enrolledCluster();
    const { client } = await connectAgent(url, { kind: 'credential', credential });

    const refusedRotation = gateway.rotateCredential(clusterId);
    const first = await client.next('credential.rotate');
    client.send({
      type: 'credential.rotated',
      rotationId: first.rotationId,
      persisted: false,
      message: 'disk full',
    });
    expect(await refusedRotation).toBe(false);
    expect((await h.cluster(clusterId))?.['credential_hash']).toEqual(sha256(credential));

    const rotation = gateway.rotateCredential(clusterId);
    const second = await client.next('credential.rotate');
    expect(second.credential).toMatch(/^pcc_/);
    client.send({
      type: 'credential.rotated',
      rotationId: second.rotationId,
      persisted: true,
      message: null,
    });
    expect(await rotation).toBe(true);
    expect((await h.cluster(clusterId))?.['credential_hash']).toEqual(sha256(second.credential));
    await client.closeAndWait();

    const reconnected = await connectAgent(url, { kind: 'credential', credential: second.credential });
    expect(reconnected.welcome.clusterId).toBe(clusterId);
    await reconnected.client.closeAndWait();
    const old = await TestTunnelClient.connect(url);
    old.hello({ kind: 'credential', credential });
    expect((await old.closed).reason).toBe('unauthenticated');
  });

  it('rotates on its own once the credential is older than the maximum age', async () => {
    const aging = await h.gateway({ tuning: { credentialMaxAgeMs: 200 } });
    const { clusterId, credential } = await h.enrolledCluster();
    const { client } = await connectAgent(h.url(aging), { kind: 'credential', credential });
    const rotate = await client.next('credential.rotate');
    client.send({
      type: 'credential.rotated',
      rotationId: rotate.rotationId,
      persisted: true,
      message: null,
    });
    await waitFor(async () => {
      const row = await h.cluster(clusterId);
      return (row?.['credential_hash'] as Buffer).equals(sha256(rotate.credential));
    }, 'the rotated hash');
    await client.closeAndWait();
  });
});
