// The gateway's Postgres pool. It connects as `palisade_gateway`, which bypasses row-level
// security but is granted only the cluster tables (migration 0002), so every statement here is
// scoped by cluster id explicitly.
import pg from 'pg';

export type Database = pg.Pool;

export function connectDatabase(url: string, size: number): Database {
  const pool = new pg.Pool({ connectionString: url, max: size, idleTimeoutMillis: 30_000 });
  // An idle client losing its connection must not crash the process; the next query reconnects.
  pool.on('error', () => undefined);
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
