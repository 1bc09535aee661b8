import { CLOSE_REASONS, type CloseReason } from '@palisade/protocol';
import { describe, expect, it } from 'vitest';
import { decideReconnect } from './reconnect-policy.js';

const decide = (
  reason: CloseReason | undefined,
  extra: Partial<Parameters<typeof decideReconnect>[0]> = {},
) =>
  decideReconnect({ reason, retryAfterMs: null, usedEnrollmentToken: false, hasCredential: true, ...extra });

describe('reconnect policy', () => {
  it('stops for reasons a reconnect cannot fix', () => {
    for (const reason of [
      CLOSE_REASONS.CREDENTIAL_REVOKED,
      CLOSE_REASONS.UNAUTHENTICATED,
      CLOSE_REASONS.TOKEN_EXPIRED,
      CLOSE_REASONS.UNSUPPORTED_VERSION,
      CLOSE_REASONS.AGENT_SHUTTING_DOWN,
    ]) {
      expect(decide(reason)).toEqual({ action: 'stop' });
    }
  });

  it('tries the stored credential once when a new enrollment token is refused', () => {
    expect(decide(CLOSE_REASONS.TOKEN_EXPIRED, { usedEnrollmentToken: true })).toMatchObject({
      action: 'retry',
      useCredential: true,
    });
    expect(decide(CLOSE_REASONS.TOKEN_EXPIRED, { usedEnrollmentToken: true, hasCredential: false })).toEqual({
      action: 'stop',
    });
  });

  it('reconnects soon after a gateway restart or rebalance, with backoff after errors', () => {
    expect(decide(CLOSE_REASONS.SERVER_SHUTTING_DOWN)).toMatchObject({ action: 'retry', delay: 'spread' });
    expect(decide(CLOSE_REASONS.REBALANCE)).toMatchObject({ action: 'retry', delay: 'spread' });
    expect(decide(CLOSE_REASONS.HEARTBEAT_TIMEOUT)).toMatchObject({ action: 'retry', delay: 'spread' });
    expect(decide(CLOSE_REASONS.MALFORMED_FRAME)).toMatchObject({ action: 'retry', delay: 'backoff' });
    expect(decide(undefined)).toMatchObject({ action: 'retry', delay: 'backoff' });
  });

  it('steps back the longest delay when superseded, and honours retryAfterMs as a floor', () => {
    expect(decide(CLOSE_REASONS.SUPERSEDED)).toMatchObject({ action: 'retry', delay: 'longest' });
    expect(decide(CLOSE_REASONS.RATE_LIMITED, { retryAfterMs: 12_000 })).toMatchObject({
      delay: 'backoff',
      floorMs: 12_000,
    });
  });
});
