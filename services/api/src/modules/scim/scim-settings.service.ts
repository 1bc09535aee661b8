// What owners manage of SCIM in Palisade (decisions 0111, 0112): the organisation's one live SCIM
// token (issuing a new one revokes the old in the same transaction — that is rotation; revoking
// turns provisioning off) and the role each SCIM group maps to. Changing a mapping re-applies the
// roles of that group's members at once.
import { Inject, Injectable } from '@nestjs/common';
import { actorOf, type OrgScope } from '../../platform/access/principal.js';
import type { Role } from '../../platform/access/roles.js';
import { AuditWriter } from '../../platform/audit/audit-writer.js';
import { AccessRevocations } from '../../platform/auth/access-revocations.js';
import { randomSecret, sha256 } from '../../platform/auth/secrets.js';
import { Database } from '../../platform/db/database.js';
import { AppError } from '../../platform/errors/app-error.js';
import { SCIM_TOKEN_PREFIX } from './scim-auth.js';
import { ScimProvisioningService } from './scim-provisioning.service.js';
import { ScimRepository } from './scim.repository.js';

export interface ScimTokenView {
  id: string;
  prefix: string;
  createdAt: Date;
  createdBy: string | null;
  lastUsedAt: Date | null;
}

export interface ScimGroupView {
  id: string;
  displayName: string;
  memberCount: number;
  role: Role | null;
}

type TokenRow = NonNullable<Awaited<ReturnType<ScimRepository['liveToken']>>>;
type GroupRow = Awaited<ReturnType<ScimRepository['listGroupsForSettings']>>[number];

function tokenView(t: TokenRow): ScimTokenView {
  return {
    id: t.id,
    prefix: t.tokenPrefix,
    createdAt: t.createdAt,
    createdBy: t.createdBy?.email ?? null,
    lastUsedAt: t.lastUsedAt,
  };
}

function groupView(g: GroupRow): ScimGroupView {
  return { id: g.id, displayName: g.displayName, memberCount: g._count.members, role: g.role as Role | null };
}

@Injectable()
export class ScimSettingsService {
  constructor(
    @Inject(Database) private readonly db: Database,
    @Inject(ScimRepository) private readonly repo: ScimRepository,
    @Inject(AuditWriter) private readonly audit: AuditWriter,
    @Inject(ScimProvisioningService) private readonly provisioning: ScimProvisioningService,
    @Inject(AccessRevocations) private readonly revocations: AccessRevocations,
  ) {}

  read(scope: OrgScope): Promise<{ token: ScimTokenView | null; groups: ScimGroupView[] }> {
    return this.db.inOrg({ orgId: scope.orgId }, async (tx) => {
      const [token, groups] = await Promise.all([
        this.repo.liveToken(tx, scope.orgId),
        this.repo.listGroupsForSettings(tx, scope.orgId),
      ]);
      return { token: token ? tokenView(token) : null, groups: groups.map(groupView) };
    });
  }

  async issueToken(scope: OrgScope): Promise<{ token: ScimTokenView; secret: string }> {
    const secret = `${SCIM_TOKEN_PREFIX}${randomSecret(32)}`;
    const prefix = secret.slice(0, SCIM_TOKEN_PREFIX.length + 6);
    return this.db.inOrg({ orgId: scope.orgId }, async (tx) => {
      const old = await this.repo.liveToken(tx, scope.orgId);
      await this.repo.revokeLive(tx, scope.orgId);
      const row = await this.repo.createToken(tx, scope.orgId, {
        tokenPrefix: prefix,
        tokenHash: sha256(secret),
        createdByUserId: scope.principal.kind === 'user' ? scope.principal.userId : null,
      });
      await this.audit.append(tx, scope.orgId, actorOf(scope.principal), {
        action: 'scim.token.issue',
        targetType: 'scim_token',
        targetId: row.id,
        before: old ? { id: old.id, prefix: old.tokenPrefix, revoked: true } : null,
        after: { prefix },
      });
      return { token: tokenView(row), secret };
    });
  }

  async revokeToken(scope: OrgScope): Promise<void> {
    await this.db.inOrg({ orgId: scope.orgId }, async (tx) => {
      const old = await this.repo.liveToken(tx, scope.orgId);
      if (!old) throw new AppError('PRECONDITION_FAILED', 'SCIM is already off: there is no live SCIM token');
      await this.repo.revokeLive(tx, scope.orgId);
      await this.audit.append(tx, scope.orgId, actorOf(scope.principal), {
        action: 'scim.token.revoke',
        targetType: 'scim_token',
        targetId: old.id,
        before: { prefix: old.tokenPrefix },
      });
    });
  }

  async setGroupRole(scope: OrgScope, groupId: string, role: Role | null): Promise<ScimGroupView> {
    const { view, changed } = await this.db.inOrg({ orgId: scope.orgId }, async (tx) => {
      const group = await this.repo.findGroup(tx, scope.orgId, groupId);
      if (!group) throw AppError.notFound('SCIM group');
      const row = await this.repo.setGroupRole(tx, scope.orgId, groupId, role);
      await this.audit.append(tx, scope.orgId, actorOf(scope.principal), {
        action: 'scim.group.role.update',
        targetType: 'scim_group',
        targetId: groupId,
        before: { displayName: group.displayName, role: group.role },
        after: { displayName: group.displayName, role },
      });
      const changed = await this.provisioning.syncRoles(
        tx,
        { org: scope.org, actor: actorOf(scope.principal) },
        group.members.map((m) => m.user.id),
      );
      return { view: groupView(row), changed };
    });
    if (changed.length) await this.revocations.publish(changed);
    return view;
  }
}
