// Members and invitations. Rules:
//  - an inviter may only grant roles within their own (roleWithin); only owners grant "owner";
//  - invitations are accepted by the signed-in user whose email they name, once, before expiry;
//  - a member's role is changed or the member removed only by someone whose role covers both the
//    old and the new role; the last owner can be neither demoted nor removed.
import { Inject, Injectable } from '@nestjs/common';
import { Database, type Tx } from '../../platform/db/database.js';
import { AuditWriter } from '../../platform/audit/audit-writer.js';
import { AppError } from '../../platform/errors/app-error.js';
import { isUniqueViolation } from '../../platform/errors/pg-errors.js';
import { actorOf, type OrgScope, type UserPrincipal } from '../../platform/access/principal.js';
import { roleWithin, type Role } from '../../platform/access/roles.js';
import { INVITATION_TTL_MS } from '../../config/limits.js';
import { MembersRepository, type MemberListRow } from './members.repository.js';
import { scopeColumns, storedScope } from '../../platform/access/access-scope.js';
import {
  checkRequestedScope,
  toAccessScopeModel,
  type AccessScopeModel,
  type AccessScopeRequest,
} from '../../platform/graphql/access-scope.types.js';

type InvitationRow = NonNullable<Awaited<ReturnType<MembersRepository['findInvitation']>>>;
type MemberRow = NonNullable<Awaited<ReturnType<MembersRepository['findMember']>>>;

export interface MemberView {
  user: { id: string; email: string; name: string };
  role: Role;
  joinedAt: Date;
  scope: AccessScopeModel;
}

export interface InvitationView {
  id: string;
  email: string;
  role: Role;
  scope: AccessScopeModel;
  status: 'PENDING' | 'ACCEPTED' | 'REVOKED' | 'EXPIRED';
  organization: { slug: string; name: string };
  invitedBy: string | null;
  createdAt: Date;
  expiresAt: Date;
}

export function memberView(m: MemberRow): MemberView {
  return {
    user: { id: m.user.id, email: m.user.email, name: m.user.name },
    role: m.role as Role,
    joinedAt: m.createdAt,
    scope: toAccessScopeModel(storedScope(m.clusterSelector, m.tiers)),
  };
}

function memberListView(m: MemberListRow): MemberView {
  return {
    user: { id: m.user_id, email: m.email, name: m.name },
    role: m.role as Role,
    joinedAt: m.created_at,
    scope: toAccessScopeModel(storedScope(m.cluster_selector, m.tiers)),
  };
}

export function invitationView(i: InvitationRow): InvitationView {
  const status = i.acceptedAt
    ? 'ACCEPTED'
    : i.revokedAt
      ? 'REVOKED'
      : i.expiresAt.getTime() <= Date.now()
        ? 'EXPIRED'
        : 'PENDING';
  return {
    id: i.id,
    email: i.email,
    role: i.role as Role,
    scope: toAccessScopeModel(storedScope(i.clusterSelector, i.tiers)),
    status,
    organization: { slug: i.organization.slug, name: i.organization.name },
    invitedBy: i.inviter?.email ?? null,
    createdAt: i.createdAt,
    expiresAt: i.expiresAt,
  };
}

@Injectable()
export class MembersService {
  constructor(
    @Inject(Database) private readonly db: Database,
    @Inject(MembersRepository) private readonly repo: MembersRepository,
    @Inject(AuditWriter) private readonly audit: AuditWriter,
  ) {}

  async listMembers(scope: OrgScope, skip: number, take: number) {
    const [rows, [count]] = await this.db.query(scope, [
      this.repo.listMembers(scope.orgId, skip, take),
      this.repo.countMembers(scope.orgId),
    ]);
    return { rows: rows.map(memberListView), total: count?.n ?? 0 };
  }

  listInvitations(scope: OrgScope, skip: number, take: number) {
    return this.db.inOrg(scope, async (tx) => {
      const [rows, total] = await Promise.all([
        this.repo.listInvitations(tx, scope.orgId, skip, take),
        this.repo.countInvitations(tx, scope.orgId),
      ]);
      return { rows: rows.map(invitationView), total };
    });
  }

