// Turns a request's credentials into a Principal. Two kinds:
//  - `Authorization: Bearer pal_…` API tokens: looked up by hash through the one SECURITY DEFINER
//    function; unknown, revoked or expired tokens are UNAUTHENTICATED immediately (no cache).
//  - the `pal_session` HttpOnly cookie: a server-side session. Because cookies ride along on
//    cross-site requests, a session only counts when the request also carries the CSRF header
//    equal to the session's CSRF secret (double submit; the console reads it from `pal_csrf`).
// A request that presents a bad credential is refused as a whole, never downgraded to anonymous.
// A session's last_seen_at is moved forward (at most every SESSION_TOUCH_INTERVAL) by the request
// that uses it, in the same statement that reads it, and the principal carries the value from
// before: an organisation's idle timeout judges the gap before this request (decision 0110). A
// socket's periodic re-check does not count as use (touch: false).
import { Inject, Injectable } from '@nestjs/common';
import { Database } from '../db/database.js';
import { AppError } from '../errors/app-error.js';
import { isRole } from '../access/roles.js';
import { storedScope } from '../access/access-scope.js';
import type { Principal } from '../access/principal.js';
import { CSRF_HEADER, SESSION_COOKIE, parseCookies } from './cookies.js';
import { safeEqual, sha256 } from './secrets.js';
import { sql } from '../db/sql.js';
import { SESSION_TOUCH_INTERVAL_SECONDS } from '../../config/limits.js';

interface TokenRow {
  id: string;
  org_id: string;
  name: string;
  role: string;
  expires_at: Date | null;
  revoked_at: Date | null;
  org_slug: string;
  org_name: string;
  org_created_at: Date;
  cluster_selector: string;
  tiers: unknown;
}

interface SessionRow {
  id: string;
  created_at: Date;
  last_seen_at: Date;
  user_id: string;
  expires_at: Date;
  csrf_secret: string;
  email: string;
  name: string;
}

export const API_TOKEN_PREFIX = 'pal_';

export interface AuthResult {
  principal: Principal | null;
  error: AppError | null;
}

interface HeaderBag {
  headers: Record<string, string | string[] | undefined>;
}

function header(req: HeaderBag, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

@Injectable()
export class Authenticator {
  constructor(@Inject(Database) private readonly db: Database) {}

  async authenticate(req: HeaderBag, opts: { requireCsrf: boolean; touch?: boolean }): Promise<AuthResult> {
    const authz = header(req, 'authorization');
    if (authz !== undefined) return this.fromBearer(authz);
    const sessionId = parseCookies(header(req, 'cookie')).get(SESSION_COOKIE);
    if (sessionId)
      return this.fromSession(
        sessionId,
        opts.requireCsrf ? (header(req, CSRF_HEADER) ?? '') : null,
        opts.touch ?? true,
      );
    return { principal: null, error: null };
  }

  private async fromBearer(value: string): Promise<AuthResult> {
    const m = /^Bearer\s+(\S+)$/i.exec(value.trim());
    if (!m?.[1]) return fail('the Authorization header must be "Bearer <token>"');
    const token = m[1];
    if (!token.startsWith(API_TOKEN_PREFIX)) return fail('unknown API token');
    const [row] = await this.db.queryGlobal(
      sql<TokenRow>`SELECT * FROM authenticate_api_token(${sha256(token)})`,
    );
    if (!row) return fail('unknown API token');
    if (row.revoked_at) return fail('this API token has been revoked');
    if (row.expires_at && row.expires_at.getTime() <= Date.now()) return fail('this API token has expired');
    if (!isRole(row.role)) return fail('unknown API token');
    const org = { id: row.org_id, slug: row.org_slug, name: row.org_name, createdAt: row.org_created_at };
    return {
      principal: {
        kind: 'token',
        tokenId: row.id,
        tokenName: row.name,
        org,
        role: row.role,
        scope: storedScope(row.cluster_selector, row.tiers),
      },
      error: null,
    };
  }

  private async fromSession(
    sessionId: string,
    csrfHeader: string | null,
    touch: boolean,
  ): Promise<AuthResult> {
    const idHash = sha256(sessionId);
    // The CTE's UPDATE is not visible to the outer SELECT: it reads last_seen_at as it was.
    const [session] = await this.db.queryGlobal(sql<SessionRow>`
      WITH touched AS (
        UPDATE sessions SET last_seen_at = now()
         WHERE ${touch}::boolean AND id_hash = ${idHash} AND expires_at > now()
           AND last_seen_at < now() - make_interval(secs => ${SESSION_TOUCH_INTERVAL_SECONDS})
        RETURNING 1)
      SELECT s.id, s.created_at, s.last_seen_at, s.user_id, s.expires_at, s.csrf_secret, u.email, u.name
        FROM sessions s JOIN users u ON u.id = s.user_id
       WHERE s.id_hash = ${idHash}`);
    if (!session || session.expires_at.getTime() <= Date.now()) {
      return fail('your session has expired or is not valid; sign in again');
    }
    if (csrfHeader !== null && !safeEqual(csrfHeader, session.csrf_secret)) {
      return { principal: null, error: new AppError('FORBIDDEN', `missing or wrong ${CSRF_HEADER} header`) };
    }
    return {
      principal: {
        kind: 'user',
        userId: session.user_id,
        email: session.email,
        name: session.name,
        sessionIdHash: idHash,
        session: { id: session.id, createdAt: session.created_at, lastSeenAt: session.last_seen_at },
      },
      error: null,
    };
  }
}

function fail(message: string): AuthResult {
  return { principal: null, error: new AppError('UNAUTHENTICATED', message) };
}
