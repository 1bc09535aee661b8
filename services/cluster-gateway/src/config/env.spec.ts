import { describe, expect, it } from 'vitest';
import { DEFAULT_TUNING } from '../limits.js';
import { EnvError, loadEnv } from './env.js';
import { configFromEnv, resolveConfig } from './gateway-config.js';

describe('loadEnv', () => {
  it('has the documented defaults and a random gateway id', () => {
    const env = loadEnv({});
    expect(env).toMatchObject({
      HOST: '127.0.0.1',
      PORT: 3001,
      DATABASE_URL: 'postgres://palisade_gateway@127.0.0.1:5432/palisade',
      REDIS_URL: 'redis://127.0.0.1:6379',
      REDIS_PREFIX: 'palisade',
      LOG_LEVEL: 'info',
    });
    expect(env.GATEWAY_ID).toMatch(/^gw-[0-9a-f]{12}$/);
    expect(loadEnv({}).GATEWAY_ID).not.toBe(env.GATEWAY_ID);
  });

  it('lists every bad variable at once', () => {
    expect(() => loadEnv({ PORT: 'x', REDIS_URL: 'nope', GATEWAY_ID: 'has space' })).toThrow(EnvError);
    try {
      loadEnv({ PORT: 'x', REDIS_URL: 'nope', GATEWAY_ID: 'has space' });
    } catch (error) {
      expect((error as Error).message).toMatch(/PORT[\s\S]*REDIS_URL[\s\S]*GATEWAY_ID/);
    }
  });
});

describe('resolveConfig', () => {
  it('merges tuning overrides over limits.ts and refuses inconsistent clocks', () => {
    const config = resolveConfig({ ...configFromEnv(loadEnv({})), tuning: { sweepIntervalMs: 5 } });
    expect(config.tuning).toEqual({ ...DEFAULT_TUNING, sweepIntervalMs: 5 });
    const base = configFromEnv(loadEnv({}));
    expect(() =>
      resolveConfig({ ...base, tuning: { leaseTtlMs: 1_000, heartbeatIntervalMs: 2_000 } }),
    ).toThrow(RangeError);
    expect(() => resolveConfig({ ...base, tuning: { deadPeerTimeoutMs: 5_000 } })).toThrow(RangeError);
  });

  it('takes the set-up rate limits from the environment', () => {
    const env = loadEnv({
      RATE_LIMIT_CONNECTS_PER_IP: '50',
      RATE_LIMIT_FAILED_AUTHS_PER_IP: '5',
      RATE_LIMIT_CONNECTS_PER_CLUSTER: '7',
    });
    expect(resolveConfig(configFromEnv(env)).tuning).toMatchObject({
      connectsPerIp: 50,
      failedAuthsPerIp: 5,
      connectsPerCluster: 7,
    });
    expect(resolveConfig(configFromEnv(loadEnv({}))).tuning.connectsPerIp).toBe(DEFAULT_TUNING.connectsPerIp);
    expect(() => loadEnv({ RATE_LIMIT_CONNECTS_PER_IP: '0' })).toThrow(/RATE_LIMIT_CONNECTS_PER_IP/);
  });
});
