import { describe, expect, it } from 'vitest';
import { retryOnDeadlock } from './database.js';

const deadlock = Object.assign(new Error('deadlock detected'), { code: '40P01' });

describe('retryOnDeadlock', () => {
  it('runs a statement again after a deadlock, up to the attempts given', async () => {
    let calls = 0;
    await expect(
      retryOnDeadlock(() => (++calls < 3 ? Promise.reject(deadlock) : Promise.resolve('ok'))),
    ).resolves.toBe('ok');
    expect(calls).toBe(3);
    calls = 0;
    await expect(retryOnDeadlock(() => (++calls, Promise.reject(deadlock)), 2)).rejects.toBe(deadlock);
    expect(calls).toBe(2);
  });

  it('does not retry other errors', async () => {
    let calls = 0;
    const other = Object.assign(new Error('unique violation'), { code: '23505' });
    await expect(retryOnDeadlock(() => (++calls, Promise.reject(other)))).rejects.toBe(other);
    expect(calls).toBe(1);
  });
});
