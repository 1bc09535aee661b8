// Counts the SQL statements this process sends to Postgres, at the driver: every `query` call of a
// node-postgres client (Prisma's pg adapter and Database.query both go through it), BEGIN, COMMIT
// and set_config included, since each one is a statement the server executes. Tests use it to
// assert that a page costs a bounded number of statements; it changes nothing that is sent.
import pg from 'pg';

export interface StatementCount {
  /** Statements sent since `start`, in order (their text, collapsed to one line). */
  readonly statements: readonly string[];
  stop(): void;
}

/** Starts counting. Only one counter may run at a time; `stop` restores the driver. */
export function countStatements(): StatementCount {
  const proto = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
  const original = proto.query;
  if ((original as { counting?: boolean }).counting)
    throw new Error('a statement counter is already running');
  const statements: string[] = [];
  const counting = function (this: unknown, ...args: unknown[]): unknown {
    const first = args[0];
    const text =
      typeof first === 'string'
        ? first
        : first && typeof first === 'object' && 'text' in first
          ? String(first.text)
          : String(first);
    statements.push(text.replace(/\s+/g, ' ').trim());
    return original.apply(this, args);
  };
  (counting as { counting?: boolean }).counting = true;
  proto.query = counting;
  return {
    statements,
    stop: () => {
      proto.query = original;
    },
  };
}
