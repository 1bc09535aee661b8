import { describe, expect, it } from 'vitest';
import {
  CLOSE_REASONS,
  CLOSE_REASON_MAX_BYTES,
  CLOSE_REASON_NAMES,
  closeFrame,
  closeReasonByCode,
  closeReasonByName,
  utf8ByteLength,
} from './index.js';

describe('close reasons', () => {
  it('keeps every code and name stable (wire contract: append only)', () => {
    const table = Object.values(CLOSE_REASONS).map((r) => `${String(r.code)} ${r.name} ${r.reconnect}`);
    expect(table).toEqual([
      '4000 malformed_frame backoff',
      '4001 unknown_message_type backoff',
      '4002 frame_too_large backoff',
      '4003 unsupported_version never',
      '4004 unauthenticated never',
      '4005 token_expired never',
      '4006 credential_revoked never',
      '4007 superseded backoff',
      '4008 rate_limited backoff',
      '4009 heartbeat_timeout immediate',
      '4010 server_shutting_down immediate',
      '4011 invalid_message backoff',
      '4012 limit_exceeded backoff',
      '4013 unexpected_message backoff',
      '4014 handshake_timeout backoff',
      '4015 internal_error backoff',
      '4016 agent_shutting_down never',
      '4017 rebalance immediate',
      '4018 flow_rate_exceeded backoff',
    ]);
  });

  it('uses unique codes in the private range and unique snake_case names with a message', () => {
    const reasons = Object.values(CLOSE_REASONS);
    expect(new Set(reasons.map((r) => r.code)).size).toBe(reasons.length);
    expect(new Set(CLOSE_REASON_NAMES).size).toBe(reasons.length);
    for (const reason of reasons) {
      expect(reason.code).toBeGreaterThanOrEqual(4000);
      expect(reason.code).toBeLessThanOrEqual(4999);
      expect(reason.name).toMatch(/^[a-z]+(_[a-z]+)*$/);
      expect(reason.message.length).toBeGreaterThan(0);
      expect(Object.isFrozen(reason)).toBe(true);
    }
  });

  it('looks reasons up by code and by name', () => {
    expect(closeReasonByCode(4009)).toBe(CLOSE_REASONS.HEARTBEAT_TIMEOUT);
    expect(closeReasonByName('credential_revoked')).toBe(CLOSE_REASONS.CREDENTIAL_REVOKED);
    expect(closeReasonByCode(1000)).toBeUndefined();
    expect(closeReasonByName('toString')).toBeUndefined();
  });
});

describe('closeFrame', () => {
  it('carries the code and the name, with the detail when given', () => {
    expect(closeFrame(CLOSE_REASONS.SUPERSEDED)).toEqual({ code: 4007, reason: 'superseded' });
    expect(
      closeFrame(CLOSE_REASONS.INVALID_MESSAGE, 'hello auth.kind: must be one of credential, enrollment'),
    ).toEqual({
      code: 4011,
      reason: 'invalid_message: hello auth.kind: must be one of credential, enrollment',
    });
  });

  it('cuts the text to what a close frame can carry, never inside a character', () => {
    const detail = `${'x'.repeat(96)}${'𝄞'.repeat(20)}`;
    const { reason } = closeFrame(CLOSE_REASONS.LIMIT_EXCEEDED, detail);
    expect(utf8ByteLength(reason)).toBeLessThanOrEqual(CLOSE_REASON_MAX_BYTES);
    expect(utf8ByteLength(reason)).toBeGreaterThan(CLOSE_REASON_MAX_BYTES - 4);
    expect(reason.endsWith('𝄞')).toBe(true);
  });
});
