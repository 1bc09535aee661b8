// The API's database handle. It connects as `palisade_app`, which owns no tables and never
// bypasses row-level security, so every tenant read and write must run inside `inOrg` (or
// `asUser` for the few user-owned rows): those open a transaction and set app.org_id /
// app.user_id / app.user_email for it alone (set_config(..., true)), which the RLS policies read.
// Repositories are the only callers; they still filter by org id in every `where` (two layers).
//
// Two ways in, over one pool: Prisma (every write, and most reads) and `query`, the read path for
// the statements every request runs (authentication, access, the organisation and its members),
// which sends BEGIN READ ONLY, the tenant context, the statements and COMMIT as one pipelined
// round trip on one connection. Measured in bench/api, a Prisma transaction costs ~1 ms of CPU per
// request on this path and the pipelined one ~0.2 ms (docs/decisions/0011).
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { TRANSACTION_TIMEOUT_MS } from '../../config/limits.js';
import { PrismaClient, type Prisma } from '../../generated/prisma/client.js';
import type { RowOf, SqlQuery } from './sql.js';
import type { AccessScope } from '@palisade/access';
import { CLEAR_DENIED, SCOPE_INPUTS, deniedIds, needsDenyLists, setDenied } from '../access/access-scope.js';

export type Tx = Prisma.TransactionClient;

export interface TenantContext {
  orgId?: string | null;
  userId?: string | null;
  email?: string | null;
  /**
   * The caller's scope in orgId (OrgScope.access): a limited one hides what lies outside it from
   * every statement of the transaction (platform/access/access-scope.ts, migration 0029).
   */
  access?: AccessScope | null;
}

export interface TransactionLimits {
  /** For bulk changes that legitimately run longer than TRANSACTION_TIMEOUT_MS. */
  timeoutMs?: number;
}

type Rows<Q extends readonly SqlQuery<unknown>[]> = { -readonly [K in keyof Q]: RowOf<Q[K]>[] };

const SET_CONTEXT = `SELECT set_config('app.org_id', $1, true), set_config('app.user_id', $2, true),
  set_config('app.user_email', $3, true)`;

export class Database {
  readonly prisma: PrismaClient;
  private readonly pool: pg.Pool;

  constructor(url: string, poolSize: number) {
    // Pipeline mode only changes what happens when several statements are queued on one client
    // at once (they go out without waiting for each other); Prisma awaits each of its statements,
    // so it behaves exactly as on a plain pool.
    this.pool = new pg.Pool({ connectionString: url, max: poolSize, pipeline: true });
    // An idle connection that breaks is dropped by the pool and replaced on the next checkout;
    // without a listener the 'error' event would end the process.
    this.pool.on('error', () => undefined);
    this.prisma = new PrismaClient({ adapter: new PrismaPg(this.pool) });
  }

