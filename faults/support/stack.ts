// TEST TOOLING. The whole stack as `npm start` runs it, on a PostgreSQL and a Redis of the test's
// own (so they can be stopped): the API, the worker and a cluster gateway as children of the same
// supervisor `npm start` uses (a killed one is restarted with backoff), the dev OIDC provider
// in-process, an organisation and an owner API token made with the admin command. Every port is free
// and loopback; close() stops everything and deletes the data.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { startDevOidcProvider } from '@palisade/dev-oidc';
import { migrate } from '@palisade/migrations';
import { freePort, waitFor } from '@palisade/testing';
import { Supervisor, type Supervised } from '../../scripts/supervisor.js';
import { PrivatePostgres } from './private-postgres.js';
import { PrivateRedis } from './private-redis.js';

export const REPO = fileURLToPath(new URL('../../', import.meta.url));
export const NODE_ARGS = ['--enable-source-maps', '--import', './scripts/register.mjs'];
const DB = 'palisade';

export interface GqlAnswer<T> {
  data: T | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

export class FaultStack {
  readonly output: string[] = [];
  readonly processes = new Map<string, Supervised>();

  private constructor(
    readonly pg: PrivatePostgres,
    readonly redis: PrivateRedis,
    readonly supervisor: Supervisor,
    readonly origin: string,
    readonly gatewayPort: number,
    readonly env: Record<string, string>,
    readonly orgSlug: string,
    readonly ownerToken: string,
    private readonly closeOidc: () => Promise<void>,
  ) {}

  get gatewayUrl(): string {
    return `ws://127.0.0.1:${String(this.gatewayPort)}/v1/tunnel`;
  }

  get adminUrl(): string {
    return `${this.pg.url}/${DB}`;
  }

  static async start(): Promise<FaultStack> {
    const [postgres, redis] = await Promise.all([PrivatePostgres.start(), PrivateRedis.start()]);
    const admin = new pg.Client({ connectionString: `${postgres.url}/postgres` });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${DB}`);
    await admin.end();
    await migrate(`${postgres.url}/${DB}`);

    const [apiPort, gatewayPort] = [await freePort(), await freePort()];
    const origin = `http://127.0.0.1:${String(apiPort)}`;
    const oidc = await startDevOidcProvider({
      port: 0,
      log: () => undefined,
      clients: [
        {
          clientId: 'palisade-faults',
          clientSecret: 'faults-secret',
          redirectUris: [`${origin}/auth/callback`],
          postLogoutRedirectUris: [`${origin}/`],
        },
      ],
    });
    const dbUrl = (role: string): string => {
      const u = new URL(`${postgres.url}/${DB}`);
      u.username = role;
      return u.toString();
    };
    const env: Record<string, string> = {
      PATH: process.env['PATH'] ?? '',
      NODE_ENV: 'test',
      HOST: '127.0.0.1',
      PORT: String(apiPort),
      PUBLIC_ORIGIN: origin,
      DATABASE_URL: dbUrl('palisade_app'),
      DATABASE_ADMIN_URL: `${postgres.url}/${DB}`,
      DATABASE_POOL_SIZE: '4',
      REDIS_URL: redis.url,
      REDIS_PREFIX: `palisade-faults-${randomBytes(4).toString('hex')}`,
      OIDC_ISSUER: oidc.issuer,
      OIDC_CLIENT_ID: 'palisade-faults',
      OIDC_CLIENT_SECRET: 'faults-secret',
      OIDC_ALLOW_INSECURE_HTTP: 'true',
      GATEWAY_PUBLIC_URL: `ws://127.0.0.1:${String(gatewayPort)}/v1/tunnel`,
      LOG_LEVEL: 'warn',
    };
    const orgSlug = 'faults';
    runAdmin(env, ['create-org', '--slug', orgSlug, '--name', 'Faults', '--owner', 'owner@example.com']);
    const ownerToken = runAdmin(env, ['create-token', '--org', orgSlug, '--role', 'owner']).at(-1) ?? '';

    const supervisor = new Supervisor({
      policy: { initialDelayMs: 100, maxDelayMs: 1_000, stableAfterMs: 10_000, stopGraceMs: 5_000 },
      out: (line) => stack.log(line),
    });
    const stack = new FaultStack(
      postgres,
      redis,
      supervisor,
      origin,
      gatewayPort,
      env,
      orgSlug,
      ownerToken,
      () => oidc.close(),
    );
    try {
      const node = (entry: string, extra: Record<string, string> = {}) => ({
        command: process.execPath,
        cwd: REPO,
        args: () => [...NODE_ARGS, entry],
        env: { ...env, ...extra },
      });
      stack.processes.set('api', supervisor.run({ name: 'api', ...node('services/api/src/main.ts') }));
      stack.processes.set(
        'worker',
        supervisor.run({ name: 'worker', ...node('services/api/src/worker.ts') }),
      );
      stack.processes.set(
        'gateway',
        supervisor.run({
          name: 'gateway',
          ...node('services/cluster-gateway/src/main.ts', {
            PORT: String(gatewayPort),
            DATABASE_URL: dbUrl('palisade_gateway'),
            DATABASE_POOL_SIZE: '4',
          }),
        }),
      );
      await stack.ready();
    } catch (error) {
      await stack.close();
      throw error;
    }
    return stack;
  }

