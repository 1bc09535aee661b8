// The agent command (`npm run agent -- …`, built `node agent/dist/main.js`, the container's
// entrypoint). Exit codes: 0 after a signal (and for --help/-h and --version, answered on stdout),
// 1 when the agent fails or stops on its own (forbidden Kubernetes access), 2 for bad flags (the
// problem and the usage on stderr), environment or cluster description, 3 when the gateway refused
// its credential or token (exit-codes.ts).
// `edit` changes a simulated cluster's policy objects from outside (edit-command.ts).

import '@palisade/node-guard'; // first: stops on a Node.js older than engines.node
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AgentStartError, startAgent, type RunningAgent } from './agent.js';
import { CliError, USAGE, parseCommand, type AgentCommand } from './config/cli.js';
import { EnvError, readEnv } from './config/env.js';
import { exitCodeForStop } from './exit-codes.js';
import type { CredentialStore } from './credentials/credential-store.js';
import { FileCredentialStore } from './credentials/file-store.js';
import { SecretCredentialStore } from './credentials/secret-store.js';
import { startHealthServer, type RunningHealthServer } from './health/health-server.js';
import { liveness, readiness } from './health/readiness.js';
import { createLogger, type Logger } from './log.js';
import { loadKubeConfig } from './providers/kubernetes/kube-config.js';
import { KubernetesProvider } from './providers/kubernetes/kubernetes-provider.js';
import type { Provider } from './providers/provider.js';
import { SimulatedProvider } from './providers/simulated/simulated-provider.js';
import { AGENT_VERSION } from './version.js';
import { EDIT_USAGE, EditError, runEditCommand } from './providers/simulated/edit-command.js';
import { ClusterSpecError } from './providers/simulated/spec-error.js';

const SERVICE_ACCOUNT_NAMESPACE_FILE = '/var/run/secrets/kubernetes.io/serviceaccount/namespace';
const DEFAULT_CREDENTIAL_SECRET = 'palisade-agent-credential';

class UsageError extends Error {}

