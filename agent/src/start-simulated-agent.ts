// The one-call way to run a simulated cluster's agent in-process, for `npm start`, tests and
// benchmarks that run several: load the description, keep the credential and the simulated
// cluster's policy store under a state directory, connect. The same parts `main` assembles for `--simulate`.

import { join } from 'node:path';
import { startAgent, type AgentOptions, type RunningAgent } from './agent.js';
import { FileCredentialStore } from './credentials/file-store.js';
import type { Logger } from './log.js';
import { SimulatedProvider } from './providers/simulated/simulated-provider.js';

export { SimulatedProvider } from './providers/simulated/simulated-provider.js';
export { ClusterSpecError } from './providers/simulated/spec-error.js';
export { EditError, runEditCommand } from './providers/simulated/edit-command.js';
export type { TrafficQuery, TrafficVerdict } from './providers/simulated/traffic-evaluator.js';

export interface SimulatedAgentOptions {
  /** Path of the cluster description (see agent/examples/README.md). */
  readonly file: string;
  readonly gatewayUrl: string;
  readonly enrollmentToken?: string | null;
  /** Default: `.palisade/agents/<cluster name>` under the working directory. */
  readonly stateDir?: string;
  readonly logger?: Logger;
  /** Follow edits of the file (default true); off for benchmarks running thousands of agents. */
  readonly watch?: boolean;
  /** Follow outside edits of the policy store, i.e. notice drift (default: as `watch`). */
  readonly watchPolicies?: boolean;
  readonly timings?: AgentOptions['timings'];
  readonly flowBufferRecords?: number;
  /** Drives the traffic simulator and the flow pipeline; the wall clock by default. */
  readonly clock?: AgentOptions['clock'];
  /** Seed of the traffic simulator (default: from the cluster name, so runs repeat). */
  readonly trafficSeed?: number;
}

export async function startSimulatedAgent(
  options: SimulatedAgentOptions,
): Promise<RunningAgent<SimulatedProvider>> {
  const stateDirOf = (clusterName: string): string =>
    options.stateDir ?? join('.palisade', 'agents', clusterName);
  const provider = await SimulatedProvider.load({
    file: options.file,
    stateDir: stateDirOf,
    ...(options.watch === undefined ? {} : { watch: options.watch }),
    ...(options.watchPolicies === undefined ? {} : { watchPolicies: options.watchPolicies }),
    ...(options.logger ? { logger: options.logger } : {}),
    ...(options.clock === undefined ? {} : { clock: options.clock }),
    ...(options.trafficSeed === undefined ? {} : { trafficSeed: options.trafficSeed }),
  });
  return startAgent({
    provider,
    gatewayUrl: options.gatewayUrl,
    credentials: new FileCredentialStore(stateDirOf(provider.clusterName())),
    enrollmentToken: options.enrollmentToken ?? null,
    ...(options.logger ? { logger: options.logger } : {}),
    ...(options.timings ? { timings: options.timings } : {}),
    ...(options.flowBufferRecords === undefined ? {} : { flowBufferRecords: options.flowBufferRecords }),
    ...(options.clock === undefined ? {} : { clock: options.clock }),
  });
}