  async invite(
    scope: OrgScope,
    input: { email: string; role: Role; scope?: AccessScopeRequest },
  ): Promise<InvitationView> {
    if (!roleWithin(input.role, scope.role)) {
      throw new AppError('FORBIDDEN', `your role (${scope.role}) cannot invite a member as ${input.role}`, [
        { path: ['input', 'role'], message: 'is above your own role' },
      ]);
    }
    const invitedBy = scope.principal.kind === 'user' ? scope.principal.userId : null;
    try {
      return await this.db.inOrg(scope, async (tx) => {
        const existing = await tx.membership.findFirst({
          where: { orgId: scope.orgId, user: { email: input.email } },
        });
        if (existing) {
          throw new AppError('CONFLICT', `${input.email} is already a member`, [
            { path: ['input', 'email'], message: 'is already a member' },
          ]);
        }
        const limits = await checkRequestedScope(tx, scope.orgId, input.role, input.scope, scope.access);
        const inv = await this.repo.createInvitation(tx, scope.orgId, {
          email: input.email,
          role: input.role,
          ...scopeColumns(limits),
          invitedBy,
          expiresAt: new Date(Date.now() + INVITATION_TTL_MS),
        });
        await this.audit.append(tx, scope.orgId, actorOf(scope.principal), {
          action: 'member.invite',
          targetType: 'invitation',
          targetId: inv.id,
          after: { email: inv.email, role: inv.role, expiresAt: inv.expiresAt, ...scopeColumns(limits) },
        });
        return invitationView(inv);
      });
    } catch (err) {
      if (isUniqueViolation(err)) {
        throw new AppError('CONFLICT', `${input.email} already has a pending invitation`, [
          { path: ['input', 'email'], message: 'already has a pending invitation' },
        ]);
      }
      throw err;
    }
  }

  async revokeInvitation(scope: OrgScope, invitationId: string): Promise<InvitationView> {
    return this.db.inOrg(scope, async (tx) => {
      const inv = await this.repo.findInvitation(tx, scope.orgId, invitationId);
      if (!inv) throw AppError.notFound('invitation');
      if (inv.acceptedAt || inv.revokedAt)
        throw new AppError('PRECONDITION_FAILED', 'this invitation is no longer pending');
      const after = await this.repo.markInvitation(tx, scope.orgId, inv.id, { revokedAt: new Date() });
      await this.audit.append(tx, scope.orgId, actorOf(scope.principal), {
        action: 'member.invitation.revoke',
        targetType: 'invitation',
        targetId: inv.id,
        before: { email: inv.email, role: inv.role },
      });
      return invitationView(after);
    });
  }

  pendingForUser(user: UserPrincipal): Promise<InvitationView[]> {
    return this.db.asUser({ userId: user.userId, email: user.email }, async (tx) =>
      (await this.repo.pendingForEmail(tx, user.email)).map(invitationView),
    );
  }

  async accept(
    user: UserPrincipal,
    invitationId: string,
  ): Promise<{ orgId: string; slug: string; name: string; createdAt: Date; role: Role }> {
    const found = await this.db.asUser({ userId: user.userId, email: user.email }, (tx) =>
      this.repo.findInvitationForEmail(tx, user.email, invitationId),
    );
    if (!found) throw AppError.notFound('invitation');
    return this.db.inOrg({ orgId: found.orgId, userId: user.userId, email: user.email }, async (tx) => {
      const inv = await this.repo.findInvitation(tx, found.orgId, invitationId);
      if (!inv || inv.email !== user.email) throw AppError.notFound('invitation');
      if (inv.acceptedAt) throw new AppError('PRECONDITION_FAILED', 'this invitation was already accepted');
      if (inv.revokedAt) throw new AppError('PRECONDITION_FAILED', 'this invitation was revoked');
      if (inv.expiresAt.getTime() <= Date.now())
        throw new AppError('PRECONDITION_FAILED', 'this invitation has expired');
      if (await this.repo.findMember(tx, inv.orgId, user.userId)) {
        throw new AppError('CONFLICT', 'you are already a member of this organisation');
      }
      await this.repo.addMember(tx, inv.orgId, user.userId, inv.role, inv);
      await this.repo.markInvitation(tx, inv.orgId, inv.id, {
        acceptedAt: new Date(),
        acceptedBy: user.userId,
      });
      await this.audit.append(tx, inv.orgId, actorOf(user), {
        action: 'member.join',
        targetType: 'member',
        targetId: user.userId,
        after: { email: user.email, role: inv.role, invitationId: inv.id },
      });
      return {
        orgId: inv.orgId,
        slug: inv.organization.slug,
        name: inv.organization.name,
        createdAt: inv.organization.createdAt,
        role: inv.role as Role,
      };
    });
  }

