// The only reader of process.env for the gateway. Parsed once at boot; a bad environment fails the
// process with every bad variable listed.
import { randomBytes } from 'node:crypto';
import { z } from 'zod';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

const schema = z.object({
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3001),
  DATABASE_URL: z.url().default('postgres://palisade_gateway@127.0.0.1:5432/palisade'),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).optional(),
  REDIS_URL: z.url().default('redis://127.0.0.1:6379'),
  REDIS_PREFIX: z.string().min(1).default('palisade'),
  GATEWAY_ID: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,64}$/, 'letters, digits, dot, dash or underscore, at most 64')
    .optional(),
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
  /** Rate limits on tunnel set-up a minute (decision 0058); defaults in limits.ts. */
  RATE_LIMIT_CONNECTS_PER_IP: z.coerce.number().int().min(1).optional(),
  RATE_LIMIT_FAILED_AUTHS_PER_IP: z.coerce.number().int().min(1).optional(),
  RATE_LIMIT_CONNECTS_PER_CLUSTER: z.coerce.number().int().min(1).optional(),
});

export type Env = Omit<z.infer<typeof schema>, 'GATEWAY_ID'> & { GATEWAY_ID: string };

export class EnvError extends Error {
  override readonly name = 'EnvError';
}

export function loadEnv(source: Record<string, string | undefined> = process.env): Env {
  const parsed = schema.safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new EnvError(`invalid environment:\n${lines.join('\n')}`);
  }
  return { ...parsed.data, GATEWAY_ID: parsed.data.GATEWAY_ID ?? randomGatewayId() };
}

export function randomGatewayId(): string {
  return `gw-${randomBytes(6).toString('hex')}`;
}
