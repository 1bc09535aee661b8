// The agent's command line, resolved against the environment: flags win, then the variables the
// install manifest sets, then defaults. Every refusal names the flag at fault, so `main` can print
// it with the usage and exit 2. --help/-h and --version are answered before the environment is
// read, so they work whatever it holds.

import { parseArgs } from 'node:util';
import { SECRET } from '@palisade/protocol';
import { EDIT_USAGE } from '../providers/simulated/edit-command.js';
import { DEFAULT_FLOW_BUFFER_RECORDS } from '../limits.js';
import { goldmaneConfig, type GoldmaneConfig } from '../providers/kubernetes/goldmane/goldmane-config.js';
import type { LogLevel } from '../log.js';
import type { AgentEnv } from './env.js';

export const DEFAULT_GATEWAY_URL = 'ws://localhost:3001/v1/tunnel';

export const USAGE = `Usage:
  npm run agent -- --simulate <cluster.yaml> [--token <enrollment token>] [--gateway <url>] [--state-dir <dir>]
  npm run agent -- --kubernetes [--in-cluster | --kubeconfig <path>] [--token <enrollment token>] [--gateway <url>]
${EDIT_USAGE}
  (built with npm run build: node agent/dist/main.js with the same arguments)

Options:
  --simulate <file>    run a simulated cluster described by <file> (see agent/examples/README.md)
  --kubernetes         watch a real cluster
  --in-cluster         use the pod's ServiceAccount (with --kubernetes)
  --kubeconfig <path>  use this kubeconfig (with --kubernetes; default: KUBECONFIG, ~/.kube/config)
  --token <token>      the cluster's enrollment token (default: PALISADE_ENROLLMENT_TOKEN); needed
                       only until the agent has stored its credential
  --gateway <url>      the gateway's tunnel URL (default: PALISADE_GATEWAY_URL, else ${DEFAULT_GATEWAY_URL})
  --state-dir <dir>    where the credential file (and a simulated cluster's policies.json) lives
                       (default: .palisade/agents/<cluster name>)
  --flow-buffer <n>    flow records kept while the gateway is unreachable before the oldest are
                       dropped (default: PALISADE_FLOW_BUFFER_RECORDS, else ${String(DEFAULT_FLOW_BUFFER_RECORDS)})
  --health-port <port> serve /healthz (live) and /readyz (connected, initial sync done) on this
                       port, or off (default: PALISADE_HEALTH_PORT, else off)
  --log-level <level>  fatal, error, warn, info, debug, trace or silent (default: LOG_LEVEL, else info)
  -h, --help           show this help
  --version            print the agent's version

Exit codes: 0 after a signal, 1 when the agent fails or stops on its own, 2 for bad usage, environment
or cluster description.`;

interface Common {
  readonly gatewayUrl: string;
  readonly token: string | null;
  readonly stateDir: string | null;
  readonly flowBufferRecords: number;
  readonly logLevel: LogLevel;
  /** The probes' port (health/health-server.ts); null when off. */
  readonly healthPort: number | null;
}

export type AgentCommand =
  | { readonly mode: 'help' }
  | { readonly mode: 'version' }
  | (Common & { readonly mode: 'simulate'; readonly file: string })
  | (Common & {
      readonly mode: 'kubernetes';
      readonly inCluster: boolean;
      readonly kubeconfig: string | null;
      /** Store the credential in this Secret (in-cluster default: palisade-agent-credential). */
      readonly credentialSecret: string | null;
      readonly namespace: string | null;
      /** Where flows come from (PALISADE_GOLDMANE_*); null when turned off. */
      readonly goldmane: GoldmaneConfig | null;
    });

export class CliError extends Error {
  override readonly name = 'CliError';
  constructor(
    readonly flag: string,
    message: string,
  ) {
    super(`${flag}: ${message}`);
  }
}

