// The API's database handle. It connects as `palisade_app`, which owns no tables and never
// bypasses row-level security, so every tenant read and write must run inside `inOrg` (or
// `asUser` for the few user-owned rows): those open a transaction and set app.org_id /
// app.user_id / app.user_email for it alone (set_config(..., true)), which the RLS policies read.
// Repositories are the only callers; they still filter by org id in every `where` (two layers).
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient, type Prisma } from '../../generated/prisma/client.js';

export type Tx = Prisma.TransactionClient;

export interface TenantContext {
  orgId?: string | null;
  userId?: string | null;
  email?: string | null;
}

export class Database {
  readonly prisma: PrismaClient;

  constructor(url: string, poolSize: number) {
    const adapter = new PrismaPg({ connectionString: url, max: poolSize });
    this.prisma = new PrismaClient({ adapter });
  }

  /** Runs `fn` in one transaction scoped to an organisation (and, if given, the calling user). */
  inOrg<T>(ctx: TenantContext & { orgId: string }, fn: (tx: Tx) => Promise<T>): Promise<T> {
    return this.withContext(ctx, fn);
  }

  /** Runs `fn` in one transaction that sees only the calling user's own cross-tenant rows. */
  asUser<T>(ctx: { userId: string; email: string }, fn: (tx: Tx) => Promise<T>): Promise<T> {
    return this.withContext(ctx, fn);
  }

  /**
   * Reads that need no logic between queries: runs the given queries in one batched transaction
   * after setting the tenant context — one round of statements instead of an interactive
   * transaction, which keeps the hot read paths (the GraphQL list fields) cheap.
   */
  async read<const Q extends readonly Prisma.PrismaPromise<unknown>[]>(
    ctx: TenantContext,
    build: (db: Tx) => Q,
  ): Promise<{ -readonly [K in keyof Q]: Awaited<Q[K]> }> {
    const results = await this.prisma.$transaction([
      this.setContext(this.prisma, ctx),
      ...build(this.prisma),
    ]);
    return results.slice(1) as { -readonly [K in keyof Q]: Awaited<Q[K]> };
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
  }

  private withContext<T>(ctx: TenantContext, fn: (tx: Tx) => Promise<T>): Promise<T> {
    return this.prisma.$transaction(async (tx) => {
      await this.setContext(tx, ctx);
      return fn(tx);
    });
  }

  private setContext(db: Tx, ctx: TenantContext): Prisma.PrismaPromise<number> {
    return db.$executeRaw`SELECT set_config('app.org_id', ${ctx.orgId ?? ''}, true),
      set_config('app.user_id', ${ctx.userId ?? ''}, true),
      set_config('app.user_email', ${ctx.email ?? ''}, true)`;
  }
}
