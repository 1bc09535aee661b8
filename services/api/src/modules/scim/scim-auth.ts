// Who is calling a SCIM endpoint: the organisation named in the URL, and its live SCIM token as the
// bearer (one door through RLS: authenticate_scim_token). A missing, unknown, revoked or other
// organisation's token is 401; a refusal in an organisation that exists is written to its audit
// log (decision 0111). Failed attempts count against the client address's failed-authentication
// limit, as API tokens do, so guessing is capped and the audit log cannot be flooded from one place.
import { Inject, Injectable } from '@nestjs/common';
import { Database } from '../../platform/db/database.js';
import { sql } from '../../platform/db/sql.js';
import { sha256 } from '../../platform/auth/secrets.js';
import type { OrgSummary } from '../../platform/access/principal.js';
import { RequestLimits } from '../../platform/rate-limit/request-limits.js';
import { scimError } from './scim-errors.js';

export const SCIM_TOKEN_PREFIX = 'scim_';

interface Row {
  org_id: string;
  org_slug: string;
  org_name: string;
  org_created_at: Date;
  token_id: string | null;
  revoked_at: Date | null;
}

export type ScimAuthResult =
  | { ok: true; org: OrgSummary; tokenId: string }
  | { ok: false; org: OrgSummary | null; status: number; detail: string };

@Injectable()
export class ScimAuthenticator {
  constructor(
    @Inject(Database) private readonly db: Database,
    @Inject(RequestLimits) private readonly limits: RequestLimits,
  ) {}

  async authenticate(slug: string, authorization: string | undefined, ip: string): Promise<ScimAuthResult> {
    const limited = await this.limits.beforeAuthentication({ headers: { authorization: 'x' }, ip });
    if (limited) throw scimError(429, null, limited.message);
    const token = /^Bearer\s+(\S+)$/i.exec(authorization?.trim() ?? '')?.[1] ?? '';
    const [row] = await this.db.queryGlobal(
      sql<Row>`SELECT * FROM authenticate_scim_token(${slug}, ${sha256(token)})`,
    );
    const org = row
      ? { id: row.org_id, slug: row.org_slug, name: row.org_name, createdAt: row.org_created_at }
      : null;
    const refuse = async (status: number, detail: string): Promise<ScimAuthResult> => {
      await this.limits.authenticationFailed(ip);
      return { ok: false, org, status, detail };
    };
    if (!org) return refuse(404, `no organisation ${slug}`);
    if (!token) return refuse(401, 'send the organisation\'s SCIM token as "Authorization: Bearer <token>"');
    if (!row?.token_id) return refuse(401, `this is not ${slug}'s SCIM token`);
    if (row.revoked_at) return refuse(401, 'this SCIM token has been revoked; issue a new one in Palisade');
    return { ok: true, org, tokenId: row.token_id };
  }
}
