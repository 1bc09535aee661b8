// The only reader of process.env for the API, the worker and the admin command. Parsed once at
// boot; a bad environment fails the process with every bad variable listed.
import { z } from 'zod';
import { GRAPHQL_LIMITS, RATE_LIMITS } from './limits.js';

const duration = z
  .string()
  .regex(/^\d+(ms|s|m|h|d)$/, 'a duration such as 30s, 15m, 12h or 30d')
  .transform((v) => parseDuration(v));

const schema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  HOST: z.string().default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  /** The job worker's own port, for /healthz, /readyz and /metrics (it serves nothing else). */
  WORKER_PORT: z.coerce.number().int().min(0).max(65535).default(3002),
  PUBLIC_ORIGIN: z.url().default('http://localhost:3000'),
  DATABASE_URL: z.url().default('postgres://palisade_app@127.0.0.1:5432/palisade'),
  DATABASE_ADMIN_URL: z.url().default('postgres://postgres@127.0.0.1:5432/palisade'),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  REDIS_URL: z.url().default('redis://127.0.0.1:6379'),
  REDIS_PREFIX: z.string().min(1).default('palisade'),
  OIDC_ISSUER: z.url().default('http://localhost:3100'),
  OIDC_CLIENT_ID: z.string().min(1).default('palisade-console'),
  OIDC_CLIENT_SECRET: z.string().min(1).default('dev-secret'),
  OIDC_ALLOW_INSECURE_HTTP: z.stringbool().default(false),
  SESSION_TTL: duration.default(parseDuration('12h')),
  COOKIE_SECURE: z.stringbool().optional(),
  BODY_LIMIT_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(1024 * 1024),
  GRAPHQL_MAX_DEPTH: z.coerce.number().int().min(2).default(GRAPHQL_LIMITS.maxDepth),
  GRAPHQL_MAX_COMPLEXITY: z.coerce.number().int().min(10).default(GRAPHQL_LIMITS.maxComplexity),
  GRAPHQL_MAX_ALIASES: z.coerce.number().int().min(0).default(GRAPHQL_LIMITS.maxAliases),
  /** Who may introspect the schema: everyone, or signed-in callers only (default in production). */
  GRAPHQL_INTROSPECTION: z.enum(['public', 'authenticated']).optional(),
  GATEWAY_PUBLIC_URL: z.url().default('ws://localhost:3001/v1/tunnel'),
  AGENT_IMAGE: z.string().min(1).default('palisade/agent:0.1.0'),
  CLUSTER_REQUEST_TIMEOUT: duration.default(parseDuration('10s')),
  API_INSTANCE_ID: z.string().min(1).optional(),
  /** Directory of the built web console (default: web/dist of this checkout). */
  CONSOLE_DIR: z.string().min(1).optional(),
  /** Rate limits (decision 0058): the window, and each limit per window. */
  RATE_LIMIT_WINDOW: duration.default(RATE_LIMITS.windowMs),
  RATE_LIMIT_ANONYMOUS: z.coerce.number().int().min(1).default(RATE_LIMITS.anonymousPerIp),
  RATE_LIMIT_FAILED_AUTH: z.coerce.number().int().min(1).default(RATE_LIMITS.failedAuthPerIp),
  RATE_LIMIT_GRAPHQL_COST: z.coerce.number().int().min(1).default(RATE_LIMITS.graphqlCostPerCaller),
  RATE_LIMIT_ORG_GRAPHQL_COST: z.coerce.number().int().min(1).default(RATE_LIMITS.graphqlCostPerOrg),
  /** Which proxies' X-Forwarded-For to believe for the client IP (rate limits): unset or "false"
   *  (none), "true" (any), or a comma-separated list of proxy addresses and CIDRs. */
  TRUST_PROXY: z
    .string()
    .optional()
    .transform((v): boolean | string[] =>
      v === undefined || v === 'false' ? false : v === 'true' ? true : v.split(',').map((s) => s.trim()),
    ),
  /** Bearer token Prometheus must send for /metrics. Without one, /metrics is open outside
   *  production and absent (404) in production. */
  METRICS_TOKEN: z.string().min(32, 'at least 32 characters').optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /**
   * 32 bytes, base64: encrypts the evidence signing keys stored in Postgres (decision 0068).
   * Required in production; development and tests use a fixed, public key.
   */
  EVIDENCE_KEY_ENCRYPTION_KEY: z
    .string()
    .refine(
      (v) => Buffer.from(v, 'base64').length === 32,
      '32 bytes, base64-encoded (openssl rand -base64 32)',
    )
    .optional(),
});

export type Env = z.infer<typeof schema> & {
  cookieSecure: boolean;
  graphqlIntrospection: 'public' | 'authenticated';
  evidenceKeyEncryptionKey: Buffer;
};

/** Not a secret: what development and tests encrypt evidence signing keys with. */
const DEVELOPMENT_EVIDENCE_KEY = Buffer.from('palisade-development-evidence-k!').toString('base64');

export class EnvError extends Error {
  override readonly name = 'EnvError';
}

export function parseDuration(v: string): number {
  const m = /^(\d+)(ms|s|m|h|d)$/.exec(v);
  if (!m) throw new EnvError(`"${v}" is not a duration such as 30s, 15m, 12h or 30d`);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[
    m[2] as 'ms' | 's' | 'm' | 'h' | 'd'
  ];
  return Number(m[1]) * unit;
}

export function loadEnv(source: Record<string, string | undefined> = process.env): Env {
  const parsed = schema.safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new EnvError(`invalid environment:\n${lines.join('\n')}`);
  }
  const env = parsed.data;
  if (env.NODE_ENV === 'production' && !env.EVIDENCE_KEY_ENCRYPTION_KEY)
    throw new EnvError('invalid environment:\n  EVIDENCE_KEY_ENCRYPTION_KEY: required in production');
  return {
    ...env,
    cookieSecure: env.COOKIE_SECURE ?? env.PUBLIC_ORIGIN.startsWith('https:'),
    evidenceKeyEncryptionKey: Buffer.from(
      env.EVIDENCE_KEY_ENCRYPTION_KEY ?? DEVELOPMENT_EVIDENCE_KEY,
      'base64',
    ),
    graphqlIntrospection:
      env.GRAPHQL_INTROSPECTION ?? (env.NODE_ENV === 'production' ? 'authenticated' : 'public'),
  };
}
