// The gateway's Postgres pool. It connects as `palisade_gateway`, which bypasses row-level
// security but is granted only the cluster tables (migration 0002), so every statement here is
// scoped by cluster id explicitly.
import pg from 'pg';
import { DATABASE_IDLE_TIMEOUT_MS, DATABASE_WORK_MEM_MB } from '../limits.js';

export type Database = pg.Pool;

/**
 * Session settings of every gateway connection, sent with the startup packet (no round trip).
 * JIT off: the gateway's statements are short writes and lookups, and compiling never pays; the
 * flow writer's statement over unnest arrays is estimated far above its real cost (the join of
 * the policy hits to their records), which switched JIT on for 130–800 ms per write of a few
 * thousand rows (decision 0190). work_mem: see DATABASE_WORK_MEM_MB.
 */
const SESSION_OPTIONS = `-c jit=off -c work_mem=${String(DATABASE_WORK_MEM_MB)}MB`;

export function connectDatabase(url: string, size: number): Database {
  const pool = new pg.Pool({
    connectionString: url,
    max: size,
    idleTimeoutMillis: DATABASE_IDLE_TIMEOUT_MS,
    options: SESSION_OPTIONS,
  });
  // An idle client losing its connection must not crash the process; the next query reconnects.
  pool.on('error', () => undefined);
  // Nor may a checked-out one (a transaction when Postgres restarts or cuts the connection): the
  // pool listens only while a client is idle, and an unheard 'error' event ends the process. The
  // failure still reaches the caller as its query's rejection, and the pool discards the client
  // on release because it is no longer queryable.
  pool.on('connect', (client) => client.on('error', () => undefined));
  return pool;
}

/** Runs `work` in a transaction on one client; rolls back on any error. */
export async function inTransaction<T>(
  db: Database,
  work: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  const client = await db.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

// SQLSTATEs the gateway acts on.
const DEADLOCK_DETECTED = '40P01';
const UNIQUE_VIOLATION = '23505';

/** A statement refused because its row's key is already taken. */
export function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === UNIQUE_VIOLATION;
}

/**
 * Runs a multi-row statement again when Postgres aborted it to break a deadlock. Batched status
 * writes of different kinds (and of different gateways) may lock the same clusters in different
 * orders; inputs are sorted by id to make that rare, and this makes it harmless.
 */
export async function retryOnDeadlock<T>(work: () => Promise<T>, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      const code = (error as { code?: unknown } | null)?.code;
      if (code !== DEADLOCK_DETECTED || attempt >= attempts) throw error;
    }
  }
}
