// Offset pagination behind opaque cursors, for small, slowly changing lists (members, tokens).
import {
  type ConnectionShape,
  type PageArgs,
  decodeCursor,
  isOffsetCursor,
  pageSize,
  toConnection,
} from './connection.js';

export async function offsetPage<R, T>(
  args: PageArgs,
  load: (skip: number, take: number) => Promise<{ rows: R[]; total: number }>,
  map: (row: R) => T,
): Promise<ConnectionShape<T>> {
  const limit = pageSize(args);
  const skip = decodeCursor(args.after, isOffsetCursor)?.o ?? 0;
  const { rows, total } = await load(skip, limit + 1);
  let i = skip;
  return toConnection(rows, limit, total, skip > 0, () => ({ o: ++i }), map);
}
