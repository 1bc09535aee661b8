// API tokens: `pal_` + 256 random bits, returned once, stored as SHA-256. A token's role is never
// above its creator's (roleWithin). Revocation takes effect on the next request (no caching).
import { Inject, Injectable } from '@nestjs/common';
import { Database } from '../../platform/db/database.js';
import { AuditWriter } from '../../platform/audit/audit-writer.js';
import { AppError } from '../../platform/errors/app-error.js';
import { actorOf, type OrgScope } from '../../platform/access/principal.js';
import { roleWithin, type Role } from '../../platform/access/roles.js';
import { API_TOKEN_PREFIX } from '../../platform/auth/authenticator.js';
import { randomSecret, sha256 } from '../../platform/auth/secrets.js';
import { TokensRepository } from './tokens.repository.js';
import { scopeColumns, storedScope } from '../../platform/access/access-scope.js';
import {
  checkRequestedScope,
  toAccessScopeModel,
  type AccessScopeModel,
  type AccessScopeRequest,
} from '../../platform/graphql/access-scope.types.js';

type TokenRow = NonNullable<Awaited<ReturnType<TokensRepository['find']>>>;

export interface TokenView {
  id: string;
  name: string;
  role: Role;
  prefix: string;
  createdAt: Date;
  createdBy: string | null;
  expiresAt: Date | null;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
  scope: AccessScopeModel;
}

function tokenView(t: TokenRow): TokenView {
  return {
    id: t.id,
    name: t.name,
    role: t.role as Role,
    prefix: t.tokenPrefix,
    createdAt: t.createdAt,
    createdBy: t.createdBy?.email ?? null,
    expiresAt: t.expiresAt,
    lastUsedAt: t.lastUsedAt,
    revokedAt: t.revokedAt,
    scope: toAccessScopeModel(storedScope(t.clusterSelector, t.tiers)),
  };
}

export function newTokenSecret(): { secret: string; prefix: string; hash: Buffer } {
  const secret = `${API_TOKEN_PREFIX}${randomSecret(32)}`;
  return { secret, prefix: secret.slice(0, API_TOKEN_PREFIX.length + 6), hash: sha256(secret) };
}

@Injectable()
export class TokensService {
  constructor(
    @Inject(Database) private readonly db: Database,
    @Inject(TokensRepository) private readonly repo: TokensRepository,
    @Inject(AuditWriter) private readonly audit: AuditWriter,
  ) {}

  list(scope: OrgScope, skip: number, take: number) {
    return this.db.inOrg(scope, async (tx) => {
      const [rows, total] = await Promise.all([
        this.repo.list(tx, scope.orgId, skip, take),
        this.repo.count(tx, scope.orgId),
      ]);
      return { rows: rows.map(tokenView), total };
    });
  }

  async create(
    scope: OrgScope,
    input: { name: string; role: Role; expiresInDays: number; scope?: AccessScopeRequest },
  ): Promise<{ token: TokenView; secret: string }> {
    if (!roleWithin(input.role, scope.role)) {
      throw new AppError(
        'FORBIDDEN',
        `a token cannot have a role (${input.role}) above yours (${scope.role})`,
        [{ path: ['input', 'role'], message: 'is above your own role' }],
      );
    }
    const { secret, prefix, hash } = newTokenSecret();
    const expiresAt = new Date(Date.now() + input.expiresInDays * 86_400_000);
    return this.db.inOrg(scope, async (tx) => {
      const limits = await checkRequestedScope(tx, scope.orgId, input.role, input.scope, scope.access);
      const row = await this.repo.create(tx, scope.orgId, {
        name: input.name,
        role: input.role,
        ...scopeColumns(limits),
        tokenPrefix: prefix,
        tokenHash: hash,
        createdByUserId: scope.principal.kind === 'user' ? scope.principal.userId : null,
        expiresAt,
      });
      await this.audit.append(tx, scope.orgId, actorOf(scope.principal), {
        action: 'api_token.create',
        targetType: 'api_token',
        targetId: row.id,
        after: { name: row.name, role: row.role, prefix, expiresAt, ...scopeColumns(limits) },
      });
      return { token: tokenView(row), secret };
    });
  }

  async revoke(scope: OrgScope, tokenId: string): Promise<TokenView> {
    return this.db.inOrg(scope, async (tx) => {
      const existing = await this.repo.find(tx, scope.orgId, tokenId);
      if (!existing) throw AppError.notFound('API token');
      if (existing.revokedAt) return tokenView(existing);
      const row = await this.repo.revoke(tx, scope.orgId, tokenId);
      await this.audit.append(tx, scope.orgId, actorOf(scope.principal), {
        action: 'api_token.revoke',
        targetType: 'api_token',
        targetId: tokenId,
        before: { name: existing.name, role: existing.role, revokedAt: null },
        after: { name: row.name, role: row.role, revokedAt: row.revokedAt },
      });
      return tokenView(row);
    });
  }
}
