// Standalone entry for the development OIDC provider:
//   node --import ./scripts/register.mjs services/dev-oidc/src/main.ts
// Registers one client (the console/API) from the environment and runs until SIGINT or SIGTERM.
import { loadEnv } from './env.js';
import { startDevOidcProvider } from './provider.js';
import { DEMO_PASSWORD, DEMO_USERS } from './users.js';

const env = loadEnv();
const provider = await startDevOidcProvider({
  port: env.port,
  issuer: env.issuer,
  clients: [
    {
      clientId: env.clientId,
      clientSecret: env.clientSecret,
      redirectUris: [env.redirectUri],
      postLogoutRedirectUris: [env.postLogoutRedirectUri],
    },
  ],
});

process.stdout.write(
  [
    `dev OIDC provider: issuer ${provider.issuer} (listening on 127.0.0.1:${provider.port})`,
    `  client ${env.clientId} → ${env.redirectUri}`,
    `  demo users: ${DEMO_USERS.map((user) => user.email).join(', ')}; password "${DEMO_PASSWORD}"`,
    '',
  ].join('\n'),
);

function shutdown(): void {
  provider.close().then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(`dev OIDC provider: close failed: ${String(error)}\n`);
      process.exit(1);
    },
  );
}

process.once('SIGINT', shutdown);
process.once('SIGTERM', shutdown);
