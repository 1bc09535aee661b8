// Browser sign-in endpoints:
//   GET  /auth/login?returnTo=/path   start the code flow (&breakGlass=1: an owner's way past
//                                     "require SSO", audited; modules/sso/sso-sign-in-gate.ts); state, nonce and PKCE verifier are kept
//                                     in Redis for 10 minutes under the state, and the state is
//                                     bound to this browser by the HttpOnly pal_login cookie
//   GET  /auth/callback               finish it (one use), create the session, set cookies
//   POST /auth/logout                 end the session (CSRF header required); answers with the
//                                     issuer's end-session URL when it has one
import { Controller, Get, HttpCode, Inject, Post, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { ENV } from '../../config/env.module.js';
import type { Env } from '../../config/env.js';
import { RedisClient } from '../../platform/queue/redis.js';
import { LOGGER } from '../../platform/http/logger.js';
import {
  CSRF_COOKIE,
  CSRF_HEADER,
  LOGIN_COOKIE,
  SESSION_COOKIE,
  clearCookie,
  parseCookies,
  serializeCookie,
} from '../../platform/auth/cookies.js';
import { safeEqual } from '../../platform/auth/secrets.js';
import { AppError } from '../../platform/errors/app-error.js';
import { LOGIN_FLOW_TTL_SECONDS } from '../../config/limits.js';
import { OidcClient } from './oidc-client.js';
import { SessionsService } from './sessions.service.js';
import { SsoSignInGate } from '../sso/sso-sign-in-gate.js';

interface PendingLogin {
  state: string;
  nonce: string;
  codeVerifier: string;
  returnTo: string;
  breakGlass?: boolean;
}

/** Only same-origin relative paths are accepted as a place to return to (no open redirects). */
export function safeReturnTo(v: unknown): string {
  return typeof v === 'string' && /^\/(?![/\\])[^\s]*$/.test(v) ? v : '/';
}

@Controller('auth')
export class AuthController {
  constructor(
    @Inject(OidcClient) private readonly oidc: OidcClient,
    @Inject(SessionsService) private readonly sessions: SessionsService,
    @Inject(RedisClient) private readonly redis: RedisClient,
    @Inject(ENV) private readonly env: Env,
    @Inject(LOGGER) private readonly log: Logger,
    @Inject(SsoSignInGate) private readonly ssoGate: SsoSignInGate,
  ) {}

  @Get('login')
  async login(
    @Query('returnTo') returnTo: unknown,
    @Query('breakGlass') breakGlass: unknown,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    let start;
    try {
      start = await this.oidc.start();
    } catch (err) {
      this.log.error({ err }, 'OIDC discovery failed');
      await reply
        .code(503)
        .type('text/plain')
        .send('Sign-in is unavailable: the identity provider cannot be reached.');
      return;
    }
    const pending: PendingLogin = {
      state: start.state,
      nonce: start.nonce,
      codeVerifier: start.codeVerifier,
      returnTo: safeReturnTo(returnTo),
      breakGlass: breakGlass === '1' || breakGlass === 'true',
    };
    await this.redis.redis.set(
      this.redis.key('oidc', 'login', start.state),
      JSON.stringify(pending),
      'EX',
      LOGIN_FLOW_TTL_SECONDS,
    );
    await reply
      .header(
        'set-cookie',
        serializeCookie(LOGIN_COOKIE, start.state, {
          httpOnly: true,
          secure: this.env.cookieSecure,
          maxAgeSeconds: LOGIN_FLOW_TTL_SECONDS,
          path: '/auth',
        }),
      )
      .redirect(start.url, 303);
  }

  @Get('callback')
  async callback(@Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const url = new URL(req.url, this.env.PUBLIC_ORIGIN);
    const state = url.searchParams.get('state') ?? '';
    const cookieState = parseCookies(req.headers.cookie).get(LOGIN_COOKIE) ?? '';
    const fail = (status: number, message: string) =>
      reply
        .code(status)
        .header('set-cookie', clearCookie(LOGIN_COOKIE, this.env.cookieSecure))
        .type('text/plain')
        .send(message);
    if (url.searchParams.get('error')) {
      await fail(401, `Sign-in was refused by the identity provider: ${url.searchParams.get('error')}`);
      return;
    }
    if (!state || !cookieState || !safeEqual(state, cookieState)) {
      await fail(
        400,
        'Sign-in failed: the sign-in state does not match this browser. Start again from /auth/login.',
      );
      return;
    }
    const raw = await this.redis.redis.getdel(this.redis.key('oidc', 'login', state));
    if (!raw) {
      await fail(
        400,
        'Sign-in failed: this sign-in link has expired or was already used. Start again from /auth/login.',
      );
      return;
    }
    const pending = JSON.parse(raw) as PendingLogin;
    let session;
    try {
      const identity = await this.oidc.finish(url, pending);
      // Single sign-on may be required for this email's domain (issue 17): before any user row.
      await this.ssoGate.checkPlatformSignIn({
        email: identity.email,
        issuer: identity.issuer,
        subject: identity.subject,
        breakGlass: pending.breakGlass === true,
      });
      session = await this.sessions.signIn(identity, {
        userAgent: req.headers['user-agent'],
        ip: req.ip,
      });
    } catch (err) {
      if (err instanceof AppError) {
        const status = err.code === 'CONFLICT' ? 409 : err.code === 'FORBIDDEN' ? 403 : 401;
        await fail(status, `Sign-in failed: ${err.message}`);
        return;
      }
      this.log.warn({ err }, 'OIDC callback rejected');
      await fail(401, 'Sign-in failed: the identity provider response could not be verified.');
      return;
    }
    const secure = this.env.cookieSecure;
    await reply
      .header('set-cookie', [
        clearCookie(LOGIN_COOKIE, secure),
        serializeCookie(SESSION_COOKIE, session.sessionId, {
          httpOnly: true,
          secure,
          maxAgeSeconds: session.maxAgeSeconds,
        }),
        serializeCookie(CSRF_COOKIE, session.csrfSecret, {
          httpOnly: false,
          secure,
          maxAgeSeconds: session.maxAgeSeconds,
        }),
      ])
      .redirect(pending.returnTo, 303);
  }

  @Post('logout')
  @HttpCode(200)
  async logout(@Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const cookies = parseCookies(req.headers.cookie);
    const sessionId = cookies.get(SESSION_COOKIE);
    const csrf = req.headers[CSRF_HEADER];
    if (!sessionId) {
      await reply.code(200).send({ signedOut: true, endSessionUrl: null });
      return;
    }
    if (typeof csrf !== 'string' || !safeEqual(csrf, cookies.get(CSRF_COOKIE) ?? '')) {
      await reply.code(403).send({ error: `missing or wrong ${CSRF_HEADER} header` });
      return;
    }
    await this.sessions.signOut(sessionId);
    const secure = this.env.cookieSecure;
    await reply
      .header('set-cookie', [clearCookie(SESSION_COOKIE, secure), clearCookie(CSRF_COOKIE, secure, false)])
      .send({ signedOut: true, endSessionUrl: await this.oidc.endSessionUrl() });
  }
}