async function main(): Promise<number> {
  if (process.argv[2] === 'edit') return edit(process.argv.slice(3));
  let command: AgentCommand;
  try {
    command = parseCommand(process.argv.slice(2), readEnv);
  } catch (error) {
    if (error instanceof CliError) return usageFailure(error.message, USAGE);
    if (error instanceof EnvError) return usageFailure(error.message);
    throw error;
  }
  if (command.mode === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (command.mode === 'version') {
    process.stdout.write(`${AGENT_VERSION}\n`);
    return 0;
  }
  const log = createLogger(command.logLevel);
  let agent: RunningAgent;
  try {
    const { provider, credentials } = await prepare(command, log);
    agent = await startAgent({
      provider,
      credentials,
      gatewayUrl: command.gatewayUrl,
      enrollmentToken: command.token,
      flowBufferRecords: command.flowBufferRecords,
      logger: log,
    });
  } catch (error) {
    if (error instanceof ClusterSpecError) return usageFailure(error.message);
    if (error instanceof UsageError) return usageFailure(error.message);
    if (error instanceof AgentStartError)
      return usageFailure(`--token: required the first time: ${error.message}`);
    log.fatal({ err: error instanceof Error ? error.message : String(error) }, 'the agent could not start');
    return 1;
  }
  let health: RunningHealthServer | undefined;
  if (command.healthPort !== null) {
    try {
      health = await startHealthServer({
        port: command.healthPort,
        host: '0.0.0.0',
        live: () => liveness(agent),
        ready: () => readiness(agent),
      });
    } catch (error) {
      log.fatal(
        { err: error instanceof Error ? error.message : String(error), port: command.healthPort },
        'the health endpoint could not listen',
      );
      await agent.close();
      return 1;
    }
  }
  log.info(
    { gateway: command.gatewayUrl, provider: agent.provider.kind, healthPort: health?.port ?? null },
    'agent started',
  );
  const stop = async (): Promise<void> => {
    await health?.close();
    await agent.close();
  };
  return new Promise<number>((resolve) => {
    const shutdown = (signal: string): void => {
      log.info({ signal }, 'shutting down');
      void stop().then(() => resolve(0));
    };
    process.once('SIGINT', () => shutdown('SIGINT'));
    process.once('SIGTERM', () => shutdown('SIGTERM'));
    agent.onStatus((status) => {
      const reason = agent.stopReason();
      if (status === 'stopped' && reason !== null && reason.reason !== 'closed')
        void stop().then(() => resolve(exitCodeForStop(reason.reason)));
    });
  });
}

async function prepare(
  command: Exclude<AgentCommand, { mode: 'help' | 'version' }>,
  log: Logger,
): Promise<{ provider: Provider; credentials: CredentialStore }> {
  if (command.mode === 'simulate') {
    let provider: SimulatedProvider;
    try {
      provider = await SimulatedProvider.load({
        file: command.file,
        logger: log,
        stateDir: (clusterName) => command.stateDir ?? join('.palisade', 'agents', clusterName),
      });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT')
        throw new UsageError(`--simulate: ${command.file} does not exist`);
      throw error;
    }
    const stateDir = command.stateDir ?? join('.palisade', 'agents', provider.clusterName());
    // The policy store lives in the same directory (see SimulatedProvider's stateDir).
    return { provider, credentials: new FileCredentialStore(stateDir) };
  }
  let config;
  try {
    config = loadKubeConfig(
      command.inCluster ? { inCluster: true } : { inCluster: false, kubeconfigPath: command.kubeconfig },
    );
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new UsageError(`${command.inCluster ? '--in-cluster' : '--kubeconfig'}: ${message}`);
  }
  const provider = new KubernetesProvider({ config, logger: log, goldmane: command.goldmane });
  if (command.inCluster || command.credentialSecret !== null) {
    const namespace =
      command.namespace ??
      (await readFile(SERVICE_ACCOUNT_NAMESPACE_FILE, 'utf8').then(
        (t) => t.trim(),
        () => null,
      ));
    if (namespace === null)
      throw new UsageError('POD_NAMESPACE: not set, and no ServiceAccount namespace file to read it from');
    return {
      provider,
      credentials: new SecretCredentialStore(
        config,
        namespace,
        command.credentialSecret ?? DEFAULT_CREDENTIAL_SECRET,
      ),
    };
  }
  const context = config.getCurrentContext().replace(/[^A-Za-z0-9._-]/g, '-');
  return {
    provider,
    credentials: new FileCredentialStore(
      command.stateDir ?? join('.palisade', 'agents', `kubernetes-${context}`),
    ),
  };
}

async function edit(args: readonly string[]): Promise<number> {
  if (args.some((a) => a === '--help' || a === '-h')) {
    process.stdout.write(`Usage:\n${EDIT_USAGE}\n`);
    return 0;
  }
  try {
    await runEditCommand(args, {
      stdin: async () => {
        const chunks: Buffer[] = [];
        for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
        return Buffer.concat(chunks).toString('utf8');
      },
      print: (line) => process.stdout.write(`${line}\n`),
    });
    return 0;
  } catch (error) {
    if (error instanceof EditError) return usageFailure(error.message);
    throw error;
  }
}

/** Bad usage: the problem, then the usage when given (else a pointer to it); exit code 2. */
function usageFailure(message: string, usage?: string): number {
  process.stderr.write(
    `palisade-agent: ${message}\n${usage === undefined ? '(see --help)' : `\n${usage}`}\n`,
  );
  return 2;
}

main().then(
  (code) => {
    process.exitCode = code;
    // Timers of a stopped agent are unref'd; anything still holding the loop must not keep a dead agent alive.
    setTimeout(() => process.exit(code), 1_000).unref();
  },
  (error: unknown) => {
    process.stderr.write(
      `palisade-agent: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  },
);
