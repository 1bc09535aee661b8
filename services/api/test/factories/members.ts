// Factories over TestContext for the API suites: signed-in members of a given role, user ids by
// email, and small assertions on GraphQL results. They only use the real paths (AdminService for
// memberships, the real OIDC sign-in for sessions, SQL as the system role for reading ids).
import { expect } from 'vitest';
import { DEMO_PASSWORD } from '@palisade/dev-oidc/users';
import type { Role } from '../../src/platform/access/roles.js';
import type { Caller, GqlResult, TestContext } from '../context.js';

export interface SignedInMember extends Caller {
  cookies: Record<string, string>;
  email: string;
  userId: string;
}

/**
 * Makes the demo user `email` a member of `slug` with `role`, then signs them in for real. The
 * password is passed explicitly, from the users module, rather than relying on signIn's default.
 */
export async function signedInMember(
  ctx: TestContext,
  slug: string,
  role: Role,
  email: string,
): Promise<SignedInMember> {
  await ctx.newMember(slug, role, email);
  const caller = await ctx.signIn(email, DEMO_PASSWORD);
  return { ...caller, email, userId: await userIdOf(ctx, email) };
}

/** Signs in a demo user without giving them any membership. */
export async function signedInUser(ctx: TestContext, email: string): Promise<SignedInMember> {
  const caller = await ctx.signIn(email, DEMO_PASSWORD);
  return { ...caller, email, userId: await userIdOf(ctx, email) };
}

export async function userIdOf(ctx: TestContext, email: string): Promise<string> {
  const rows = await ctx.sql<{ id: string }>('SELECT id FROM users WHERE email = $1', [email.toLowerCase()]);
  const id = rows[0]?.id;
  if (!id) throw new Error(`no user ${email}`);
  return id;
}

export async function orgIdOf(ctx: TestContext, slug: string): Promise<string> {
  const rows = await ctx.sql<{ id: string }>('SELECT id FROM organizations WHERE slug = $1', [slug]);
  const id = rows[0]?.id;
  if (!id) throw new Error(`no organisation ${slug}`);
  return id;
}

export async function roleOf(ctx: TestContext, slug: string, email: string): Promise<string | null> {
  const rows = await ctx.sql<{ role: string }>(
    `SELECT m.role FROM memberships m JOIN organizations o ON o.id = m.org_id JOIN users u ON u.id = m.user_id
      WHERE o.slug = $1 AND u.email = $2`,
    [slug, email.toLowerCase()],
  );
  return rows[0]?.role ?? null;
}

export async function count(
  ctx: TestContext,
  table: string,
  where = 'true',
  params: unknown[] = [],
): Promise<number> {
  const rows = await ctx.sql<{ n: string }>(
    `SELECT count(*)::text AS n FROM ${table} WHERE ${where}`,
    params,
  );
  return Number(rows[0]?.n ?? 'NaN');
}

/** Asserts the result failed with `code` (and, if given, that the bad field is `field`); returns it. */
export function expectError<T>(r: GqlResult<T>, code: string, field?: (string | number)[]): GqlResult<T> {
  expect(r.errors, `expected ${code}, got ${JSON.stringify(r)}`).toBeDefined();
  expect(r.errors?.[0]?.extensions?.code, JSON.stringify(r.errors)).toBe(code);
  if (field) expect(r.errors?.[0]?.extensions?.field).toEqual(field);
  return r;
}

/** Asserts the result has no errors and returns its data. */
export function expectData<T>(r: GqlResult<T>): T {
  expect(r.errors, JSON.stringify(r.errors)).toBeUndefined();
  expect(r.data).not.toBeNull();
  return r.data as T;
}
