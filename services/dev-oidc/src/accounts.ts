// Maps a subject to the claims the provider may release about it. The provider filters these by
// the scopes the grant holds (email → email, email_verified; profile → name; groups → groups), so this function
// returns everything it knows and never decides on release itself.
import type { Account, FindAccount } from 'oidc-provider';
import { findUserBySubject, type DemoUser } from './users.js';

export function accountFinder(users: readonly DemoUser[]): FindAccount {
  return (_ctx, subject): Account | undefined => {
    const user = findUserBySubject(users, subject);
    if (user === undefined) return undefined;
    return {
      accountId: user.subject,
      claims: () => ({
        sub: user.subject,
        email: user.email,
        email_verified: true,
        name: user.name,
        ...(user.groups ? { groups: [...user.groups] } : {}),
      }),
    };
  };
}
