import { describe, expect, it } from 'vitest';
import { redisKeys } from './keys.js';

describe('redisKeys', () => {
  it('spells the names of decision 0006', () => {
    const keys = redisKeys('palisade');
    expect(keys.clusterEpoch('c1')).toBe('palisade:cluster:c1:epoch');
    expect(keys.clusterLease('c1')).toBe('palisade:cluster:c1:lease');
    expect(keys.gatewayControl('gw-1')).toBe('palisade:gateway:gw-1:control');
    expect(keys.clusterEvents).toBe('palisade:cluster-events');
    expect(keys.clusterRevocations).toBe('palisade:cluster-revocations');
    expect(keys.apiReplies('api-1')).toBe('palisade:api:api-1:replies');
    expect(keys.policySyncEvents).toBe('palisade:policy-sync-events');
    expect(keys.flowEvents).toBe('palisade:flow-events');
  });
});
