// What happens after an organisation's IdP vouched for someone (OIDC or SAML alike; decision
// 0103): the email's domain must be one the organisation verified; the person is matched by
// (connection, subject), else linked by email, else created (just-in-time); when the connection
// has group mappings they decide the person's role at every sign-in — granted, changed, or taken
// away when no group maps any more — except that owners are never changed by an IdP. A person
// left with no role in the organisation is refused. Every outcome is in the organisation's audit
// log; a refusal changes nothing else (the role sync before a "no role" refusal is the outcome).
import { Inject, Injectable } from '@nestjs/common';
import { emailDomainOf } from '@palisade/access';
import { Database } from '../../platform/db/database.js';
import { AuditWriter } from '../../platform/audit/audit-writer.js';
import type { Actor } from '../../platform/access/principal.js';
import { SSO_LIMITS } from '../../config/limits.js';
import { SessionsService, type NewSession } from '../auth/sessions.service.js';
import { UsersRepository } from '../auth/users.repository.js';
import { roleForGroups, type GroupMapping } from './group-mapping.js';
import type { SsoAssertedIdentity } from './sso-oidc.js';
import { SsoRepository, type ConnectionRow } from './sso.repository.js';

export class SsoSignInRefused extends Error {
  override readonly name = 'SsoSignInRefused';
}

function connectionActor(c: { id: string; name: string }, label?: string): Actor {
  return { type: 'system', id: null, label: label ?? `sso:${c.name}` };
}

@Injectable()
export class SsoSignInService {
  constructor(
    @Inject(Database) private readonly db: Database,
    @Inject(SsoRepository) private readonly repo: SsoRepository,
    @Inject(UsersRepository) private readonly users: UsersRepository,
    @Inject(SessionsService) private readonly sessions: SessionsService,
    @Inject(AuditWriter) private readonly audit: AuditWriter,
  ) {}

  /** Records a refused sign-in in the connection's organisation; changes nothing else. */
  async refuse(orgId: string, connection: { id: string; name: string }, reason: string, detail: object = {}) {
    await this.db.inOrg({ orgId }, (tx) =>
      this.audit.append(tx, orgId, connectionActor(connection), {
        action: 'sso.sign_in_refused',
        targetType: 'sso_connection',
        targetId: connection.id,
        after: { reason, ...detail },
      }),
    );
    return new SsoSignInRefused(reason);
  }

  async complete(connection: ConnectionRow, identity: SsoAssertedIdentity): Promise<NewSession> {
    const orgId = connection.orgId;
    const groups = identity.groups.slice(0, SSO_LIMITS.maxGroupsPerSignIn);
    const detail = { subject: identity.subject, email: identity.email, groups };
    if (!identity.subject) throw await this.refuse(orgId, connection, 'the IdP sent no subject', detail);
    if (!identity.email) throw await this.refuse(orgId, connection, 'the IdP sent no email address', detail);
    if (identity.emailVerified === false)
      throw await this.refuse(orgId, connection, `the IdP says ${identity.email} is not verified`, detail);
    const domain = emailDomainOf(identity.email);

    const outcome = await this.db.inOrg({ orgId }, async (tx) => {
      if (!domain || !(await this.repo.verifiedDomain(tx, orgId, domain)))
        return { refused: `${identity.email} is not in a domain this organisation has verified` } as const;
      const now = new Date();
      const known = await this.repo.identity(tx, orgId, connection.id, identity.subject);
      let user = known ? await tx.user.findUnique({ where: { id: known.userId } }) : null;
      if (!user) {
        // The organisation proved it owns the domain, so its IdP may speak for this address.
        const byEmail = await this.users.findByEmail(tx, identity.email);
        user =
          byEmail ??
          (await this.users.create(tx, {
            oidcIssuer: null,
            oidcSubject: null,
            email: identity.email,
            name: identity.name,
            lastLoginAt: now,
          }));
      }
      user = await this.users.update(tx, user.id, { name: identity.name || user.name, lastLoginAt: now });
      await this.repo.upsertIdentity(tx, orgId, connection.id, identity.subject, user.id, groups);

      const actor = connectionActor(connection, identity.email);
      const mappings = (await this.repo.mappings(tx, orgId, connection.id)) as GroupMapping[];
      const before = await this.repo.membership(tx, orgId, user.id);
      let role = before?.role ?? null;
      if (mappings.length > 0 && before?.role !== 'owner') {
        const mapped = roleForGroups(mappings, groups);
        if (mapped && mapped !== before?.role) {
          await this.repo.upsertMembership(tx, orgId, user.id, mapped);
          await this.audit.append(tx, orgId, actor, {
            action: before ? 'sso.member.role_update' : 'sso.member.join',
            targetType: 'user',
            targetId: user.id,
            before: before ? { role: before.role } : undefined,
            after: { email: user.email, role: mapped, groups, connection: connection.name },
          });
          role = mapped;
        } else if (!mapped && before) {
          await this.repo.deleteMembership(tx, orgId, user.id);
          await this.audit.append(tx, orgId, actor, {
            action: 'sso.member.remove',
            targetType: 'user',
            targetId: user.id,
            before: { role: before.role },
            after: { email: user.email, groups, connection: connection.name },
          });
          role = null;
        }
      }
      if (!role)
        return {
          refused: `no role in this organisation: none of the groups [${groups.join(', ')}] is mapped`,
        } as const;
      const session = await this.sessions.openSession(tx, user.id, now);
      await this.audit.append(tx, orgId, actor, {
        action: 'sso.sign_in',
        targetType: 'sso_connection',
        targetId: connection.id,
        after: { email: user.email, subject: identity.subject, groups, role },
      });
      return { session } as const;
    });
    if ('refused' in outcome) throw await this.refuse(orgId, connection, outcome.refused, detail);
    return outcome.session;
  }
}
