// GET /v1/install/<enrollment token>.yaml — the agent's install manifest. Public by necessity
// (kubectl fetches it with no credentials); the unguessable one-time token is the credential, and
// an unknown or expired token gets 404 with nothing revealed.
import { Controller, Get, Inject, Param, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { ENV } from '../../config/env.module.js';
import type { Env } from '../../config/env.js';
import { Database } from '../../platform/db/database.js';
import { sha256 } from '../../platform/auth/secrets.js';
import { installManifest } from './install-manifest.js';

@Controller('v1/install')
export class InstallController {
  constructor(
    @Inject(Database) private readonly db: Database,
    @Inject(ENV) private readonly env: Env,
  ) {}

  @Get(':file')
  async manifest(@Param('file') file: string, @Res() reply: FastifyReply): Promise<void> {
    const m = /^(pen_[A-Za-z0-9_-]{43})\.yaml$/.exec(file);
    const notFound = () =>
      reply
        .code(404)
        .type('text/plain')
        .send(
          'No such install manifest: the enrollment token is unknown, used or expired. Re-register the cluster for a new one.\n',
        );
    if (!m?.[1]) return void (await notFound());
    const token = m[1];
    const rows = await this.db.prisma.$queryRaw<
      { cluster_name: string; org_slug: string; expires_at: Date | null }[]
    >`
      SELECT cluster_name, org_slug, expires_at FROM cluster_enrollment_lookup(${new Uint8Array(sha256(token))})`;
    const row = rows[0];
    if (!row || !row.expires_at || row.expires_at.getTime() <= Date.now()) return void (await notFound());
    await reply
      .type('application/yaml')
      .header('cache-control', 'no-store')
      .send(
        installManifest({
          clusterName: row.cluster_name,
          orgSlug: row.org_slug,
          enrollmentToken: token,
          gatewayUrl: this.env.GATEWAY_PUBLIC_URL,
          image: this.env.AGENT_IMAGE,
        }),
      );
  }
}
