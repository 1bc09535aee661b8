// The agent against the real cluster gateway over loopback, with real Postgres and Redis: enrolment,
// inventory reaching the database, surviving a gateway crash and restart, the enrollment token
// (usable again until its credential is used, decision 0012), rotation, and revocation.
// Organisations and clusters are inserted with SQL as the superuser, as the API would register them.

import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { Redis } from 'ioredis';
import { pino, type Logger } from 'pino';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type RunningGateway } from '@palisade/cluster-gateway';
import { createMigratedDatabase, type TestDatabase } from '@palisade/migrations/test-databases';
import { startAgent, type CredentialStore, type RunningAgent } from '../src/agent.js';
import { FileCredentialStore } from '../src/credentials/file-store.js';
import { AGENT_EXIT } from '../src/exit-codes.js';
import { SimulatedProvider } from '../src/providers/simulated/simulated-provider.js';
import { waitFor } from '@palisade/testing';

const REDIS_URL = process.env['PALISADE_TEST_REDIS'] ?? 'redis://127.0.0.1:6379';
const SHOP = new URL('../examples/shop.yaml', import.meta.url).pathname;
const ROOT = new URL('../../', import.meta.url).pathname;
const AGENT_TIMINGS = { backoff: { initialMs: 100, maxMs: 1_000 }, immediateJitterMs: 100 };

const prefix = `agent-e2e-${randomBytes(4).toString('hex')}`;
let db: TestDatabase;
let sql: pg.Pool;
let redis: Redis;
let dir: string;
const gateways = new Set<RunningGateway>();
const agents: RunningAgent[] = [];

beforeAll(async () => {
  db = await createMigratedDatabase('palisade_agent_e2e');
  sql = new pg.Pool({ connectionString: db.adminUrl, max: 3 });
  redis = new Redis(REDIS_URL);
  dir = await mkdtemp(join(tmpdir(), 'palisade-agent-e2e-'));
});

afterEach(async () => {
  await Promise.all(agents.splice(0).map((a) => a.close()));
  await Promise.allSettled([...gateways].map((g) => g.close()));
  gateways.clear();
});

afterAll(async () => {
  const leftovers = await redis.keys(`${prefix}:*`);
  if (leftovers.length > 0) await redis.del(...leftovers);
  redis.disconnect();
  await sql.end();
  await db.drop();
  await rm(dir, { recursive: true, force: true });
});

async function gateway(port = 0): Promise<RunningGateway> {
  const running = await startGateway({
    port,
    databaseUrl: db.urlAs('palisade_gateway'),
    redisUrl: REDIS_URL,
    redisPrefix: prefix,
    logLevel: 'silent',
    tuning: { heartbeatIntervalMs: 300, leaseTtlMs: 3_000, statusWriteIntervalMs: 500, sweepIntervalMs: 50 },
  });
  gateways.add(running);
  return running;
}

const url = (g: RunningGateway): string => `ws://127.0.0.1:${String(g.port)}/v1/tunnel`;

/** An organisation and a registered cluster with a fresh enrollment token, as `registerCluster` leaves them. */
async function registeredCluster(): Promise<{ clusterId: string; token: string }> {
  const slug = `org-${randomBytes(4).toString('hex')}`;
  const org = await sql.query<{ id: string }>(
    'INSERT INTO organizations (slug, name) VALUES ($1, $1) RETURNING id',
    [slug],
  );
  const token = `pen_${randomBytes(32).toString('base64url')}`;
  const { rows } = await sql.query<{ id: string }>(
    `INSERT INTO clusters (org_id, name, enrollment_token_hash, enrollment_expires_at)
     VALUES ($1, $2, $3, now() + interval '24 hours') RETURNING id`,
    [org.rows[0]!.id, `shop-${randomBytes(3).toString('hex')}`, createHash('sha256').update(token).digest()],
  );
  return { clusterId: rows[0]!.id, token };
}

/** A logger that keeps every line the agent writes, parsed, for assertions on what it said. */
function recordingLogger(): { logger: Logger; lines: { msg: string; level: number; reason?: string }[] } {
  const lines: { msg: string; level: number; reason?: string }[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean))
        lines.push(JSON.parse(line) as (typeof lines)[number]);
      done();
    },
  });
  return { logger: pino({ level: 'info' }, stream), lines };
}

async function agent(
  gatewayUrl: string,
  token: string | null,
  name: string,
  file = SHOP,
  logger?: Logger,
): Promise<RunningAgent<SimulatedProvider>> {
  const running = await startAgent({
    provider: await SimulatedProvider.load({ file, debounceMs: 20, pollIntervalMs: 100 }),
    gatewayUrl,
    credentials: new FileCredentialStore(join(dir, name)),
    enrollmentToken: token,
    timings: AGENT_TIMINGS,
    ...(logger ? { logger } : {}),
  });
  agents.push(running);
  return running;
}

async function storedCredentialIsCurrent(name: string, clusterId: string): Promise<boolean> {
  const stored = JSON.parse(await readFile(join(dir, name, 'credential.json'), 'utf8')) as {
    credential: string;
  };
  const { rows } = await sql.query<{ credential_hash: Buffer | null }>(
    'SELECT credential_hash FROM clusters WHERE id = $1',
    [clusterId],
  );
  return rows[0]?.credential_hash?.equals(createHash('sha256').update(stored.credential).digest()) ?? false;
}