  log(line: string): void {
    this.output.push(line);
    if (this.output.length > 2_000) this.output.splice(0, this.output.length - 2_000);
  }

  /** Waits until the API and the gateway answer /readyz. */
  async ready(timeoutMs = 90_000): Promise<void> {
    const ok = async (url: string) => (await fetch(url)).ok;
    await waitFor(() => ok(`${this.origin}/readyz`), 'the API ready', timeoutMs, 200);
    await waitFor(
      () => ok(`http://127.0.0.1:${String(this.gatewayPort)}/readyz`),
      'the gateway ready',
      timeoutMs,
      200,
    );
  }

  /** kill -9 of a supervised process (api, worker, gateway, an agent); resolves once it runs again. */
  async kill9(name: string): Promise<void> {
    const child = this.processes.get(name);
    const pid = child?.pid();
    if (child === undefined || pid === undefined) throw new Error(`${name} is not running`);
    const starts = child.starts();
    process.kill(pid, 'SIGKILL');
    await waitFor(() => child.starts() > starts && child.pid() !== undefined, `${name} restarted`, 30_000);
  }

  async gql<T>(query: string, variables: Record<string, unknown> = {}): Promise<GqlAnswer<T>> {
    const r = await fetch(`${this.origin}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${this.ownerToken}` },
      body: JSON.stringify({ query, variables }),
    });
    return (await r.json()) as GqlAnswer<T>;
  }

  /** A GraphQL answer's data, or a throw with its errors (for polling: the API may be restarting). */
  async data<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
    const r = await this.gql<T>(query, variables);
    if (r.data === null || (r.errors?.length ?? 0) > 0)
      throw new Error(r.errors?.map((e) => e.message).join('; ') ?? 'no data');
    return r.data;
  }

  async sql<R extends pg.QueryResultRow>(text: string, params: unknown[] = []): Promise<R[]> {
    const c = new pg.Client({ connectionString: this.adminUrl });
    await c.connect();
    try {
      return (await c.query<R>(text, params)).rows;
    } finally {
      await c.end();
    }
  }

  /** The last lines of every process, for a failure message. */
  logs(lines = 200): string {
    return this.output.slice(-lines).join('\n');
  }

  async close(): Promise<void> {
    await this.supervisor.stop();
    await this.closeOidc();
    await this.redis.close();
    this.pg.close();
  }
}

/** The admin command (`npm run admin -- …`) against the stack's database; its output lines. */
export function runAdmin(env: Record<string, string>, args: string[]): string[] {
  const r = spawnSync(process.execPath, [...NODE_ARGS, 'services/api/src/admin/admin.ts', ...args], {
    cwd: REPO,
    env,
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`admin ${args.join(' ')} failed (${String(r.status)}): ${r.stderr}`);
  return r.stdout.trim().split('\n');
}
