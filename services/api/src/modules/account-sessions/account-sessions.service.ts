// Sessions as people manage them (decision 0110): a signed-in user lists and ends their own; an
// owner ends every session of a member; an owner sets how long sessions may reach the organisation
// (enforced in OrgAccessService). Ending sessions deletes their rows — the next request with the
// cookie is UNAUTHENTICATED — and, once committed, tells every API replica to re-check that user's
// GraphQL sockets at once (AccessRevocations). Never ends a session of someone outside the org.
import { Inject, Injectable } from '@nestjs/common';
import { actorOf, type OrgScope, type UserPrincipal } from '../../platform/access/principal.js';
import { AuditWriter } from '../../platform/audit/audit-writer.js';
import { AccessRevocations } from '../../platform/auth/access-revocations.js';
import { Database } from '../../platform/db/database.js';
import { AppError } from '../../platform/errors/app-error.js';
import { memberView, type MemberView } from '../members/members.service.js';
import { AccountSessionsRepository } from './account-sessions.repository.js';

export interface SessionView {
  id: string;
  current: boolean;
  createdAt: Date;
  lastSeenAt: Date;
  expiresAt: Date;
  userAgent: string | null;
  ip: string | null;
}

export interface SessionPolicyView {
  orgId: string;
  maxLifetimeMinutes: number | null;
  idleTimeoutMinutes: number | null;
  updatedAt: Date | null;
}

type SessionRow = Awaited<ReturnType<AccountSessionsRepository['listLive']>>[number];

function sessionView(s: SessionRow, current: UserPrincipal): SessionView {
  return {
    id: s.id,
    current: Buffer.from(s.idHash).equals(current.sessionIdHash),
    createdAt: s.createdAt,
    lastSeenAt: s.lastSeenAt,
    expiresAt: s.expiresAt,
    userAgent: s.userAgent,
    ip: s.ip,
  };
}

const toMinutes = (s: number | null) => (s === null ? null : Math.round(s / 60));

@Injectable()
export class AccountSessionsService {
  constructor(
    @Inject(Database) private readonly db: Database,
    @Inject(AccountSessionsRepository) private readonly repo: AccountSessionsRepository,
    @Inject(AuditWriter) private readonly audit: AuditWriter,
    @Inject(AccessRevocations) private readonly revocations: AccessRevocations,
  ) {}

  listOwn(user: UserPrincipal): Promise<SessionView[]> {
    return this.db.global(async (tx) =>
      (await this.repo.listLive(tx, user.userId)).map((s) => sessionView(s, user)),
    );
  }

  /**
   * Ends one of the caller's own sessions (the current one included: that is signing out). Sessions
   * are the user's, not one organisation's, so the event is written in every organisation the user
   * belongs to, in the same transaction.
   */
  async revokeOwn(user: UserPrincipal, sessionId: string): Promise<SessionView> {
    const view = await this.db.asUser({ userId: user.userId, email: user.email }, async (tx) => {
      const session = await this.repo.findLive(tx, user.userId, sessionId);
      if (!session) throw AppError.notFound('session');
      await this.repo.deleteOne(tx, user.userId, sessionId);
      const v = sessionView(session, user);
      for (const orgId of await this.repo.orgIdsOf(tx, user.userId)) {
        await tx.$executeRaw`SELECT set_config('app.org_id', ${orgId}, true)`;
        await this.audit.append(tx, orgId, actorOf(user), {
          action: 'session.revoke',
          targetType: 'session',
          targetId: session.id,
          before: { userAgent: v.userAgent, ip: v.ip, createdAt: v.createdAt, current: v.current },
        });
      }
      return v;
    });
    await this.revocations.publish([user.userId]);
    return view;
  }

  /** Ends every session of a member of the scope's organisation. */
  async endForMember(
    scope: OrgScope,
    userId: string,
  ): Promise<{ member: MemberView; endedSessions: number }> {
    const out = await this.db.inOrg({ orgId: scope.orgId }, async (tx) => {
      const member = await tx.membership.findFirst({
        where: { orgId: scope.orgId, userId },
        include: { user: true },
      });
      if (!member) throw AppError.notFound('member');
      const { count } = await this.repo.deleteAllOf(tx, userId);
      await this.audit.append(tx, scope.orgId, actorOf(scope.principal), {
        action: 'member.sessions.end',
        targetType: 'member',
        targetId: userId,
        after: { email: member.user.email, endedSessions: count },
      });
      return { member: memberView(member), endedSessions: count };
    });
    await this.revocations.publish([userId]);
    return out;
  }

  async policy(scope: OrgScope): Promise<SessionPolicyView> {
    const row = await this.db.inOrg({ orgId: scope.orgId }, (tx) => this.repo.findPolicy(tx, scope.orgId));
    return {
      orgId: scope.orgId,
      maxLifetimeMinutes: toMinutes(row?.maxLifetimeSeconds ?? null),
      idleTimeoutMinutes: toMinutes(row?.idleTimeoutSeconds ?? null),
      updatedAt: row?.updatedAt ?? null,
    };
  }

  async updatePolicy(
    scope: OrgScope,
    input: { maxLifetimeMinutes: number | null; idleTimeoutMinutes: number | null },
  ): Promise<SessionPolicyView> {
    return this.db.inOrg({ orgId: scope.orgId }, async (tx) => {
      const before = await this.repo.findPolicy(tx, scope.orgId);
      const row = await this.repo.upsertPolicy(tx, scope.orgId, {
        maxLifetimeSeconds: input.maxLifetimeMinutes === null ? null : input.maxLifetimeMinutes * 60,
        idleTimeoutSeconds: input.idleTimeoutMinutes === null ? null : input.idleTimeoutMinutes * 60,
      });
      const view = {
        orgId: scope.orgId,
        maxLifetimeMinutes: toMinutes(row.maxLifetimeSeconds),
        idleTimeoutMinutes: toMinutes(row.idleTimeoutSeconds),
        updatedAt: row.updatedAt,
      };
      await this.audit.append(tx, scope.orgId, actorOf(scope.principal), {
        action: 'organization.session_policy.update',
        targetType: 'organization',
        targetId: scope.orgId,
        before: {
          maxLifetimeMinutes: toMinutes(before?.maxLifetimeSeconds ?? null),
          idleTimeoutMinutes: toMinutes(before?.idleTimeoutSeconds ?? null),
        },
        after: { maxLifetimeMinutes: view.maxLifetimeMinutes, idleTimeoutMinutes: view.idleTimeoutMinutes },
      });
      return view;
    });
  }
}
