// "Require SSO" for the platform sign-in (decision 0104). Registered in the auth module and called
// by its callback after the platform issuer verified the person and before any user row is written:
// an email whose domain an organisation verified and marked "require SSO" must sign in through that
// organisation's IdP. The one exception is break-glass: an owner of that organisation who started
// the sign-in with ?breakGlass=1 gets through, and the organisation's audit log records it. Every
// refusal is audited too. Lives in the SSO module; auth only calls it.
import { Inject, Injectable } from '@nestjs/common';
import { emailDomainOf } from '@palisade/access';
import { Database } from '../../platform/db/database.js';
import { AuditWriter } from '../../platform/audit/audit-writer.js';
import { AppError } from '../../platform/errors/app-error.js';
import { SsoRepository } from './sso.repository.js';

export interface PlatformSignInAttempt {
  email: string;
  issuer: string;
  subject: string;
  breakGlass: boolean;
}

@Injectable()
export class SsoSignInGate {
  private readonly repo = new SsoRepository();

  constructor(
    @Inject(Database) private readonly db: Database,
    @Inject(AuditWriter) private readonly audit: AuditWriter,
  ) {}

  /** Returns when the platform sign-in may go on; throws FORBIDDEN (audited) when SSO is required. */
  async checkPlatformSignIn(attempt: PlatformSignInAttempt): Promise<void> {
    const domain = emailDomainOf(attempt.email);
    if (!domain) return;
    const route = await this.db.global((tx) => this.repo.routeDomain(tx, domain));
    if (!route?.requireSso) return;
    const actor = { type: 'system' as const, id: null, label: `platform-sign-in:${attempt.email}` };
    const details = { email: attempt.email, domain, issuer: attempt.issuer, subject: attempt.subject };
    if (attempt.breakGlass) {
      const allowed = await this.db.inOrg({ orgId: route.orgId }, async (tx) => {
        const owner = await this.repo.ownerByEmail(tx, route.orgId, attempt.email);
        if (!owner) return false;
        await this.audit.append(
          tx,
          route.orgId,
          { ...actor, type: 'user', id: owner.userId },
          {
            action: 'sso.break_glass_sign_in',
            targetType: 'sso_domain',
            targetId: domain,
            after: details,
          },
        );
        return true;
      });
      if (allowed) return;
    }
    await this.db.inOrg({ orgId: route.orgId }, (tx) =>
      this.audit.append(tx, route.orgId, actor, {
        action: 'sso.sign_in_refused',
        targetType: 'sso_domain',
        targetId: domain,
        after: {
          ...details,
          reason: attempt.breakGlass
            ? 'break-glass sign-in is for owners of the organisation only'
            : 'the organisation requires single sign-on for this domain',
        },
      }),
    );
    throw new AppError(
      'FORBIDDEN',
      attempt.breakGlass
        ? `${domain} requires single sign-on; break-glass sign-in is only for owners of ${route.orgSlug}`
        : `${domain} requires single sign-on: sign in with your work email through ${route.orgSlug}'s identity provider (/sso/start?email=…)`,
    );
  }
}