async function inventoryCount(clusterId: string, kind: string): Promise<number> {
  const { rows } = await sql.query<{ n: string }>(
    'SELECT count(*) AS n FROM cluster_inventory WHERE cluster_id = $1 AND kind = $2',
    [clusterId, kind],
  );
  return Number(rows[0]!.n);
}

describe('agent and cluster gateway, end to end', () => {
  it('enrolls with a token, stores the credential, and its inventory lands in cluster_inventory', async () => {
    const g = await gateway();
    const { clusterId, token } = await registeredCluster();
    const running = await agent(url(g), token, 'enroll');
    await waitFor(() => running.status() === 'connected', 'connected');
    expect(running.clusterId()).toBe(clusterId);

    const stored = JSON.parse(await readFile(join(dir, 'enroll', 'credential.json'), 'utf8')) as {
      credential: string;
      clusterId: string;
    };
    expect(stored.clusterId).toBe(clusterId);
    const row = (await sql.query('SELECT credential_hash FROM clusters WHERE id = $1', [clusterId]))
      .rows[0] as { credential_hash: Buffer };
    expect(row.credential_hash.equals(createHash('sha256').update(stored.credential).digest())).toBe(true);

    await waitFor(
      async () => (await inventoryCount(clusterId, 'endpoint')) === 16,
      '16 endpoints in cluster_inventory',
    );
    expect(await inventoryCount(clusterId, 'namespace')).toBe(4);
    expect(await inventoryCount(clusterId, 'service')).toBe(7);
    expect(await inventoryCount(clusterId, 'service_account')).toBe(9);
    const { rows } = await sql.query<{ labels: Record<string, string> }>(
      `SELECT labels FROM cluster_inventory WHERE cluster_id = $1 AND kind = 'namespace' AND name = 'db'`,
      [clusterId],
    );
    expect(rows[0]!.labels).toMatchObject({ pci: 'true', team: 'data' });
  });

  it('sends edits of the description as deltas that reach the database', async () => {
    const g = await gateway();
    const { clusterId, token } = await registeredCluster();
    const file = join(dir, 'deltas.yaml');
    await writeFile(file, await readFile(SHOP, 'utf8'));
    const running = await agent(url(g), token, 'deltas', file);
    await waitFor(async () => (await inventoryCount(clusterId, 'endpoint')) === 16, 'the snapshot stored');
    await writeFile(file, (await readFile(file, 'utf8')).replace('replicas: 3', 'replicas: 6'));
    await waitFor(
      async () => (await inventoryCount(clusterId, 'endpoint')) === 19,
      'the scaled workload stored',
    );
    expect(running.status()).toBe('connected');
  });

  it('reconnects by itself with its credential after the gateway crashes and comes back', async () => {
    const first = await gateway();
    const { clusterId, token } = await registeredCluster();
    const { logger, lines } = recordingLogger();
    const running = await agent(url(first), token, 'restart', SHOP, logger);
    await waitFor(() => running.status() === 'connected', 'connected');
    const port = first.port;
    await first.kill();
    gateways.delete(first);
    await waitFor(() => running.status() !== 'connected', 'the agent noticing the crash');
    const second = await gateway(port);
    await waitFor(() => running.status() === 'connected', 'reconnected to the restarted gateway');
    await waitFor(async () => {
      const { rows } = await sql.query<{ connected: boolean; gateway_id: string }>(
        'SELECT connected, gateway_id FROM clusters WHERE id = $1',
        [clusterId],
      );
      return rows[0]!.connected && rows[0]!.gateway_id === second.gatewayId;
    }, 'the status written by the new gateway');

    // A graceful restart (server_shutting_down) too.
    await second.close();
    gateways.delete(second);
    await gateway(port);
    await waitFor(() => running.status() === 'connected', 'reconnected after a graceful restart');
    expect(running.stopReason()).toBeNull();
    // The gateway's farewell is a valid frame: the agent took its reason rather than refusing it.
    expect(lines.filter((l) => l.msg === 'refusing a frame from the gateway')).toEqual([]);
    expect(lines.filter((l) => l.msg === 'tunnel closed').map((l) => l.reason)).toContain(
      'server_shutting_down',
    );
  });

  it('enrolls again with the same token after dying before its credential was stored', async () => {
    const g = await gateway();
    const { clusterId, token } = await registeredCluster();
    const failingStore: CredentialStore = {
      description: 'a store that cannot write',
      load: () => Promise.resolve(null),
      save: () => Promise.reject(new Error('disk full')),
    };
    const doomed = await startAgent({
      provider: await SimulatedProvider.load({ file: SHOP, debounceMs: 20, pollIntervalMs: 100 }),
      gatewayUrl: url(g),
      credentials: failingStore,
      enrollmentToken: token,
      timings: AGENT_TIMINGS,
    });
    agents.push(doomed);
    await waitFor(() => doomed.status() === 'connected', 'connected with an unstored credential');
    await doomed.close();

    const restarted = await agent(url(g), token, 'died-before-storing');
    await waitFor(() => restarted.status() === 'connected', 'the restarted agent connected');
    expect(restarted.clusterId()).toBe(clusterId);
    expect(await storedCredentialIsCurrent('died-before-storing', clusterId)).toBe(true);
  });

  it('the enrollment token is spent once the agent used its credential: a second agent with it is refused and stops', async () => {
    const first = await gateway();
    const { clusterId, token } = await registeredCluster();
    const running = await agent(url(first), token, 'once-a');
    await waitFor(() => running.status() === 'connected', 'the first agent connected');
    // A gateway restart makes the agent come back with its stored credential, which spends the token.
    const port = first.port;
    await first.close();
    gateways.delete(first);
    const g = await gateway(port);
    await waitFor(async () => {
      const { rows } = await sql.query<{ enrollment_token_hash: Buffer | null; connected: boolean }>(
        'SELECT enrollment_token_hash, connected FROM clusters WHERE id = $1',
        [clusterId],
      );
      return rows[0]!.enrollment_token_hash === null && rows[0]!.connected;
    }, 'the credential used and the token spent');
    const second = await agent(url(g), token, 'once-b');
    await waitFor(() => second.status() === 'stopped', 'the second agent to stop');
    expect(second.stopReason()!.reason).toBe('unauthenticated');
    expect(running.status()).toBe('connected');
    expect(await storedCredentialIsCurrent('once-a', clusterId)).toBe(true);
  });

  it('spends the token as soon as the first agent stored its credential: a second agent run with it exits 1 saying what to do, and the first keeps its tunnel', async () => {
    const g = await gateway();
    const { clusterId, token } = await registeredCluster();
    const first = await agent(url(g), token, 'single-use-a');
    await waitFor(() => first.status() === 'connected', 'the first agent connected');
    const sessionOf = async () =>
      (await redis.get(`${prefix}:cluster:${clusterId}:lease`))?.match(/"sessionId":"([^"]+)"/)?.[1];
    const session = await sessionOf();
    expect(session).toBeDefined();
    // No reconnect needed: the agent's credential.stored spends the token on this very session.
    await waitFor(async () => {
      const { rows } = await sql.query<{ enrollment_token_hash: Buffer | null }>(
        'SELECT enrollment_token_hash FROM clusters WHERE id = $1',
        [clusterId],
      );
      return rows[0]!.enrollment_token_hash === null;
    }, 'the token spent while the first session is still open');

    // The agent command, as an operator would run it again with the install token.
    const second = spawn(
      process.execPath,
      [
        '--import',
        './scripts/register.mjs',
        'agent/src/main.ts',
        '--simulate',
        SHOP,
        '--token',
        token,
        '--gateway',
        url(g),
        '--state-dir',
        join(dir, 'single-use-b'),
      ],
      { cwd: ROOT, env: { PATH: process.env['PATH'] ?? '' }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    second.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    second.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => second.on('close', resolve));
    // Refused for good: the exit code that tells a supervisor only a new registration helps.
    expect(code).toBe(AGENT_EXIT.CREDENTIAL_REFUSED);
    expect(output).toMatch(/not valid or was already used/);
    expect(output).toMatch(/register the cluster again/);

    expect(first.status()).toBe('connected');
    expect(await sessionOf()).toBe(session);
    expect(await storedCredentialIsCurrent('single-use-a', clusterId)).toBe(true);
  });

  it('rotates the credential in-band and reconnects with the new one', async () => {
    const g = await gateway();
    const { clusterId, token } = await registeredCluster();
    const running = await agent(url(g), token, 'rotate');
    await waitFor(() => running.status() === 'connected', 'connected');
    const before = JSON.parse(await readFile(join(dir, 'rotate', 'credential.json'), 'utf8')) as {
      credential: string;
    };
    expect(await g.rotateCredential(clusterId)).toBe(true);
    const after = JSON.parse(await readFile(join(dir, 'rotate', 'credential.json'), 'utf8')) as {
      credential: string;
    };
    expect(after.credential).not.toBe(before.credential);
    const { rows } = await sql.query<{ credential_hash: Buffer }>(
      'SELECT credential_hash FROM clusters WHERE id = $1',
      [clusterId],
    );
    expect(rows[0]!.credential_hash.equals(createHash('sha256').update(after.credential).digest())).toBe(
      true,
    );
  });

  it('a revoked credential stops the agent with a clear status', async () => {
    const g = await gateway();
    const { clusterId, token } = await registeredCluster();
    const running = await agent(url(g), token, 'revoke');
    await waitFor(() => running.status() === 'connected', 'connected');
    // What deleting the cluster does in the API: the credential is gone, and every gateway hears a revoke.
    await sql.query('UPDATE clusters SET credential_hash = NULL WHERE id = $1', [clusterId]);
    await redis.publish(`${prefix}:cluster-revocations`, JSON.stringify({ kind: 'revoke', clusterId }));
    await waitFor(() => running.status() === 'stopped', 'the agent to stop');
    expect(running.stopReason()!.reason).toBe('credential_revoked');
  });
});