const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** `env` is read only when the command needs it (not for --help or --version). */
export function parseCommand(argv: readonly string[], readEnv: () => AgentEnv): AgentCommand {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        simulate: { type: 'string' },
        kubernetes: { type: 'boolean' },
        'in-cluster': { type: 'boolean' },
        kubeconfig: { type: 'string' },
        token: { type: 'string' },
        gateway: { type: 'string' },
        'state-dir': { type: 'string' },
        'flow-buffer': { type: 'string' },
        'log-level': { type: 'string' },
        'health-port': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean' },
      },
    }));
  } catch (error) {
    throw parseError(error);
  }
  if (values.help) return { mode: 'help' };
  if (values.version) return { mode: 'version' };
  const env = readEnv();

  if (values.simulate !== undefined && values.kubernetes) {
    throw new CliError('--simulate', 'cannot be combined with --kubernetes; choose one provider');
  }
  if (values.simulate === undefined && !values.kubernetes) {
    throw new CliError('--simulate', 'give --simulate <cluster.yaml> or --kubernetes');
  }
  if (values.simulate === '') throw new CliError('--simulate', 'needs the path of a cluster description');
  if (!values.kubernetes) {
    if (values['in-cluster']) throw new CliError('--in-cluster', 'only applies with --kubernetes');
    if (values.kubeconfig !== undefined) throw new CliError('--kubeconfig', 'only applies with --kubernetes');
  }
  if (values['in-cluster'] && values.kubeconfig !== undefined) {
    throw new CliError('--kubeconfig', 'cannot be combined with --in-cluster');
  }

  const gatewayUrl = values.gateway ?? env.PALISADE_GATEWAY_URL ?? DEFAULT_GATEWAY_URL;
  if (!URL.canParse(gatewayUrl) || !/^wss?:$/.test(new URL(gatewayUrl).protocol)) {
    throw new CliError('--gateway', 'must be a ws:// or wss:// URL, e.g. ws://localhost:3001/v1/tunnel');
  }
  const token = values.token ?? env.PALISADE_ENROLLMENT_TOKEN ?? null;
  if (token !== null && !SECRET.test(token)) throw new CliError('--token', `must be ${SECRET.description}`);
  const logLevel = values['log-level'] ?? env.LOG_LEVEL;
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) {
    throw new CliError('--log-level', `must be one of ${LOG_LEVELS.join(', ')}`);
  }
  if (values['state-dir'] === '') throw new CliError('--state-dir', 'needs a directory');
  const flowBuffer =
    values['flow-buffer'] ?? env.PALISADE_FLOW_BUFFER_RECORDS ?? String(DEFAULT_FLOW_BUFFER_RECORDS);
  if (!/^[1-9][0-9]{0,8}$/.test(flowBuffer)) {
    throw new CliError('--flow-buffer', 'must be a number of flow records from 1 to 999999999');
  }
  const healthPort = values['health-port'] ?? env.PALISADE_HEALTH_PORT ?? 'off';
  if (healthPort !== 'off' && !(/^[1-9][0-9]{0,4}$/.test(healthPort) && Number(healthPort) <= 65535)) {
    throw new CliError('--health-port', 'must be a port from 1 to 65535, or off');
  }
  const common: Common = {
    gatewayUrl,
    token,
    stateDir: values['state-dir'] ?? env.PALISADE_AGENT_STATE_DIR ?? null,
    flowBufferRecords: Number(flowBuffer),
    logLevel: logLevel as LogLevel,
    healthPort: healthPort === 'off' ? null : Number(healthPort),
  };
  if (values.simulate !== undefined) return { ...common, mode: 'simulate', file: values.simulate };
  return {
    ...common,
    mode: 'kubernetes',
    inCluster: values['in-cluster'] === true,
    kubeconfig: values.kubeconfig ?? env.KUBECONFIG ?? null,
    credentialSecret: env.PALISADE_CREDENTIAL_SECRET ?? null,
    namespace: env.POD_NAMESPACE ?? null,
    goldmane: goldmaneConfig(env),
  };
}

function parseError(error: unknown): CliError {
  const message = error instanceof Error ? error.message : String(error);
  const flag = /'(--?[\w-]+)/.exec(message)?.[1] ?? 'arguments';
  if (/Unknown option/.test(message)) return new CliError(flag, 'is not a known option');
  if (/argument missing/.test(message)) return new CliError(flag, 'needs a value');
  if (/does not take an argument/.test(message)) return new CliError(flag, 'takes no value');
  if (/Unexpected argument/.test(message))
    return new CliError(flag, 'unexpected argument (options start with --)');
  return new CliError(flag, message);
}
