// Which requests count against which rate limit (decision 0058), for GraphQL and the anonymous HTTP
// routes. Limits come from env (RATE_LIMIT_*, defaults in config/limits.ts); a refusal is
// RATE_LIMITED with a Retry-After header (HTTP 429).
//  - per client IP: requests without credentials, and failed authentications (once over, the IP's
//    credentials are refused unchecked until the window ends, so guessing is capped);
//  - per caller (API token or user) and per organisation (its API tokens): GraphQL cost a minute.
import { Inject, Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { DocumentNode } from 'graphql';
import type { Env } from '../../config/env.js';
import { ENV } from '../../config/env.module.js';
import type { Principal } from '../access/principal.js';
import { SESSION_COOKIE, parseCookies } from '../auth/cookies.js';
import { AppError } from '../errors/app-error.js';
import { documentCost } from '../graphql/complexity.js';
import { RateLimiter, type Verdict } from './rate-limiter.js';

export function rateLimited(verdict: Verdict, what: string): AppError {
  const seconds = Math.max(1, Math.ceil(verdict.retryAfterMs / 1000));
  const err = new AppError('RATE_LIMITED', `${what}; retry in ${seconds} s`);
  err.retryAfterSeconds = seconds;
  return err;
}

export function hasCredentials(req: Pick<FastifyRequest, 'headers'>): boolean {
  return req.headers.authorization !== undefined || parseCookies(req.headers.cookie).has(SESSION_COOKIE);
}

@Injectable()
export class RequestLimits {
  constructor(
    @Inject(RateLimiter) private readonly limiter: RateLimiter,
    @Inject(ENV) private readonly env: Env,
  ) {}

  /**
   * Before authenticating: an IP over its failed-authentication limit is refused whatever it sends;
   * a request without credentials counts against its IP's anonymous limit. Null when allowed.
   */
  async beforeAuthentication(req: Pick<FastifyRequest, 'headers' | 'ip'>): Promise<AppError | null> {
    const window = this.env.RATE_LIMIT_WINDOW;
    const failed = await this.limiter.over(`auth-failed:${req.ip}`, this.env.RATE_LIMIT_FAILED_AUTH);
    if (!failed.allowed) return rateLimited(failed, 'too many failed authentications from this address');
    if (hasCredentials(req)) return null;
    const anon = await this.limiter.hit(`anon:${req.ip}`, 1, this.env.RATE_LIMIT_ANONYMOUS, window);
    return anon.allowed ? null : rateLimited(anon, 'too many requests without credentials from this address');
  }

  /** Counts a failed authentication against the client IP. */
  async authenticationFailed(ip: string): Promise<void> {
    await this.limiter.hit(
      `auth-failed:${ip}`,
      1,
      this.env.RATE_LIMIT_FAILED_AUTH,
      this.env.RATE_LIMIT_WINDOW,
    );
  }

  /** Charges an operation's cost to its caller and, for an API token, to the token's organisation. */
  async chargeGraphQL(principal: Principal, document: DocumentNode): Promise<AppError | null> {
    const cost = documentCost(document);
    const window = this.env.RATE_LIMIT_WINDOW;
    const caller = principal.kind === 'token' ? `token:${principal.tokenId}` : `user:${principal.userId}`;
    const mine = await this.limiter.hit(`gql-cost:${caller}`, cost, this.env.RATE_LIMIT_GRAPHQL_COST, window);
    if (!mine.allowed) return rateLimited(mine, 'GraphQL cost budget of this caller exhausted');
    if (principal.kind !== 'token') return null;
    const org = await this.limiter.hit(
      `gql-cost:org:${principal.org.id}`,
      cost,
      this.env.RATE_LIMIT_ORG_GRAPHQL_COST,
      window,
    );
    return org.allowed ? null : rateLimited(org, 'GraphQL cost budget of this organisation exhausted');
  }

  /** Fastify hooks for the anonymous HTTP routes (/auth/*, /v1/install/*). */
  async guardHttp(req: FastifyRequest, reply: FastifyReply): Promise<void> {
    const refused = await this.beforeAuthentication(req);
    if (!refused) return;
    await sendRateLimited(reply, refused);
  }

  /** After an anonymous HTTP route answered: a refused credential counts as a failed authentication. */
  async afterHttp(req: FastifyRequest, reply: FastifyReply): Promise<void> {
    if ([400, 401, 403, 404].includes(reply.statusCode)) await this.authenticationFailed(req.ip);
  }
}

export async function sendRateLimited(reply: FastifyReply, err: AppError): Promise<void> {
  await reply
    .code(429)
    .header('retry-after', String(err.retryAfterSeconds ?? 1))
    .send({ error: err.message, code: err.code });
}
