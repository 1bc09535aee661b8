// What `startGateway` needs to run, independent of where it came from (the environment in
// production, a test harness in tests). Tuning overrides are merged over limits.ts.
import { DEFAULT_TUNING, type GatewayTuning } from '../limits.js';
import { randomGatewayId, type Env, type LogLevel } from './env.js';

export interface GatewayConfig {
  readonly host?: string;
  /** 0 picks a free port; the chosen one is `RunningGateway.port`. */
  readonly port?: number;
  readonly databaseUrl: string;
  readonly redisUrl: string;
  readonly redisPrefix: string;
  readonly gatewayId?: string;
  readonly logLevel?: LogLevel;
  readonly tuning?: Partial<GatewayTuning>;
}

export interface ResolvedConfig {
  readonly host: string;
  readonly port: number;
  readonly databaseUrl: string;
  readonly redisUrl: string;
  readonly redisPrefix: string;
  readonly gatewayId: string;
  readonly logLevel: LogLevel;
  readonly tuning: GatewayTuning;
}

export function configFromEnv(env: Env): GatewayConfig {
  return {
    host: env.HOST,
    port: env.PORT,
    databaseUrl: env.DATABASE_URL,
    redisUrl: env.REDIS_URL,
    redisPrefix: env.REDIS_PREFIX,
    gatewayId: env.GATEWAY_ID,
    logLevel: env.LOG_LEVEL,
    tuning: {
      ...(env.DATABASE_POOL_SIZE === undefined ? {} : { databasePoolSize: env.DATABASE_POOL_SIZE }),
      ...(env.RATE_LIMIT_CONNECTS_PER_IP === undefined
        ? {}
        : { connectsPerIp: env.RATE_LIMIT_CONNECTS_PER_IP }),
      ...(env.RATE_LIMIT_FAILED_AUTHS_PER_IP === undefined
        ? {}
        : { failedAuthsPerIp: env.RATE_LIMIT_FAILED_AUTHS_PER_IP }),
      ...(env.RATE_LIMIT_CONNECTS_PER_CLUSTER === undefined
        ? {}
        : { connectsPerCluster: env.RATE_LIMIT_CONNECTS_PER_CLUSTER }),
    },
  };
}

export function resolveConfig(config: GatewayConfig): ResolvedConfig {
  const tuning: GatewayTuning = { ...DEFAULT_TUNING, ...config.tuning };
  if (tuning.leaseTtlMs <= tuning.heartbeatIntervalMs) {
    throw new RangeError('leaseTtlMs must exceed heartbeatIntervalMs, or leases lapse between renewals');
  }
  if (tuning.deadPeerTimeoutMs <= tuning.heartbeatIntervalMs) {
    throw new RangeError('deadPeerTimeoutMs must exceed heartbeatIntervalMs');
  }
  if (tuning.maxPayloadBytes < tuning.protocolLimits.maxFrameBytes) {
    throw new RangeError('maxPayloadBytes must be at least the protocol frame limit');
  }
  return {
    host: config.host ?? '127.0.0.1',
    port: config.port ?? 3001,
    databaseUrl: config.databaseUrl,
    redisUrl: config.redisUrl,
    redisPrefix: config.redisPrefix,
    gatewayId: config.gatewayId ?? randomGatewayId(),
    logLevel: config.logLevel ?? 'info',
    tuning,
  };
}
