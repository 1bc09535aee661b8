// Users are global (not tenant rows): one per person, keyed by (issuer, subject), unique by email.
import { Injectable } from '@nestjs/common';
import type { Tx } from '../../platform/db/database.js';

@Injectable()
export class UsersRepository {
  findBySubject(tx: Tx, issuer: string, subject: string) {
    return tx.user.findFirst({ where: { oidcIssuer: issuer, oidcSubject: subject } });
  }

  findByEmail(tx: Tx, email: string) {
    return tx.user.findFirst({ where: { email } });
  }

  create(
    tx: Tx,
    data: {
      oidcIssuer: string | null;
      oidcSubject: string | null;
      email: string;
      name: string;
      lastLoginAt?: Date;
    },
  ) {
    return tx.user.create({ data });
  }

  update(
    tx: Tx,
    id: string,
    data: { oidcIssuer?: string; oidcSubject?: string; email?: string; name?: string; lastLoginAt?: Date },
  ) {
    return tx.user.update({ where: { id }, data });
  }
}
