// The gateway test context: a database cloned from the run's template, a Redis prefix of its own,
// gateways started on loopback as `palisade_gateway`, and factories that insert organisations and
// clusters with SQL as the superuser (the API does that in production).
import { createHash, randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import pg from 'pg';
import { inject } from 'vitest';
import { startGateway, type GatewayTuning, type RunningGateway } from '../../src/gateway.js';
import { redisKeys, type RedisKeys } from '../../src/routing/keys.js';
import type { JsonObject } from '@palisade/protocol';
import { cloneDatabase, type TestDatabase } from '@palisade/migrations/test-databases';

const REDIS_URL = process.env['PALISADE_TEST_REDIS'] ?? 'redis://127.0.0.1:6379';

/** Short clocks so deadlines are reached in tests; production values are in limits.ts. */
export const FAST_TUNING: Partial<GatewayTuning> = {
  sweepIntervalMs: 50,
  heartbeatIntervalMs: 300,
  leaseTtlMs: 3_000,
  statusWriteIntervalMs: 500,
  // Every test dials from 127.0.0.1 and many refuse credentials on purpose; the rate limits have
  // their own tests (test/rate-limits.test.ts), which set them low again.
  connectsPerIp: 100_000,
  failedAuthsPerIp: 100_000,
  connectsPerCluster: 100_000,
};

export interface EnrolledCluster {
  orgId: string;
  clusterId: string;
  credential: string;
}

export class GatewayHarness {
  readonly keys: RedisKeys;
  readonly #gateways = new Set<RunningGateway>();
  readonly #clients: Redis[] = [];

  private constructor(
    readonly db: TestDatabase,
    readonly sql: pg.Pool,
    readonly redis: Redis,
    readonly prefix: string,
  ) {
    this.keys = redisKeys(prefix);
  }

  static async start(): Promise<GatewayHarness> {
    const db = await cloneDatabase(inject('gatewayTemplateDb'), 'palisade_gwt');
    const sql = new pg.Pool({ connectionString: db.adminUrl, max: 3 });
    // DROP DATABASE … WITH (FORCE) at the end may terminate a connection the pool is still closing.
    sql.on('error', () => undefined);
    const prefix = `gwtest-${randomBytes(5).toString('hex')}`;
    return new GatewayHarness(db, sql, new Redis(REDIS_URL), prefix);
  }

  get gatewayDatabaseUrl(): string {
    return this.db.urlAs('palisade_gateway');
  }

  async gateway(
    options: { tuning?: Partial<GatewayTuning>; port?: number; gatewayId?: string } = {},
  ): Promise<RunningGateway> {
    const gateway = await startGateway({
      port: options.port ?? 0,
      databaseUrl: this.gatewayDatabaseUrl,
      redisUrl: REDIS_URL,
      redisPrefix: this.prefix,
      logLevel: 'silent',
      tuning: { ...FAST_TUNING, ...options.tuning },
      ...(options.gatewayId === undefined ? {} : { gatewayId: options.gatewayId }),
    });
    this.#gateways.add(gateway);
    return gateway;
  }

  url(gateway: RunningGateway, path = '/v1/tunnel'): string {
    return `ws://127.0.0.1:${String(gateway.port)}${path}`;
  }

  async newOrg(): Promise<string> {
    const slug = `org-${randomBytes(4).toString('hex')}`;
    const { rows } = await this.sql.query<{ id: string }>(
      'INSERT INTO organizations (slug, name) VALUES ($1, $1) RETURNING id',
      [slug],
    );
    return rows[0]!.id;
  }

  /** A registered cluster with a fresh enrollment token, as `registerCluster` leaves it. */
  async newCluster(
    orgId?: string,
    expiresInMs = 24 * 3_600_000,
  ): Promise<{ orgId: string; clusterId: string; token: string }> {
    const org = orgId ?? (await this.newOrg());
    const token = `pen_${randomBytes(32).toString('base64url')}`;
    const { rows } = await this.sql.query<{ id: string }>(
      `INSERT INTO clusters (org_id, name, enrollment_token_hash, enrollment_expires_at)
       VALUES ($1, $2, $3, now() + make_interval(secs => $4::double precision / 1000)) RETURNING id`,
      [org, `c-${randomBytes(4).toString('hex')}`, sha256(token), expiresInMs],
    );
    return { orgId: org, clusterId: rows[0]!.id, token };
  }

  /** A cluster that already holds a credential (as if it had enrolled earlier). */
  async enrolledCluster(orgId?: string): Promise<EnrolledCluster> {
    const { orgId: org, clusterId } = await this.newCluster(orgId);
    const credential = `pcc_${randomBytes(32).toString('base64url')}`;
    await this.sql.query(
      `UPDATE clusters SET enrollment_token_hash = NULL, credential_hash = $2, credential_issued_at = now() WHERE id = $1`,
      [clusterId, sha256(credential)],
    );
    return { orgId: org, clusterId, credential };
  }

  async cluster(clusterId: string): Promise<Record<string, unknown> | undefined> {
    const { rows } = await this.sql.query('SELECT * FROM clusters WHERE id = $1', [clusterId]);
    return rows[0] as Record<string, unknown> | undefined;
  }

  /** A subscriber connection on `channel`, collecting parsed JSON messages. */
  /** What the API would have computed for a cluster: its desired set at `generation`. */
  async setDesired(
    orgId: string,
    clusterId: string,
    generation: number,
    resources: JsonObject[],
  ): Promise<void> {
    await this.sql.query(
      `INSERT INTO cluster_desired_state (cluster_id, org_id, generation, resource_set_hash, resources)
       VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (cluster_id) DO UPDATE SET generation = $3, resource_set_hash = $4, resources = $5`,
      [clusterId, orgId, generation, `hash-${String(generation)}`, JSON.stringify(resources)],
    );
  }

  /** The cluster's sync status row, as the gateway wrote it. */
  async syncRow(clusterId: string) {
    const { rows } = await this.sql.query<{
      applied_generation: string;
      status: string;
      error: string | null;
    }>('SELECT applied_generation, status, error FROM cluster_sync_status WHERE cluster_id = $1', [
      clusterId,
    ]);
    return rows[0];
  }

  async subscribe<T>(channel: string): Promise<T[]> {
    const subscriber = new Redis(REDIS_URL);
    this.#clients.push(subscriber);
    const seen: T[] = [];
    subscriber.on('message', (_channel: string, text: string) => seen.push(JSON.parse(text) as T));
    await subscriber.subscribe(channel);
    return seen;
  }

  async publish(channel: string, message: unknown): Promise<void> {
    await this.redis.publish(channel, typeof message === 'string' ? message : JSON.stringify(message));
  }

  async stop(): Promise<void> {
    await Promise.allSettled([...this.#gateways].map((g) => g.close()));
    for (const client of this.#clients) client.disconnect();
    const leftovers = await this.redis.keys(`${this.prefix}:*`);
    if (leftovers.length > 0) await this.redis.del(...leftovers);
    this.redis.disconnect();
    await this.sql.end();
    await this.db.drop();
  }
}

export function sha256(secret: string): Buffer {
  return createHash('sha256').update(secret, 'utf8').digest();
}
