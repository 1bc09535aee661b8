// The only reader of process.env for the standalone dev provider (main.ts). Variables carry a
// DEV_OIDC_ prefix so they never collide with the API's PORT and OIDC_* settings in a shared shell.
// Defaults match the API's development defaults, so both start with no configuration at all.
import { z } from 'zod';

const schema = z.object({
  DEV_OIDC_PORT: z.coerce.number().int().min(0).max(65535).default(3100),
  DEV_OIDC_ISSUER: z.url({ protocol: /^https?$/ }).default('http://localhost:3100'),
  DEV_OIDC_CLIENT_ID: z.string().min(1).default('palisade-console'),
  DEV_OIDC_CLIENT_SECRET: z.string().min(1).default('dev-secret'),
  DEV_OIDC_REDIRECT_URI: z.url().default('http://localhost:3000/auth/callback'),
  DEV_OIDC_POST_LOGOUT_REDIRECT_URI: z.url().default('http://localhost:3000/'),
});

export interface DevOidcEnv {
  readonly port: number;
  readonly issuer: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly redirectUri: string;
  readonly postLogoutRedirectUri: string;
}

export class EnvError extends Error {
  override readonly name = 'EnvError';
}

export function loadEnv(source: Record<string, string | undefined> = process.env): DevOidcEnv {
  const parsed = schema.safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map(
      (issue) => `  ${issue.path.join('.') || '(root)'}: ${issue.message}`,
    );
    throw new EnvError(`invalid environment:\n${lines.join('\n')}`);
  }
  const env = parsed.data;
  return {
    port: env.DEV_OIDC_PORT,
    issuer: env.DEV_OIDC_ISSUER,
    clientId: env.DEV_OIDC_CLIENT_ID,
    clientSecret: env.DEV_OIDC_CLIENT_SECRET,
    redirectUri: env.DEV_OIDC_REDIRECT_URI,
    postLogoutRedirectUri: env.DEV_OIDC_POST_LOGOUT_REDIRECT_URI,
  };
}
