// API entrypoint: parse the environment, build the server, listen.
import '@palisade/node-guard'; // first: stops on a Node.js older than engines.node
import { EnvError, loadEnv } from './config/env.js';
import { createLogger } from './platform/http/logger.js';
import { createApiServer } from './server.js';

async function main(): Promise<void> {
  const env = loadEnv();
  const logger = createLogger(env.LOG_LEVEL, 'palisade-api');
  const app = await createApiServer(env, logger);
  await app.listen({ port: env.PORT, host: env.HOST });
  logger.info({ url: env.PUBLIC_ORIGIN, graphql: `${env.PUBLIC_ORIGIN}/graphql` }, 'API listening');
}

main().catch((err: unknown) => {
  console.error(err instanceof EnvError ? err.message : err);
  process.exit(1);
});
