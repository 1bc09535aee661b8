// Starts Palisade's development OpenID Connect provider: a real oidc-provider issuer on loopback,
// over plain HTTP, with the demo users and the given first-party clients. `npm start`, the API's
// e2e tests and the browser tests sign in against it exactly as production signs in against any
// standard issuer; nothing here is a shortcut around the protocol. Keys, sessions and grants live
// in memory and die with the process (decision 0004). Never expose this on a public interface.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Provider } from 'oidc-provider';
import { createInteractionHandler } from './interaction-routes.js';
import { createMemoryAdapterFactory } from './memory-adapter.js';
import { buildProviderConfiguration, clientMetadata, type DevOidcClient } from './provider-config.js';
import { generateSigningKeys } from './signing-keys.js';
import { DEMO_USERS, type DemoUser } from './users.js';

export type { DevOidcClient } from './provider-config.js';

export interface DevOidcProviderOptions {
  /** 0 (the default) picks a free ephemeral port. */
  readonly port?: number;
  readonly host?: '127.0.0.1';
  /** Defaults to http://127.0.0.1:<port>. Must be an origin: scheme, host and port, no path. */
  readonly issuer?: string;
  readonly clients: readonly DevOidcClient[];
  readonly users?: readonly DemoUser[];
  /** Where unexpected provider errors are reported; defaults to stderr. */
  readonly log?: (line: string) => void;
}

export interface DevOidcProvider {
  readonly issuer: string;
  readonly port: number;
  /**
   * Registers one more client on the running provider, for a relying party whose redirect URI is
   * only known after the provider has started (an API listening on an ephemeral port).
   */
  registerClient(client: DevOidcClient): Promise<void>;
  close(): Promise<void>;
}

function assertOriginIssuer(issuer: string): void {
  const url = new URL(issuer);
  const isOrigin = url.pathname === '/' && url.search === '' && url.hash === '' && !issuer.endsWith('/');
  if (!isOrigin || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new Error(`dev-oidc issuer must be an http(s) origin without a path or trailing slash: ${issuer}`);
  }
}

function writeStderr(line: string): void {
  process.stderr.write(`[dev-oidc] ${line}\n`);
}

function errorText(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}

export async function startDevOidcProvider(options: DevOidcProviderOptions): Promise<DevOidcProvider> {
  const log = options.log ?? writeStderr;
  const host = options.host ?? '127.0.0.1';
  const jwks = await generateSigningKeys();
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const issuer = options.issuer ?? `http://${host}:${port}`;
  try {
    assertOriginIssuer(issuer);
  } catch (error) {
    server.close();
    throw error;
  }

  const users = options.users ?? DEMO_USERS;
  const adapter = createMemoryAdapterFactory();
  const configuration = buildProviderConfiguration({
    clients: options.clients,
    users,
    jwks,
    cookieKeys: [randomBytes(32).toString('base64url')],
    adapter,
  });
  const provider = new Provider(issuer, configuration);
  provider.on('server_error', (_ctx, error) => log(`server error: ${errorText(error)}`));

  const handleInteraction = createInteractionHandler(provider, users);
  const handleProtocol = provider.callback();
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    handleInteraction(req, res)
      .then((handled) => (handled ? undefined : handleProtocol(req, res)))
      .catch((error: unknown) => {
        log(`request failed: ${errorText(error)}`);
        if (res.headersSent) res.destroy();
        else res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end('internal error');
      });
  });

  async function registerClient(client: DevOidcClient): Promise<void> {
    if ((await provider.Client.find(client.clientId)) !== undefined) {
      throw new Error(`dev-oidc client already registered: ${client.clientId}`);
    }
    const metadata = clientMetadata(client);
    await provider.Client.validate(metadata);
    await adapter('Client').upsert(client.clientId, metadata);
  }

  return {
    issuer,
    port,
    registerClient,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
