// GET /v1/install/<install code>.yaml — the agent's install manifest. Public by necessity (kubectl
// fetches it with no credentials); the unguessable install code is the credential, good for one
// fetch within an hour (decision 0059), so the URL in shell history and proxy logs is spent. An
// unknown, used or expired code, or a token that has since been used or replaced, gets 404 with
// nothing revealed.
import { Controller, Get, Inject, Param, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { ENV } from '../../config/env.module.js';
import type { Env } from '../../config/env.js';
import { Database } from '../../platform/db/database.js';
import { sha256 } from '../../platform/auth/secrets.js';
import { InstallCodes } from './install-codes.js';
import { installManifest } from './install-manifest.js';

@Controller('v1/install')
export class InstallController {
  constructor(
    @Inject(Database) private readonly db: Database,
    @Inject(ENV) private readonly env: Env,
    @Inject(InstallCodes) private readonly codes: InstallCodes,
  ) {}

  @Get(':file')
  async manifest(@Param('file') file: string, @Res() reply: FastifyReply): Promise<void> {
    const m = /^(.+)\.yaml$/.exec(file);
    const notFound = () =>
      reply
        .code(404)
        .type('text/plain')
        .send(
          'No such install manifest: the install code is unknown, used or expired. Re-register the cluster for a new install command.\n',
        );
    const token = m?.[1] ? await this.codes.redeem(m[1]) : null;
    if (token === null) return void (await notFound());
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
