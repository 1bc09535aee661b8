import { describe, expect, it } from 'vitest';
import { createMemoryAdapterFactory } from './memory-adapter.js';

function clock() {
  let now = 1_000_000;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe('createMemoryAdapterFactory', () => {
  it('finds what it stored until it expires', async () => {
    const time = clock();
    const codes = createMemoryAdapterFactory(time.now)('AuthorizationCode');
    await codes.upsert('c1', { accountId: 'user-alice' }, 60);

    expect(await codes.find('c1')).toEqual({ accountId: 'user-alice' });
    time.advance(60_000);
    expect(await codes.find('c1')).toBeUndefined();
  });

  it('keeps models apart and returns copies, not the stored object', async () => {
    const factory = createMemoryAdapterFactory();
    const sessions = factory('Session');
    await sessions.upsert('same-id', { accountId: 'user-bob' });

    expect(await factory('Grant').find('same-id')).toBeUndefined();
    const found = await sessions.find('same-id');
    if (found) found.accountId = 'user-mallory';
    expect(await sessions.find('same-id')).toEqual({ accountId: 'user-bob' });
  });

  it('marks a consumed artefact', async () => {
    const codes = createMemoryAdapterFactory(() => 5_000)('AuthorizationCode');
    await codes.upsert('c1', {}, 60);
    await codes.consume('c1');

    expect(await codes.find('c1')).toEqual({ consumed: 5 });
  });

  it('finds sessions by uid, and only the session that still has it', async () => {
    const sessions = createMemoryAdapterFactory()('Session');
    await sessions.upsert('s1', { uid: 'u1' });
    await sessions.upsert('s1', { uid: 'u2' });

    expect(await sessions.findByUid('u2')).toEqual({ uid: 'u2' });
    expect(await sessions.findByUid('u1')).toBeUndefined();
  });

  it('revokes every token of a grant and nothing else', async () => {
    const factory = createMemoryAdapterFactory();
    const accessTokens = factory('AccessToken');
    const codes = factory('AuthorizationCode');
    await accessTokens.upsert('a1', { grantId: 'g1' });
    await codes.upsert('c1', { grantId: 'g1' });
    await accessTokens.upsert('a2', { grantId: 'g2' });

    await accessTokens.revokeByGrantId('g1');

    expect(await accessTokens.find('a1')).toBeUndefined();
    expect(await codes.find('c1')).toBeUndefined();
    expect(await accessTokens.find('a2')).toEqual({ grantId: 'g2' });
  });
});
