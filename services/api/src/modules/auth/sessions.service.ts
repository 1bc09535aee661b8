// Sign-in bookkeeping: matching an identity to a user, and server-side sessions. A session id is
// 256 random bits given to the browser in an HttpOnly cookie; only its SHA-256 is stored. A user
// pre-provisioned by email (admin create-org) is linked on first sign-in with a verified email.
import { Inject, Injectable } from '@nestjs/common';
import { ENV } from '../../config/env.module.js';
import type { Env } from '../../config/env.js';
import { Database, type Tx } from '../../platform/db/database.js';
import { AppError } from '../../platform/errors/app-error.js';
import { randomSecret, sha256 } from '../../platform/auth/secrets.js';
import type { VerifiedIdentity } from './oidc-client.js';
import { UsersRepository } from './users.repository.js';

export interface NewSession {
  sessionId: string;
  csrfSecret: string;
  userId: string;
  maxAgeSeconds: number;
}

/** What a session's owner sees of where it was opened (decision 0110): browser and address. */
export interface SessionClient {
  userAgent?: string | undefined;
  ip?: string | undefined;
}

@Injectable()
export class SessionsService {
  constructor(
    @Inject(Database) private readonly db: Database,
    @Inject(UsersRepository) private readonly users: UsersRepository,
    @Inject(ENV) private readonly env: Env,
  ) {}

  /** `client` is what the session list shows its owner (decision 0110): browser and address. */
  async signIn(identity: VerifiedIdentity, client: SessionClient = {}): Promise<NewSession> {
    if (!identity.email)
      throw new AppError('UNAUTHENTICATED', 'the identity provider did not share an email address');
    if (identity.emailVerified === false)
      throw new AppError('UNAUTHENTICATED', 'your email address is not verified');
    return this.db.global(async (tx) => {
      const now = new Date();
      let user = await this.users.findBySubject(tx, identity.issuer, identity.subject);
      if (user) {
        user = await this.users.update(tx, user.id, {
          email: identity.email,
          name: identity.name,
          lastLoginAt: now,
        });
      } else {
        const byEmail = await this.users.findByEmail(tx, identity.email);
        if (byEmail && byEmail.oidcSubject !== null) {
          throw new AppError('CONFLICT', `${identity.email} is already linked to another sign-in identity`);
        }
        user = byEmail
          ? await this.users.update(tx, byEmail.id, {
              oidcIssuer: identity.issuer,
              oidcSubject: identity.subject,
              name: identity.name || byEmail.name,
              lastLoginAt: now,
            })
          : await this.users.create(tx, {
              oidcIssuer: identity.issuer,
              oidcSubject: identity.subject,
              email: identity.email,
              name: identity.name,
              lastLoginAt: now,
            });
      }
      return this.openSession(tx, user.id, now, client);
    });
  }

  /**
   * Starts a server-side session for a user whose identity is already verified, inside the
   * caller's transaction. Platform sign-in above and SSO sign-in (modules/sso) both end here.
   */
  async openSession(
    tx: Tx,
    userId: string,
    now = new Date(),
    client: SessionClient = {},
  ): Promise<NewSession> {
    const sessionId = randomSecret(32);
    const csrfSecret = randomSecret(24);
    await tx.session.create({
      data: {
        idHash: new Uint8Array(sha256(sessionId)),
        userId,
        csrfSecret,
        expiresAt: new Date(now.getTime() + this.env.SESSION_TTL),
        userAgent: client.userAgent?.slice(0, 512) ?? null,
        ip: client.ip?.slice(0, 64) ?? null,
      },
    });
    return {
      sessionId,
      csrfSecret,
      userId,
      maxAgeSeconds: Math.floor(this.env.SESSION_TTL / 1000),
    };
  }

  async signOut(sessionId: string): Promise<void> {
    await this.db.global((tx) =>
      tx.session.deleteMany({ where: { idHash: new Uint8Array(sha256(sessionId)) } }),
    );
  }

  async purgeExpired(): Promise<number> {
    const r = await this.db.global((tx) =>
      tx.session.deleteMany({ where: { expiresAt: { lte: new Date() } } }),
    );
    return r.count;
  }
}
