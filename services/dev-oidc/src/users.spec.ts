import { describe, expect, it } from 'vitest';
import { DEMO_PASSWORD, DEMO_USERS, findUserBySubject, verifyCredentials } from './users.js';

describe('demo users', () => {
  it('includes the cast the seed and the tests rely on, with unique stable subjects', () => {
    expect(DEMO_USERS.map((user) => user.email)).toEqual([
      'alice@example.com',
      'bob@example.com',
      'carol@example.com',
      'dave@example.com',
      'erin@example.com',
      'mallory@example.com',
    ]);
    expect(new Set(DEMO_USERS.map((user) => user.subject)).size).toBe(DEMO_USERS.length);
    expect(findUserBySubject(DEMO_USERS, 'user-alice')?.name).toBe('Alice Owner');
  });

  it('accepts the demo password with any case and surrounding spaces in the email', () => {
    expect(verifyCredentials(DEMO_USERS, ' ALICE@example.com ', DEMO_PASSWORD)?.subject).toBe('user-alice');
  });

  it('refuses a wrong password, an unknown email and an empty password', () => {
    expect(verifyCredentials(DEMO_USERS, 'alice@example.com', 'palisade ')).toBeUndefined();
    expect(verifyCredentials(DEMO_USERS, 'nobody@example.com', DEMO_PASSWORD)).toBeUndefined();
    expect(verifyCredentials(DEMO_USERS, 'alice@example.com', '')).toBeUndefined();
  });
});
