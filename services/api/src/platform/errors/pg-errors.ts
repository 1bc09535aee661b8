// Recognises PostgreSQL errors that carry a domain meaning (unique violations, check violations)
// whether they arrive raw from `pg` or wrapped by Prisma's driver adapter.
interface MaybePgError {
  code?: unknown;
  constraint?: unknown;
  meta?: {
    driverAdapterError?: { cause?: { originalCode?: unknown; constraint?: unknown; kind?: unknown } };
  };
  cause?: unknown;
}

export function isUniqueViolation(err: unknown, constraint?: string): boolean {
  const e = err as MaybePgError | null;
  if (!e || typeof e !== 'object') return false;
  const cause = e.meta?.driverAdapterError?.cause;
  const code =
    e.code === '23505' ||
    e.code === 'P2002' ||
    cause?.originalCode === '23505' ||
    cause?.kind === 'UniqueConstraintViolation';
  if (!code) return e.cause ? isUniqueViolation(e.cause, constraint) : false;
  if (!constraint) return true;
  const text = JSON.stringify({ c: e.constraint, m: e.meta, msg: (e as Error).message });
  return text.includes(constraint);
}
