// Demo identities known to the development OIDC provider. Every one signs in with the password
// DEMO_PASSWORD ("palisade"). They exist so `npm start`, the demo seed and the tests share one cast:
//   alice@example.com    Alice Owner       owner of the demo organisation `acme`
//   bob@example.com      Bob Admin
//   carol@example.com    Carol Editor
//   dave@example.com     Dave Viewer
//   erin@example.com     Erin Auditor
//   mallory@example.com  Mallory Outsider  belongs to no demo organisation (tenant-isolation tests)
// The subject (`sub`) is stable across restarts so an API user row keeps matching its identity.
// Dev-only: these passwords are public and this module must never back a production sign-in.
import { createHash, timingSafeEqual } from 'node:crypto';

export const DEMO_PASSWORD = 'palisade';

export interface DemoUser {
  readonly subject: string;
  readonly email: string;
  readonly name: string;
  readonly password: string;
  /**
   * Groups released with the `groups` scope (a customer IdP in the SSO tests). Read at every
   * token request, so a test that changes the array sees the change at the next sign-in.
   */
  readonly groups?: readonly string[];
}

function demoUser(handle: string, name: string): DemoUser {
  return { subject: `user-${handle}`, email: `${handle}@example.com`, name, password: DEMO_PASSWORD };
}

export const DEMO_USERS: readonly DemoUser[] = [
  demoUser('alice', 'Alice Owner'),
  demoUser('bob', 'Bob Admin'),
  demoUser('carol', 'Carol Editor'),
  demoUser('dave', 'Dave Viewer'),
  demoUser('erin', 'Erin Auditor'),
  demoUser('mallory', 'Mallory Outsider'),
];

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

export function findUserBySubject(users: readonly DemoUser[], subject: string): DemoUser | undefined {
  return users.find((user) => user.subject === subject);
}

/** Compares the password in constant time so a wrong guess reveals nothing about the right one. */
export function verifyCredentials(
  users: readonly DemoUser[],
  email: string,
  password: string,
): DemoUser | undefined {
  const normalised = email.trim().toLowerCase();
  const user = users.find((candidate) => candidate.email.toLowerCase() === normalised);
  const expected = digest(user?.password ?? DEMO_PASSWORD);
  const matches = timingSafeEqual(expected, digest(password));
  return user !== undefined && matches ? user : undefined;
}
