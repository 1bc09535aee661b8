// Browser endpoints of single sign-on through an organisation's own IdP (decisions 0100–0104):
//   GET  /sso/discover?email=…              { sso, requireSso, loginUrl }: email-first routing
//   GET  /sso/start?email=…&returnTo=…      303 to the organisation's IdP, or to /auth/login
//   GET  /sso/oidc/:id/login?returnTo=…     start the code flow (state bound to this browser)
//   GET  /sso/oidc/:id/callback             finish it, once
//   GET  /sso/saml/:id/login?returnTo=…     send an AuthnRequest (HTTP-Redirect)
//   POST /sso/saml/:id/acs                  receive the Response (HTTP-POST), once
//   GET  /sso/saml/:id/metadata             the SP metadata to give the IdP
// Sessions are the platform's (SessionsService.openSession): same cookies as /auth/callback.
import { Controller, Get, Inject, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { emailDomainOf } from '@palisade/access';
import { ENV } from '../../config/env.module.js';
import type { Env } from '../../config/env.js';
import { LOGIN_FLOW_TTL_SECONDS } from '../../config/limits.js';
import { LOGGER } from '../../platform/http/logger.js';
import { RedisClient } from '../../platform/queue/redis.js';
import {
  CSRF_COOKIE,
  SESSION_COOKIE,
  SSO_LOGIN_COOKIE,
  parseCookies,
  serializeCookie,
} from '../../platform/auth/cookies.js';
import { randomSecret, safeEqual } from '../../platform/auth/secrets.js';
import type { NewSession } from '../auth/sessions.service.js';
import { safeReturnTo } from '../auth/auth.controller.js';
import { SsoOidc, describeOidcError } from './sso-oidc.js';
import { SamlRefusal, SsoSaml } from './sso-saml.js';
import { SsoSignInRefused, SsoSignInService } from './sso-sign-in.service.js';
import { SsoService } from './sso.service.js';
import type { ConnectionRow } from './sso.repository.js';

interface PendingOidc {
  connectionId: string;
  state: string;
  nonce: string;
  codeVerifier: string;
  returnTo: string;
}

@Controller('sso')
export class SsoController {
  constructor(
    @Inject(SsoService) private readonly sso: SsoService,
    @Inject(SsoSignInService) private readonly signIn: SsoSignInService,
    @Inject(SsoOidc) private readonly oidc: SsoOidc,
    @Inject(SsoSaml) private readonly saml: SsoSaml,
    @Inject(RedisClient) private readonly redis: RedisClient,
    @Inject(ENV) private readonly env: Env,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  @Get('discover')
  async discover(@Query('email') email: unknown, @Res() reply: FastifyReply): Promise<void> {
    const domain = typeof email === 'string' ? emailDomainOf(email) : null;
    if (!domain) {
      await reply.code(400).send({ error: 'email: give a work email address such as ada@example.com' });
      return;
    }
    const route = await this.sso.route(domain);
    const loginUrl = route?.connectionId ? await this.loginPath(route.connectionId) : null;
    await reply.send({ domain, sso: loginUrl !== null, requireSso: route?.requireSso ?? false, loginUrl });
  }

  @Get('start')
  async start(
    @Query('email') email: unknown,
    @Query('returnTo') returnTo: unknown,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const back = encodeURIComponent(safeReturnTo(returnTo));
    const domain = typeof email === 'string' ? emailDomainOf(email) : null;
    const route = domain ? await this.sso.route(domain) : null;
    if (route?.requireSso && !route.connectionId) {
      await this.text(
        reply,
        503,
        `Sign-in for ${domain} requires single sign-on, and its connection is turned off. Ask an owner of ${route.orgSlug}.`,
      );
      return;
    }
    const path = route?.connectionId ? await this.loginPath(route.connectionId) : null;
    await reply.redirect(path ? `${path}?returnTo=${back}` : `/auth/login?returnTo=${back}`, 303);
  }

  // ---- OIDC ----

  @Get('oidc/:id/login')
  async oidcLogin(@Param('id') id: string, @Query('returnTo') returnTo: unknown, @Res() reply: FastifyReply) {
    const connection = await this.usable(id, 'oidc', reply);
    if (!connection) return;
    let start;
    try {
      start = await this.oidc.start(this.sso.oidcSettings(connection));
    } catch (err) {
      this.log.warn({ err, connectionId: id }, 'SSO OIDC discovery failed');
      await this.text(
        reply,
        503,
        `Sign-in is unavailable: ${connection.name}'s identity provider cannot be reached.`,
      );
      return;
    }
    const pending: PendingOidc = { connectionId: id, ...start, returnTo: safeReturnTo(returnTo) };
    await this.redis.redis.set(
      this.redis.key('sso', 'oidc', 'login', start.state),
      JSON.stringify(pending),
      'EX',
      LOGIN_FLOW_TTL_SECONDS,
    );
    await reply
      .header('set-cookie', this.stateCookie(start.state, LOGIN_FLOW_TTL_SECONDS))
      .redirect(start.url, 303);
  }

  @Get('oidc/:id/callback')
  async oidcCallback(@Param('id') id: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    const url = new URL(req.url, this.env.PUBLIC_ORIGIN);
    const state = url.searchParams.get('state') ?? '';
    const cookieState = parseCookies(req.headers.cookie).get(SSO_LOGIN_COOKIE) ?? '';
    reply.header('set-cookie', this.stateCookie('', 0));
    if (!state || !cookieState || !safeEqual(state, cookieState)) {
      await this.text(
        reply,
        400,
        'Sign-in failed: the sign-in state does not match this browser. Start again.',
      );
      return;
    }
    const raw = await this.redis.redis.getdel(this.redis.key('sso', 'oidc', 'login', state));
    const pending = raw ? (JSON.parse(raw) as PendingOidc) : null;
    if (!pending || pending.connectionId !== id) {
      await this.text(
        reply,
        400,
        'Sign-in failed: this sign-in link has expired or was already used. Start again.',
      );
      return;
    }
    const connection = await this.usable(id, 'oidc', reply);
    if (!connection) return;
    if (url.searchParams.get('error')) {
      const e = url.searchParams.get('error') ?? '';
      await this.signIn.refuse(
        connection.orgId,
        connection,
        `the identity provider refused the sign-in: ${e}`,
      );
      await this.text(reply, 401, `Sign-in was refused by the identity provider: ${e}`);
      return;
    }
    let identity;
    try {
      identity = await this.oidc.finish(this.sso.oidcSettings(connection), url, pending);
    } catch (err) {
      const reason = `the identity provider's response was not accepted: ${describeOidcError(err)}`;
      await this.signIn.refuse(connection.orgId, connection, reason);
      await this.text(reply, 401, `Sign-in failed: ${reason}`);
      return;
    }
    await this.finish(reply, connection, () => this.signIn.complete(connection, identity), pending.returnTo);
  }

  // ---- SAML ----

  @Get('saml/:id/metadata')
  async samlMetadata(@Param('id') id: string, @Res() reply: FastifyReply) {
    const connection = await this.sso.connectionForSignIn(id);
    if (connection?.kind !== 'saml') {
      await this.text(reply, 404, 'No such SAML connection.');
      return;
    }
    await reply
      .type('application/samlmetadata+xml; charset=utf-8')
      .send(this.saml.spMetadata(this.sso.samlSettings(connection)));
  }

  @Get('saml/:id/login')
  async samlLogin(@Param('id') id: string, @Query('returnTo') returnTo: unknown, @Res() reply: FastifyReply) {
    const connection = await this.usable(id, 'saml', reply);
    if (!connection) return;
    const relay = randomSecret(24);
    await this.redis.redis.set(
      this.redis.key('sso', 'saml', 'relay', relay),
      JSON.stringify({ connectionId: id, returnTo: safeReturnTo(returnTo) }),
      'EX',
      LOGIN_FLOW_TTL_SECONDS,
    );
    await reply.redirect(await this.saml.authorizeUrl(this.sso.samlSettings(connection), relay), 303);
  }

  @Post('saml/:id/acs')
  async samlAcs(@Param('id') id: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    const connection = await this.usable(id, 'saml', reply);
    if (!connection) return;
    const body = (req.body ?? {}) as Record<string, unknown>;
    const samlResponse = typeof body['SAMLResponse'] === 'string' ? body['SAMLResponse'] : '';
    if (!samlResponse) {
      await this.signIn.refuse(connection.orgId, connection, 'the POST carried no SAMLResponse');
      await this.text(reply, 400, 'Sign-in failed: the POST carried no SAMLResponse.');
      return;
    }
    let identity;
    try {
      identity = await this.saml.consume(this.sso.samlSettings(connection), samlResponse);
    } catch (err) {
      if (!(err instanceof SamlRefusal)) this.log.warn({ err, connectionId: id }, 'SAML response failed');
      const reason = err instanceof SamlRefusal ? err.message : 'the SAML response could not be processed';
      await this.signIn.refuse(connection.orgId, connection, reason);
      await this.text(reply, 401, `Sign-in failed: ${reason}`);
      return;
    }
    const relay = typeof body['RelayState'] === 'string' ? body['RelayState'] : '';
    const raw = relay ? await this.redis.redis.getdel(this.redis.key('sso', 'saml', 'relay', relay)) : null;
    const pending = raw ? (JSON.parse(raw) as { connectionId: string; returnTo: string }) : null;
    const returnTo = pending?.connectionId === id ? pending.returnTo : '/';
    await this.finish(reply, connection, () => this.signIn.complete(connection, identity), returnTo);
  }

  // ---- helpers ----

  private async loginPath(connectionId: string): Promise<string | null> {
    const c = await this.sso.connectionForSignIn(connectionId);
    return c?.enabled ? `/sso/${c.kind}/${c.id}/login` : null;
  }

  private async usable(
    id: string,
    kind: 'oidc' | 'saml',
    reply: FastifyReply,
  ): Promise<ConnectionRow | null> {
    const connection = await this.sso.connectionForSignIn(id);
    if (connection?.kind !== kind) {
      await this.text(reply, 404, `No such ${kind.toUpperCase()} connection.`);
      return null;
    }
    if (!connection.enabled) {
      await this.text(reply, 403, `Sign-in through ${connection.name} is turned off.`);
      return null;
    }
    return connection;
  }

  private async finish(
    reply: FastifyReply,
    connection: ConnectionRow,
    complete: () => Promise<NewSession>,
    returnTo: string,
  ): Promise<void> {
    let session: NewSession;
    try {
      session = await complete();
    } catch (err) {
      if (err instanceof SsoSignInRefused) {
        await this.text(reply, 403, `Sign-in through ${connection.name} failed: ${err.message}`);
        return;
      }
      throw err;
    }
    const secure = this.env.cookieSecure;
    await reply
      .header('set-cookie', [
        this.stateCookie('', 0),
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
      .redirect(returnTo, 303);
  }

  private stateCookie(value: string, maxAgeSeconds: number): string {
    return serializeCookie(SSO_LOGIN_COOKIE, value, {
      httpOnly: true,
      secure: this.env.cookieSecure,
      maxAgeSeconds,
      path: '/sso',
    });
  }

  private async text(reply: FastifyReply, status: number, message: string): Promise<void> {
    await reply.code(status).type('text/plain; charset=utf-8').send(message);
  }
}
