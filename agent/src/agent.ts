// The agent as a library: `startAgent` connects one cluster (a provider) to a gateway and keeps it
// connected until `close()`. Several agents can run in one process (tests, `npm start`, benchmarks):
// nothing here is global, and every agent has its own logger bindings, credential store and
// instance id.

import { randomUUID } from 'node:crypto';
import { systemClock, type Clock } from './clock.js';
import { chooseAuth } from './credentials/choose-auth.js';
import type { CredentialStore } from './credentials/credential-store.js';
import { DesiredStateController } from './controllers/desired-state.js';
import { RevisionCounter } from './controllers/inventory-sync.js';
import { createSessionRouter } from './controllers/session-router.js';
import { FlowShipper, type FlowStats } from './flows/flow-shipper.js';
import { DEFAULT_FLOW_BUFFER_RECORDS } from './limits.js';
import { silentLogger, type Logger } from './log.js';
import type { Provider } from './providers/provider.js';
import {
  TunnelClient,
  type StopReason,
  type TunnelStatus,
  type TunnelTimings,
} from './tunnel/tunnel-client.js';
import { AGENT_VERSION } from './version.js';

export type { Provider } from './providers/provider.js';
export type { CredentialStore, StoredCredential } from './credentials/credential-store.js';
export type { StopReason, TunnelStatus, TunnelTimings } from './tunnel/tunnel-client.js';
export type { FlowStats } from './flows/flow-shipper.js';
export type { Clock } from './clock.js';

export interface AgentOptions<P extends Provider = Provider> {
  readonly provider: P;
  /** e.g. `ws://localhost:3001/v1/tunnel`. */
  readonly gatewayUrl: string;
  readonly credentials: CredentialStore;
  /** Needed only until the agent has a stored credential (or to enroll again after re-registering). */
  readonly enrollmentToken?: string | null;
  readonly logger?: Logger;
  readonly instanceId?: string;
  /** Shorter timings for tests; production uses limits.ts. */
  readonly timings?: Partial<TunnelTimings>;
  /** Flow records held while the gateway has not acknowledged them (default DEFAULT_FLOW_BUFFER_RECORDS). */
  readonly flowBufferRecords?: number;
  /** What the flow pipeline schedules by; the wall clock unless a test steps time itself. */
  readonly clock?: Clock;
}

export interface RunningAgent<P extends Provider = Provider> {
  /** Known once enrolled (from the stored credential or the gateway's welcome). */
  clusterId(): string | null;
  status(): TunnelStatus;
  /**
   * Why the agent stopped: a close reason name such as `credential_revoked`, or `closed` after
   * `close()`; null while it runs.
   */
  stopReason(): StopReason | null;
  onStatus(listener: (status: TunnelStatus) => void): () => void;
  /** The current session's initial sync is done: its whole inventory snapshot was sent. */
  initialSyncDone(): boolean;
  /** The flow pipeline: buffered, in flight, dropped. */
  flows(): FlowStats;
  readonly instanceId: string;
  readonly provider: P;
  /** Closes the tunnel (`agent_shutting_down`) and stops the provider. */
  close(): Promise<void>;
}

export class AgentStartError extends Error {
  override readonly name = 'AgentStartError';
}

export async function startAgent<P extends Provider>(options: AgentOptions<P>): Promise<RunningAgent<P>> {
  const instanceId = options.instanceId ?? randomUUID();
  const log = (options.logger ?? silentLogger()).child({ instanceId });
  const stored = await options.credentials.load();
  const token = options.enrollmentToken ?? null;
  if (chooseAuth(stored, token) === null) {
    throw new AgentStartError(
      `no cluster credential in ${options.credentials.description} and no enrollment token given`,
    );
  }
  await options.provider.start();
  const startedAt = Date.now();
  const revisions = new RevisionCounter();
  /** The session whose initial snapshot went out; null while disconnected. */
  let syncedSession: string | null = null;
  const desired = new DesiredStateController({ provider: options.provider, log });
  const flows = new FlowShipper({
    provider: options.provider,
    bufferRecords: options.flowBufferRecords ?? DEFAULT_FLOW_BUFFER_RECORDS,
    clock: options.clock ?? systemClock,
    log,
  });
  flows.start();
  const client = new TunnelClient({
    url: options.gatewayUrl,
    credentials: options.credentials,
    stored,
    enrollmentToken: token,
    agentVersion: AGENT_VERSION,
    instanceId,
    facts: () => options.provider.facts(),
    log,
    establish: (session) =>
      createSessionRouter(session, {
        onInitialSync: () => {
          syncedSession ??= session.welcome.sessionId;
        },
        provider: options.provider,
        instanceId,
        startedAt,
        revisions,
        desired,
        flows,
        log,
      }),
    ...(options.timings === undefined ? {} : { timings: options.timings }),
  });
  client.onStatus((status) => {
    if (status !== 'connected') syncedSession = null;
  });
  client.start();
  let closing: Promise<void> | undefined;
  return {
    clusterId: () => client.clusterId(),
    status: () => client.status(),
    stopReason: () => client.stopReason(),
    onStatus: (listener) => client.onStatus(listener),
    initialSyncDone: () => syncedSession !== null && client.status() === 'connected',
    flows: () => flows.stats(),
    instanceId,
    provider: options.provider,
    close: () =>
      (closing ??= client.close().then(() => {
        flows.stop();
        desired.close();
        return options.provider.stop();
      })),
  };
}
