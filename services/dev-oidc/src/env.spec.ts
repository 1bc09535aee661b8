import { describe, expect, it } from 'vitest';
import { EnvError, loadEnv } from './env.js';

describe('loadEnv', () => {
  it('defaults to the development setup the API expects', () => {
    expect(loadEnv({})).toEqual({
      port: 3100,
      issuer: 'http://localhost:3100',
      clientId: 'palisade-console',
      clientSecret: 'dev-secret',
      redirectUri: 'http://localhost:3000/auth/callback',
      postLogoutRedirectUri: 'http://localhost:3000/',
    });
  });

  it('lists every bad variable', () => {
    expect(() => loadEnv({ DEV_OIDC_PORT: '70000', DEV_OIDC_ISSUER: 'ftp://x' })).toThrow(EnvError);
    expect(() => loadEnv({ DEV_OIDC_PORT: '70000', DEV_OIDC_ISSUER: 'ftp://x' })).toThrow(
      /DEV_OIDC_PORT[\s\S]*DEV_OIDC_ISSUER/,
    );
  });
});
