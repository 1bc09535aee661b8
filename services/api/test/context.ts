// The API test context: a fresh database cloned from the run's template, a unique Redis key prefix,
// the real dev OIDC provider and the real API server on loopback ports. Factories create
// organisations, members, tokens and signed-in sessions so tests stay short.
import { randomBytes } from 'node:crypto';
import { freePort } from '@palisade/testing';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import pg from 'pg';
import { inject } from 'vitest';
import { startDevOidcProvider } from '@palisade/dev-oidc';
import { DEMO_PASSWORD } from '@palisade/dev-oidc/users';
import { loginThroughForm, TestBrowser } from '@palisade/dev-oidc/test-login';
import { loadEnv, type Env } from '../src/config/env.js';
import { createLogger } from '../src/platform/http/logger.js';
import { createApiServer } from '../src/server.js';
import { Database } from '../src/platform/db/database.js';
import { AdminService } from '../src/admin/admin-service.js';
import type { Role } from '../src/platform/access/roles.js';
import { cloneDatabase } from '@palisade/migrations/test-databases';

export interface GqlResult<T = Record<string, unknown>> {
  status: number;
  data: T | null;
  errors?: {
    message: string;
    path?: string[];
    extensions?: { code?: string; field?: (string | number)[]; errorId?: string };
  }[];
}

export interface Caller {
  headers: Record<string, string>;
  label: string;
}

export async function createTestDatabase(): Promise<{
  name: string;
  appUrl: string;
  adminUrl: string;
  drop(): Promise<void>;
}> {
  const db = await cloneDatabase(inject('templateDb'), 'palisade_t');
  return { name: db.name, appUrl: db.urlAs('palisade_app'), adminUrl: db.adminUrl, drop: () => db.drop() };
}

export class TestContext {
  private constructor(
    readonly env: Env,
    readonly app: NestFastifyApplication,
    readonly origin: string,
    readonly adminDb: Database,
    readonly admin: AdminService,
    private readonly cleanup: (() => Promise<void>)[],
  ) {}

  static async start(overrides: Record<string, string> = {}): Promise<TestContext> {
    const db = await createTestDatabase();
    const port = await freePort();
    const origin = `http://127.0.0.1:${port}`;
    const oidc = await startDevOidcProvider({
      port: 0,
      log: () => undefined,
      clients: [
        {
          clientId: 'palisade-test',
          clientSecret: 'test-secret',
          redirectUris: [`${origin}/auth/callback`],
          postLogoutRedirectUris: [`${origin}/`],
        },
      ],
    });
    const env = loadEnv({
      NODE_ENV: 'test',
      PORT: String(port),
      PUBLIC_ORIGIN: origin,
      DATABASE_URL: db.appUrl,
      DATABASE_ADMIN_URL: db.adminUrl,
      DATABASE_POOL_SIZE: '4',
      REDIS_PREFIX: `palisade-test-${randomBytes(4).toString('hex')}`,
      OIDC_ISSUER: oidc.issuer,
      OIDC_CLIENT_ID: 'palisade-test',
      OIDC_CLIENT_SECRET: 'test-secret',
      OIDC_ALLOW_INSECURE_HTTP: 'true',
      LOG_LEVEL: 'silent',
      ...overrides,
    });
    const app = await createApiServer(env, createLogger('silent', 'api-test'));
    await app.listen({ port, host: '127.0.0.1' });
    const adminDb = new Database(db.adminUrl, 2);
    return new TestContext(env, app, origin, adminDb, new AdminService(adminDb), [
      () => app.close(),
      () => adminDb.close(),
      () => oidc.close(),
      () => db.drop(),
    ]);
  }

  async close(): Promise<void> {
    for (const fn of this.cleanup) await fn();
  }

  /** A new organisation with an owner (created as an operator would, through AdminService). */
  async newOrg(
    slug = `org-${randomBytes(3).toString('hex')}`,
    ownerEmail = `owner-${slug}@example.com`,
  ): Promise<{ slug: string; orgId: string; ownerEmail: string }> {
    const { orgId } = await this.admin.createOrg(slug, `Org ${slug}`, ownerEmail);
    return { slug, orgId, ownerEmail };
  }

  async newMember(
    slug: string,
    role: Role,
    email = `${role}-${randomBytes(3).toString('hex')}@example.com`,
  ): Promise<string> {
    await this.admin.addMember(slug, email, role);
    return email;
  }

  async tokenCaller(slug: string, role: Role, ttlMs = 3_600_000): Promise<Caller & { secret: string }> {
    const secret = await this.admin.createToken(slug, role, `test-${role}`, ttlMs);
    return { secret, label: `token:${role}@${slug}`, headers: { authorization: `Bearer ${secret}` } };
  }

  /**
   * A signed-in browser session for `email`, obtained through the real sign-in flow: the API's
   * /auth/login, the dev provider's login form, the API's /auth/callback.
   */
  async signIn(
    email: string,
    password = DEMO_PASSWORD,
  ): Promise<Caller & { cookies: Record<string, string> }> {
    const login = await fetch(`${this.origin}/auth/login`, { redirect: 'manual' });
    if (login.status !== 303) throw new Error(`/auth/login answered ${login.status}`);
    const loginCookie = cookiesOf(login)['pal_login'];
    const authorizationUrl = login.headers.get('location');
    if (!authorizationUrl || !loginCookie) throw new Error('no authorization redirect or pal_login cookie');
    const callbackUrl = await loginThroughForm(authorizationUrl, email, password, new TestBrowser());
    const cb = await fetch(callbackUrl, {
      redirect: 'manual',
      headers: { cookie: `pal_login=${loginCookie}` },
    });
    if (cb.status !== 303) throw new Error(`/auth/callback answered ${cb.status}: ${await cb.text()}`);
    const cookies = cookiesOf(cb);
    const session = cookies['pal_session'];
    const csrf = cookies['pal_csrf'];
    if (!session || !csrf) throw new Error('no session cookies after callback');
    return {
      label: email,
      cookies,
      headers: { cookie: `pal_session=${session}; pal_csrf=${csrf}`, 'x-palisade-csrf': csrf },
    };
  }

  async gql<T = Record<string, unknown>>(
    caller: Caller | null,
    query: string,
    variables: Record<string, unknown> = {},
  ): Promise<GqlResult<T>> {
    const res = await fetch(`${this.origin}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(caller?.headers ?? {}) },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await res.json()) as Omit<GqlResult<T>, 'status'>;
    return { status: res.status, ...body };
  }

  /** Runs SQL as the system role (bypasses RLS): for assertions about what really is stored. */
  async sql<R extends Record<string, unknown>>(text: string, params: unknown[] = []): Promise<R[]> {
    const c = new pg.Client({ connectionString: this.env.DATABASE_ADMIN_URL });
    await c.connect();
    try {
      return (await c.query<R>(text, params)).rows;
    } finally {
      await c.end();
    }
  }
}

export function cookiesOf(res: Response): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of res.headers.getSetCookie()) {
    const [pair] = line.split(';');
    const eq = pair?.indexOf('=') ?? -1;
    if (pair && eq > 0) out[pair.slice(0, eq)] = decodeURIComponent(pair.slice(eq + 1));
  }
  return out;
}

export function codeOf(r: GqlResult): string | undefined {
  return r.errors?.[0]?.extensions?.code;
}
