// The SCIM 2.0 endpoint of each organisation (RFC 7644), for Okta, Entra ID and any IdP that
// speaks it:
//   {PUBLIC_ORIGIN}/scim/v2/orgs/<slug>/Users[/<id>]    GET (filter, startIndex, count,
//   {PUBLIC_ORIGIN}/scim/v2/orgs/<slug>/Groups[/<id>]   attributes), POST, PUT, PATCH, DELETE
//   {PUBLIC_ORIGIN}/scim/v2/orgs/<slug>/ServiceProviderConfig
// Bodies are application/scim+json (plain JSON is accepted too). Every answer that is not a success
// is a SCIM Error message (schemas, status, scimType, detail); every refusal in an existing
// organisation — a bad token, a bad filter, another organisation's id, a bad body — is also
// written to that organisation's audit log as scim.request.refused (decision 0111).
import { Controller, Delete, Get, Inject, Param, Patch, Post, Put, Query, Req, Res } from '@nestjs/common';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { ENV } from '../../config/env.module.js';
import type { Env } from '../../config/env.js';
import { SCIM_LIMITS } from '../../config/limits.js';
import type { Actor, OrgSummary } from '../../platform/access/principal.js';
import { AuditWriter } from '../../platform/audit/audit-writer.js';
import { Database } from '../../platform/db/database.js';
import { LOGGER } from '../../platform/http/logger.js';
import { ScimAuthenticator } from './scim-auth.js';
import { errorBody, isScimError, scimError, type ScimError } from './scim-errors.js';
import {
  ScimProvisioningService,
  scimActor,
  type ListQuery,
  type ScimCaller,
} from './scim-provisioning.service.js';

const SCIM_CONTENT_TYPE = 'application/scim+json';
/** What the body parser hands on when a body is not JSON, so the answer is a SCIM error. */
const NOT_JSON = Object.freeze({ notJson: true });

/** Lets Fastify read application/scim+json bodies; called once when the server is built. */
export function registerScimContentType(fastify: FastifyInstance): void {
  fastify.addContentTypeParser(SCIM_CONTENT_TYPE, { parseAs: 'string' }, (_req, body, done) => {
    try {
      done(null, JSON.parse(String(body)) as unknown);
    } catch {
      done(null, NOT_JSON);
    }
  });
}

interface Outcome {
  status: number;
  body?: unknown;
}