  /** `requested` undefined keeps the member's scope; given (even empty), it replaces it. */
  async updateRole(
    scope: OrgScope,
    userId: string,
    role: Role,
    requested?: AccessScopeRequest,
  ): Promise<MemberView> {
    return this.db.inOrg(scope, async (tx) => {
      const member = await this.requireMember(tx, scope, userId);
      const old = member.role as Role;
      const oldScope = storedScope(member.clusterSelector, member.tiers);
      const keep = requested === undefined;
      const limits = await checkRequestedScope(
        tx,
        scope.orgId,
        role,
        keep
          ? { clusterSelector: oldScope.clusterSelector, tiers: oldScope.tiers ? [...oldScope.tiers] : null }
          : requested,
        scope.access,
      );
      if (!roleWithin(old, scope.role) || !roleWithin(role, scope.role)) {
        throw new AppError(
          'FORBIDDEN',
          `your role (${scope.role}) cannot change a member from ${old} to ${role}`,
          [{ path: ['input', 'role'], message: 'is above your own role' }],
        );
      }
      const sameScope = JSON.stringify(scopeColumns(limits)) === JSON.stringify(scopeColumns(oldScope));
      if (old === role && sameScope) return memberView(member);
      if (old === 'owner' && role !== 'owner')
        await this.assertNotLastOwner(tx, scope.orgId, userId, 'demoted');
      const updated = await this.repo.setRole(tx, scope.orgId, userId, role, scopeColumns(limits));
      await this.audit.append(tx, scope.orgId, actorOf(scope.principal), {
        action: 'member.role.update',
        targetType: 'member',
        targetId: userId,
        before: { email: member.user.email, role: old, ...scopeColumns(oldScope) },
        after: { email: member.user.email, role, ...scopeColumns(limits) },
      });
      return memberView(updated);
    });
  }

  async remove(scope: OrgScope, userId: string): Promise<MemberView> {
    return this.db.inOrg(scope, async (tx) => {
      const member = await this.requireMember(tx, scope, userId);
      const old = member.role as Role;
      const self = scope.principal.kind === 'user' && scope.principal.userId === userId;
      if (!self && !roleWithin(old, scope.role)) {
        throw new AppError('FORBIDDEN', `your role (${scope.role}) cannot remove a member who is ${old}`);
      }
      if (old === 'owner') await this.assertNotLastOwner(tx, scope.orgId, userId, 'removed');
      await this.repo.removeMember(tx, scope.orgId, userId);
      await this.audit.append(tx, scope.orgId, actorOf(scope.principal), {
        action: 'member.remove',
        targetType: 'member',
        targetId: userId,
        before: { email: member.user.email, role: old },
      });
      return memberView(member);
    });
  }

  private async requireMember(tx: Tx, scope: OrgScope, userId: string): Promise<MemberRow> {
    const member = await this.repo.findMember(tx, scope.orgId, userId);
    if (!member) throw AppError.notFound('member');
    return member;
  }

  private async assertNotLastOwner(tx: Tx, orgId: string, userId: string, verb: string): Promise<void> {
    const owners = await this.repo.lockOwners(tx, orgId);
    if (owners.length <= 1 && owners.includes(userId)) {
      throw new AppError(
        'PRECONDITION_FAILED',
        `the last owner cannot be ${verb}; make another member owner first`,
      );
    }
  }
}
