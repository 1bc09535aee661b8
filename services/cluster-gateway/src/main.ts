// Entry point: `node services/cluster-gateway/dist/main.js` (built), or in development
// `node --import ./scripts/register.mjs services/cluster-gateway/src/main.ts`.
// Reads the environment once, starts the gateway, and stops it gracefully on SIGTERM/SIGINT.
import '@palisade/node-guard'; // first: stops on a Node.js older than engines.node
import { configFromEnv } from './config/gateway-config.js';
import { EnvError, loadEnv } from './config/env.js';
import { startGateway } from './gateway.js';

try {
  const gateway = await startGateway(configFromEnv(loadEnv()));
  const stop = (): void => {
    gateway.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
} catch (error) {
  console.error(error instanceof EnvError ? error.message : error);
  process.exit(1);
}