@Controller('scim/v2/orgs/:slug')
export class ScimController {
  constructor(
    @Inject(ScimAuthenticator) private readonly auth: ScimAuthenticator,
    @Inject(ScimProvisioningService) private readonly scim: ScimProvisioningService,
    @Inject(AuditWriter) private readonly audit: AuditWriter,
    @Inject(Database) private readonly db: Database,
    @Inject(ENV) private readonly env: Env,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  @Get('ServiceProviderConfig')
  serviceProviderConfig(@Param('slug') slug: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return this.handle(slug, req, reply, (caller) =>
      Promise.resolve({
        status: 200,
        body: {
          schemas: ['urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig'],
          documentationUri: `${this.env.PUBLIC_ORIGIN}/docs/api.md#scim`,
          patch: { supported: true },
          bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
          filter: { supported: true, maxResults: SCIM_LIMITS.maxCount },
          changePassword: { supported: false },
          sort: { supported: false },
          etag: { supported: false },
          authenticationSchemes: [
            {
              type: 'oauthbearertoken',
              name: 'Bearer token',
              description: "The organisation's SCIM token, issued by an owner in Palisade.",
              primary: true,
            },
          ],
          meta: { resourceType: 'ServiceProviderConfig', location: `${caller.base}/ServiceProviderConfig` },
        },
      }),
    );
  }

  @Get('Users')
  listUsers(
    @Param('slug') slug: string,
    @Query() q: ListQuery,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    return this.handle(slug, req, reply, async (c) => ({
      status: 200,
      body: await this.scim.listUsers(c, q),
    }));
  }

  @Get('Users/:id')
  getUser(
    @Param('slug') slug: string,
    @Param('id') id: string,
    @Query() q: ListQuery,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    return this.handle(slug, req, reply, async (c) => ({
      status: 200,
      body: await this.scim.getUser(c, id, q),
    }));
  }

  @Post('Users')
  createUser(@Param('slug') slug: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return this.handle(slug, req, reply, async (c) => ({
      status: 201,
      body: await this.scim.createUser(c, bodyOf(req)),
    }));
  }

  @Put('Users/:id')
  replaceUser(
    @Param('slug') slug: string,
    @Param('id') id: string,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    return this.handle(slug, req, reply, async (c) => ({
      status: 200,
      body: await this.scim.replaceUser(c, id, bodyOf(req)),
    }));
  }

  @Patch('Users/:id')
  patchUser(
    @Param('slug') slug: string,
    @Param('id') id: string,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    return this.handle(slug, req, reply, async (c) => ({
      status: 200,
      body: await this.scim.patchUser(c, id, bodyOf(req)),
    }));
  }

  @Delete('Users/:id')
  deleteUser(
    @Param('slug') slug: string,
    @Param('id') id: string,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    return this.handle(slug, req, reply, async (c) => {
      await this.scim.deleteUser(c, id);
      return { status: 204 };
    });
  }

  @Get('Groups')
  listGroups(
    @Param('slug') slug: string,
    @Query() q: ListQuery,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    return this.handle(slug, req, reply, async (c) => ({
      status: 200,
      body: await this.scim.listGroups(c, q),
    }));
  }

  @Get('Groups/:id')
  getGroup(
    @Param('slug') slug: string,
    @Param('id') id: string,
    @Query() q: ListQuery,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    return this.handle(slug, req, reply, async (c) => ({
      status: 200,
      body: await this.scim.getGroup(c, id, q),
    }));
  }

  @Post('Groups')
  createGroup(@Param('slug') slug: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return this.handle(slug, req, reply, async (c) => ({
      status: 201,
      body: await this.scim.createGroup(c, bodyOf(req)),
    }));
  }

  @Put('Groups/:id')
  replaceGroup(
    @Param('slug') slug: string,
    @Param('id') id: string,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    return this.handle(slug, req, reply, async (c) => ({
      status: 200,
      body: await this.scim.replaceGroup(c, id, bodyOf(req)),
    }));
  }

  @Patch('Groups/:id')
  patchGroup(
    @Param('slug') slug: string,
    @Param('id') id: string,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    return this.handle(slug, req, reply, async (c) => ({
      status: 200,
      body: await this.scim.patchGroup(c, id, bodyOf(req)),
    }));
  }

  @Delete('Groups/:id')
  deleteGroup(
    @Param('slug') slug: string,
    @Param('id') id: string,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    return this.handle(slug, req, reply, async (c) => {
      await this.scim.deleteGroup(c, id);
      return { status: 204 };
    });
  }

  private async handle(
    slug: string,
    req: FastifyRequest,
    reply: FastifyReply,
    fn: (caller: ScimCaller) => Promise<Outcome>,
  ): Promise<void> {
    let org: OrgSummary | null = null;
    let actor: Actor = { type: 'system', id: null, label: 'scim (not authenticated)' };
    try {
      const auth = await this.auth.authenticate(slug, req.headers.authorization, req.ip);
      org = auth.org;
      if (!auth.ok) throw scimError(auth.status, null, auth.detail);
      const caller: ScimCaller = {
        org: auth.org,
        tokenId: auth.tokenId,
        base: `${new URL(this.env.PUBLIC_ORIGIN).origin}/scim/v2/orgs/${auth.org.slug}`,
      };
      actor = scimActor(caller);
      const outcome = await fn(caller);
      await reply
        .code(outcome.status)
        .type(SCIM_CONTENT_TYPE)
        .send(outcome.body === undefined ? '' : outcome.body);
    } catch (err) {
      const scim: ScimError = isScimError(err) ? err : this.internal(err);
      const { status, body } = errorBody(scim);
      // Refusals of an existing organisation's endpoint are audited (not rate limiting, not our own faults).
      if (org && status !== 429 && status < 500) await this.auditRefusal(org, actor, req, status, scim);
      await reply.code(status).type(SCIM_CONTENT_TYPE).send(body);
    }
  }

  private internal(err: unknown): ScimError {
    this.log.error({ err }, 'SCIM request failed');
    return scimError(500, null, 'the request could not be completed; try again');
  }

  private async auditRefusal(
    org: OrgSummary,
    actor: Actor,
    req: FastifyRequest,
    status: number,
    err: ScimError,
  ) {
    const path = req.url.split('?')[0] ?? req.url;
    await this.db
      .inOrg({ orgId: org.id }, (tx) =>
        this.audit.append(tx, org.id, actor, {
          action: 'scim.request.refused',
          targetType: 'scim_request',
          targetId: `${req.method} ${path}`.slice(0, 300),
          after: {
            status,
            scimType: (err.scimType as string | undefined) ?? null,
            detail: err.message.slice(0, 500),
            query: req.url.includes('?') ? req.url.slice(req.url.indexOf('?') + 1, 600) : null,
            ip: req.ip,
          },
        }),
      )
      .catch((e: unknown) => this.log.error({ err: e }, 'could not audit a refused SCIM request'));
  }
}

function bodyOf(req: FastifyRequest): unknown {
  if (req.body === NOT_JSON) throw scimError(400, 'invalidSyntax', 'the request body is not valid JSON');
  if (req.body === undefined || req.body === null)
    throw scimError(400, 'invalidSyntax', `send a JSON body (Content-Type: ${SCIM_CONTENT_TYPE})`);
  return req.body;
}