  /**
   * Read-only SQL in one transaction scoped to the tenant context, pipelined: one round trip.
   * Resolves with each statement's rows, in order; rejects with the first statement's error.
   */
  async query<const Q extends readonly SqlQuery<unknown>[]>(
    ctx: TenantContext,
    queries: Q,
  ): Promise<Rows<Q>> {
    const client = await this.pool.connect();
    let broken: Error | undefined;
    try {
      // A limited caller costs one more round trip: its deny lists come from the scope inputs.
      let prefix: Promise<unknown>[] = [
        client.query('BEGIN READ ONLY'),
        client.query(SET_CONTEXT, [ctx.orgId ?? '', ctx.userId ?? '', ctx.email ?? '']),
      ];
      if (needsDenyLists(ctx.access)) {
        const inputs = SCOPE_INPUTS.map((q) => client.query(q.text, q.values as unknown[]));
        const read = await Promise.allSettled([...prefix, ...inputs]);
        const bad = read.find((r): r is PromiseRejectedResult => r.status === 'rejected');
        if (bad) {
          await client.query('ROLLBACK').catch(() => undefined);
          if (!isServerError(bad.reason)) broken = bad.reason as Error;
          throw bad.reason;
        }
        const [c, r, d] = read
          .slice(2)
          .map((x) => (x as PromiseFulfilledResult<pg.QueryResult<Record<string, unknown>>>).value.rows);
        const deny = setDenied(deniedIds(ctx.access, c as never, r as never, d as never));
        prefix = [Promise.resolve(), client.query(deny.text, deny.values as unknown[])];
      }
      const sent = [
        ...prefix,
        ...queries.map((q) => client.query(q.text, q.values as unknown[])),
        client.query('COMMIT'),
      ];
      // Every statement must settle before the connection goes back to the pool. After a failed
      // statement the rest fail as "transaction aborted" and COMMIT rolls back, leaving it clean.
      const settled = await Promise.allSettled(sent);
      const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) {
        if (!isServerError(failed.reason)) broken = failed.reason as Error;
        throw failed.reason;
      }
      const rows: unknown[][] = settled
        .slice(2, -1)
        .map((r) => (r as PromiseFulfilledResult<pg.QueryResult<Record<string, unknown>>>).value.rows);
      return rows as Rows<Q>;
    } finally {
      client.release(broken);
    }
  }

  /** One statement with no tenant context: only tables without RLS and definer functions. */
  async queryGlobal<R>(q: SqlQuery<R>): Promise<R[]> {
    const result = await this.pool.query(q.text, q.values as unknown[]);
    return result.rows as R[];
  }

  /** Runs `fn` in one transaction scoped to an organisation (and, if given, the calling user). */
  inOrg<T>(
    ctx: TenantContext & { orgId: string },
    fn: (tx: Tx) => Promise<T>,
    opts: TransactionLimits = {},
  ): Promise<T> {
    return this.withContext(ctx, fn, opts);
  }

  /** Runs `fn` in one transaction that sees only the calling user's own cross-tenant rows. */
  asUser<T>(ctx: { userId: string; email: string }, fn: (tx: Tx) => Promise<T>): Promise<T> {
    return this.withContext(ctx, fn);
  }

  /**
   * Reads that need no logic between queries: runs the given queries in one transaction after
   * setting the tenant context. An interactive transaction, not Prisma's array form: in a
   * sequential micro-benchmark the array form cost ~0.8 ms more CPU per call with a model query.
   */
  read<const Q extends readonly Prisma.PrismaPromise<unknown>[]>(
    ctx: TenantContext,
    build: (db: Tx) => Q,
  ): Promise<{ -readonly [K in keyof Q]: Awaited<Q[K]> }> {
    return this.withContext(ctx, (tx) => Promise.all(build(tx)));
  }

  /** No tenant context: only tables without RLS (users, sessions) are readable. */
  global<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return this.withContext({}, fn);
  }

  async ping(): Promise<void> {
    await this.prisma.$queryRaw`SELECT 1`;
  }

  async close(): Promise<void> {
    await this.prisma.$disconnect();
    if (!this.pool.ended) await this.pool.end();
  }

  private withContext<T>(
    ctx: TenantContext,
    fn: (tx: Tx) => Promise<T>,
    opts: TransactionLimits = {},
  ): Promise<T> {
    return this.prisma.$transaction(
      async (tx) => {
        await this.setContext(tx, ctx);
        if (needsDenyLists(ctx.access)) await this.installDenyLists(tx, ctx.access);
        return fn(tx);
      },
      { timeout: opts.timeoutMs ?? TRANSACTION_TIMEOUT_MS },
    );
  }

  private async installDenyLists(tx: Tx, scope: AccessScope): Promise<void> {
    const [clusters, resources, reports] = await Promise.all(
      SCOPE_INPUTS.map((q) => tx.$queryRawUnsafe<Record<string, unknown>[]>(q.text, ...q.values)),
    );
    const deny = setDenied(deniedIds(scope, clusters as never, resources as never, reports as never));
    await tx.$queryRawUnsafe(deny.text, ...deny.values);
  }

  /**
   * Runs `fn` inside a limited caller's transaction with the whole organisation visible, for the
   * system computations a write triggers (the rollout's desired state must count every resource
   * of a cluster, not only those the caller sees). Never hands rows to the caller.
   */
  static async unrestricted<T>(tx: Tx, fn: () => Promise<T>): Promise<T> {
    const saved = await tx.$queryRawUnsafe<{ c: string; p: string; r: string }[]>(
      `SELECT current_setting('app.denied_clusters', true) AS c, current_setting('app.denied_policies', true) AS p,
              current_setting('app.denied_reports', true) AS r`,
    );
    const s = saved[0];
    if (!s || (!s.c && !s.p && !s.r)) return fn();
    await tx.$queryRawUnsafe(CLEAR_DENIED.text);
    // On a failure the transaction rolls back as a whole: nothing to restore.
    const result = await fn();
    await tx.$queryRawUnsafe(
      `SELECT set_config('app.denied_clusters', $1, true), set_config('app.denied_policies', $2, true),
                set_config('app.denied_reports', $3, true)`,
      s.c,
      s.p,
      s.r,
    );
    return result;
  }

  private setContext(db: Tx, ctx: TenantContext): Prisma.PrismaPromise<number> {
    return db.$executeRaw`SELECT set_config('app.org_id', ${ctx.orgId ?? ''}, true),
      set_config('app.user_id', ${ctx.userId ?? ''}, true),
      set_config('app.user_email', ${ctx.email ?? ''}, true)`;
  }
}

/** An error Postgres sent back (the connection is fine) rather than a broken connection. */
function isServerError(err: unknown): boolean {
  return err instanceof pg.DatabaseError;
}
