// Rate limits on tunnel set-up (issue 20, decision 0058), with two gateways sharing one Redis:
// failed authentications per client IP (then even a valid credential's upgrade is refused with 429
// and Retry-After), upgrades per client IP, and accepted connections per cluster (refused with
// `rate_limited` and a retryAfterMs, the token trade rolled back). Limits are lowered here.
import WebSocket from 'ws';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunningGateway } from '../src/gateway.js';
import { GatewayHarness, sha256 } from './support/harness.js';
import { TestTunnelClient, connectAgent } from './support/tunnel-client.js';

// Every test dials from 127.0.0.1, so each gets a harness (a Redis prefix) of its own.
let h: GatewayHarness;

beforeEach(async () => {
  h = await GatewayHarness.start();
});
afterEach(async () => h.stop());

/** The HTTP answer to an upgrade: 101 when accepted (the socket is closed again at once). */
function upgradeStatus(url: string): Promise<{ status: number; retryAfter: string | null }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.once('upgrade', () => {
      resolve({ status: 101, retryAfter: null });
      ws.terminate();
    });
    ws.once('unexpected-response', (_req, res) => {
      resolve({ status: res.statusCode ?? 0, retryAfter: res.headers['retry-after'] ?? null });
      ws.terminate();
    });
    ws.once('error', (error) => reject(error));
  });
}

async function refusedReason(url: string, credential: string): Promise<string> {
  const client = await TestTunnelClient.connect(url);
  client.hello({ kind: 'credential', credential });
  return (await client.closed).reason;
}

describe('per client IP, across gateways', () => {
  it('refuses upgrades from an IP after 4 bad credentials, even for a valid credential', async () => {
    const tuning = { failedAuthsPerIp: 4, connectsPerIp: 1_000, connectsPerCluster: 1_000 };
    const a: RunningGateway = await h.gateway({ tuning });
    const b: RunningGateway = await h.gateway({ tuning });
    const { credential } = await h.enrolledCluster();
    for (let i = 0; i < 4; i++) {
      const wrong = `pcc_${String(i).repeat(43).slice(0, 43)}`;
      expect(await refusedReason(h.url(i % 2 ? b : a), wrong)).toBe('unauthenticated');
    }
    for (const g of [a, b]) {
      const r = await upgradeStatus(h.url(g));
      expect(r.status).toBe(429);
      expect(Number(r.retryAfter)).toBeGreaterThanOrEqual(1);
    }
    await expect(connectAgent(h.url(a), { kind: 'credential', credential })).rejects.toThrow();
  });
});

describe('upgrades per client IP', () => {
  it('refuses the upgrade beyond the limit with 429', async () => {
    const g = await h.gateway({ tuning: { connectsPerIp: 3 } });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await upgradeStatus(h.url(g))).status);
    expect(statuses).toEqual([101, 101, 101, 429]);
  });
});

describe('connections per cluster', () => {
  it('closes connections of a cluster beyond its limit with rate_limited, and rolls a token trade back', async () => {
    const g = await h.gateway({ tuning: { connectsPerCluster: 2, connectsPerIp: 1_000 } });
    const { clusterId, credential } = await h.enrolledCluster();
    for (let i = 0; i < 2; i++) {
      const { client } = await connectAgent(h.url(g), { kind: 'credential', credential });
      await client.closeAndWait();
    }
    const third = await TestTunnelClient.connect(h.url(g));
    third.hello({ kind: 'credential', credential });
    const closed = await third.closed;
    expect(closed.reason).toBe('rate_limited');
    expect(closed.message?.retryAfterMs).toBeGreaterThan(0);

    // A token trade beyond the limit changes nothing: the stored credential is still the old one.
    const before = (await h.cluster(clusterId))?.['credential_hash'];
    const token = `pen_${'B'.repeat(43)}`;
    await h.sql.query(
      "UPDATE clusters SET enrollment_token_hash = $2, enrollment_expires_at = now() + interval '1 hour' WHERE id = $1",
      [clusterId, sha256(token)],
    );
    const enrolling = await TestTunnelClient.connect(h.url(g));
    enrolling.hello({ kind: 'enrollment', token });
    expect((await enrolling.closed).reason).toBe('rate_limited');
    expect((await h.cluster(clusterId))?.['credential_hash']).toEqual(before);
  });
});
