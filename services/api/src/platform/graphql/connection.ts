// Relay-style connections. Every list in the schema is one: `first`/`after` in, edges with opaque
// cursors, pageInfo and totalCount out. Cursors are opaque base64url JSON of the list's sort key.
import { type Type } from '@nestjs/common';
import { ArgsType, Field, Int, ObjectType } from '@nestjs/graphql';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../../config/limits.js';
import { AppError } from '../errors/app-error.js';

@ObjectType({ description: 'Where a page sits in its list (Relay cursor pagination, forward only).' })
export class PageInfo {
  @Field(() => Boolean, {
    description: 'True when more items follow this page: ask again with after: endCursor.',
  })
  hasNextPage!: boolean;
  @Field(() => Boolean, { description: 'True when items precede this page (it was asked for with after).' })
  hasPreviousPage!: boolean;
  @Field(() => String, { nullable: true, description: 'Cursor of the first edge; null on an empty page.' })
  startCursor!: string | null;
  @Field(() => String, {
    nullable: true,
    description: 'Cursor of the last edge, to pass as after for the next page; null on an empty page.',
  })
  endCursor!: string | null;
}

@ArgsType()
export class PageArgs {
  @Field(() => Int, {
    nullable: true,
    description: `Page size, 1 to ${MAX_PAGE_SIZE} (default ${DEFAULT_PAGE_SIZE}).`,
  })
  first?: number | null;
  @Field(() => String, { nullable: true, description: 'Cursor of the last edge of the previous page.' })
  after?: string | null;
}

export interface Edge<T> {
  cursor: string;
  node: T;
}

export interface ConnectionShape<T> {
  edges: Edge<T>[];
  pageInfo: PageInfo;
  totalCount: number;
}

export function Connection<T>(node: Type<T>, name: string): Type<ConnectionShape<T>> {
  @ObjectType(`${name}Edge`, { description: `One ${name} of a page, with its cursor.` })
  class EdgeType {
    @Field(() => String, {
      description: 'Opaque position of this item in the list; pass it as after to get the items after it.',
    })
    cursor!: string;
    @Field(() => node, { description: `The ${name}.` }) node!: T;
  }
  @ObjectType(`${name}Connection`, {
    description: `A page of ${name} items (Relay cursor connection): ask with first and after.`,
  })
  class ConnectionType {
    @Field(() => [EdgeType], { description: "This page's items, in the list's order." })
    edges!: Edge<T>[];
    @Field(() => PageInfo, { description: 'Cursors of this page and whether more items follow.' })
    pageInfo!: PageInfo;
    @Field(() => Int, {
      description: 'Number of items in the whole list (after any filter), not only this page.',
    })
    totalCount!: number;
  }
  return ConnectionType;
}

export function pageSize(args: PageArgs, argPath: string[] = ['first']): number {
  const first = args.first ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE_SIZE) {
    throw AppError.validation([{ path: argPath, message: `must be between 1 and ${MAX_PAGE_SIZE}` }]);
  }
  return first;
}

export function encodeCursor(key: unknown): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

export function decodeCursor<T>(cursor: string | null | undefined, check: (v: unknown) => v is T): T | null {
  if (cursor === null || cursor === undefined) return null;
  try {
    const v: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (check(v)) return v;
  } catch {
    // fall through
  }
  throw AppError.validation([{ path: ['after'], message: 'is not a cursor returned by this list' }]);
}

/** Builds a connection from `limit + 1` fetched rows (the extra row only tells hasNextPage). */
export function toConnection<R, T>(
  rows: R[],
  limit: number,
  totalCount: number,
  hasPrevious: boolean,
  cursorOf: (row: R) => unknown,
  map: (row: R) => T,
): ConnectionShape<T> {
  const page = rows.slice(0, limit);
  const edges = page.map((r) => ({ cursor: encodeCursor(cursorOf(r)), node: map(r) }));
  return {
    edges,
    totalCount,
    pageInfo: {
      hasNextPage: rows.length > limit,
      hasPreviousPage: hasPrevious,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges[edges.length - 1]?.cursor ?? null,
    },
  };
}

/** Offsets past this are not positions in any list of ours (and overflow a Postgres OFFSET). */
const MAX_OFFSET = 2_147_483_647;

export function isOffsetCursor(v: unknown): v is { o: number } {
  if (typeof v !== 'object' || v === null) return false;
  const o = (v as { o?: unknown }).o;
  return Number.isInteger(o) && (o as number) >= 0 && (o as number) <= MAX_OFFSET;
}
