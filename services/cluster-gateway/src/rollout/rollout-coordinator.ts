// The gateway's half of the level-triggered rollout (decision 0009). Four triggers, one rule
// (TunnelRollout.needsPush) over one fact (the `cluster_desired_state` row):
// - a tunnel is accepted (so a gateway or agent restart converges by itself): pushed at once when
//   the stored status says the agent is behind; otherwise only if the agent has not reported
//   within a grace period (agents report their applied generation right after the welcome);
// - the API's `desired` notice arrives on this gateway's control channel (a hint: the row is read);
// - the agent reports (`apply.result`): stored, announced, and if the row says the agent is behind,
//   pushed again;
// - a periodic sweep of every local tunnel, which repairs a notice lost in Redis.
// A push is one frame or, for a set larger than a frame, ordered chunks (decision 0013); a set no
// frames may carry is stored as FAILED with the reason, so it shows instead of staying PENDING.
// Nothing here throws into a tunnel: failures are logged, and the next trigger repairs them.
import {
  planDesiredState,
  type ApplyResultMessage,
  type DesiredStateFrame,
  type ProtocolLimits,
} from '@palisade/protocol';
import type { Logger } from 'pino';
import { applyReport, type ApplyReport } from './apply-report.js';
import type { DesiredState, DesiredStateStore } from './desired-state-store.js';
import type { PolicySyncEvents } from './policy-sync-events.js';
import type { SyncStatusStore } from './sync-status-store.js';
import type { TunnelRollout } from './tunnel-rollout.js';
import { undeliveredReport } from './undelivered-report.js';

/** What the coordinator needs of an open, authenticated tunnel. */
export interface RolloutTunnel {
  readonly clusterId: string;
  readonly orgId: string;
  readonly fence: { readonly clusterId: string; readonly epoch: number };
  readonly rollout: TunnelRollout;
  /** Negotiated with the agent: whether it can take a set in chunks. */
  readonly protocolVersion: number;
  readonly limits: ProtocolLimits;
  /** Still open and still the cluster's current connection. */
  isLive(): boolean;
  /** Resolves once the socket has written the frame; false when the tunnel closed first. */
  sendDesired(frame: DesiredStateFrame): Promise<boolean>;
}

export interface RolloutCoordinatorOptions {
  readonly desired: DesiredStateStore;
  readonly status: SyncStatusStore;
  readonly events: PolicySyncEvents;
  readonly desiredAckTimeoutMs: number;
  readonly connectReportGraceMs: number;
  readonly find: (clusterId: string) => RolloutTunnel | undefined;
  readonly tunnels: () => Iterable<RolloutTunnel>;
  readonly log: Logger;
}

export class RolloutCoordinator {
  readonly #options: RolloutCoordinatorOptions;
  /** Observability for tests and the bench: pushes sent and reports stored since start. */
  readonly counts = { pushes: 0, reports: 0 };

  constructor(options: RolloutCoordinatorOptions) {
    this.#options = options;
  }

  /** After the welcome. */
  connected(tunnel: RolloutTunnel): void {
    const { desired, log, connectReportGraceMs } = this.#options;
    desired.read(tunnel.clusterId).then(
      (state) => {
        if (state === undefined || !tunnel.isLive()) return;
        if (tunnel.rollout.applied !== null || state.storedApplied !== state.generation) {
          this.#push(tunnel, state);
          return;
        }
        const timer = setTimeout(() => {
          if (tunnel.rollout.applied === null) this.#sync(tunnel);
        }, connectReportGraceMs);
        timer.unref();
      },
      (error: unknown) =>
        log.warn({ err: error, clusterId: tunnel.clusterId }, 'reading desired state failed'),
    );
  }

  /** The API's notice: the cluster's desired generation is now `generation` (a hint). */
  notice(clusterId: string, generation: number): void {
    const tunnel = this.#options.find(clusterId);
    if (tunnel === undefined || tunnel.rollout.applied === generation) return;
    this.#sync(tunnel);
  }

  /** The agent's report: stored in order per tunnel, then announced. */
  reported(tunnel: RolloutTunnel, message: ApplyResultMessage): void {
    tunnel.rollout.reported(message.generation);
    this.#store(tunnel, applyReport(message), 'agent');
  }

  /** Compares every local tunnel's applied generation with its desired one; pushes the stale. */
  async sweep(): Promise<void> {
    const live = [...this.#options.tunnels()].filter((t) => t.isLive());
    if (live.length === 0) return;
    const generations = await this.#options.desired.generations(live.map((t) => t.clusterId));
    const now = Date.now();
    for (const tunnel of live) {
      const generation = generations.get(tunnel.clusterId);
      if (generation === undefined) continue;
      if (tunnel.rollout.needsPush(generation, now, this.#options.desiredAckTimeoutMs)) this.#sync(tunnel);
    }
  }

  #sync(tunnel: RolloutTunnel): void {
    const { desired, log } = this.#options;
    desired.read(tunnel.clusterId).then(
      (state) => {
        if (state !== undefined) this.#push(tunnel, state);
      },
      (error: unknown) =>
        log.warn({ err: error, clusterId: tunnel.clusterId }, 'reading desired state failed'),
    );
  }

  #push(tunnel: RolloutTunnel, state: DesiredState): void {
    if (!tunnel.isLive()) return;
    const { rollout, clusterId } = tunnel;
    const { generation } = state;
    const { log, desiredAckTimeoutMs } = this.#options;
    if (!rollout.needsPush(generation, Date.now(), desiredAckTimeoutMs)) return;
    const plan = planDesiredState(generation, state.resources, {
      protocolVersion: tunnel.protocolVersion,
      limits: tunnel.limits,
    });
    if (!plan.ok) {
      rollout.undeliverable(generation);
      log.warn(
        {
          clusterId,
          generation,
          bytes: plan.bytes,
          resources: state.resources.length,
          problem: plan.problem,
        },
        'the desired state cannot be delivered',
      );
      const error = `not delivered to the agent: ${plan.problem}`;
      this.#store(tunnel, undeliveredReport(generation, state.resources, error), 'undelivered');
      return;
    }
    rollout
      .begin(generation)
      .run(plan.messages, (frame) => tunnel.sendDesired(frame))
      .then(
        (outcome) => {
          if (outcome !== 'sent') {
            log.debug({ clusterId, generation, outcome }, 'desired state push ended early');
            return;
          }
          rollout.pushed(generation, Date.now());
          this.counts.pushes++;
          if (plan.messages.length > 1) {
            log.info(
              { clusterId, generation, chunks: plan.messages.length, bytes: plan.bytes },
              'desired state pushed in chunks',
            );
          }
        },
        (error: unknown) =>
          log.error({ err: error, clusterId, generation }, 'pushing the desired state failed'),
      );
  }

  /**
   * Writes a report in order with the tunnel's others, then announces it. A desired generation
   * other than the reported one (the agent is behind, or the set changed meanwhile) is pushed.
   */
  #store(tunnel: RolloutTunnel, report: ApplyReport, from: 'agent' | 'undelivered'): void {
    const { log, status, events } = this.#options;
    tunnel.rollout.writes = tunnel.rollout.writes.then(async () => {
      try {
        const outcome = await status.write(tunnel.fence, report);
        if (outcome.written) {
          if (from === 'agent') this.counts.reports++;
          await events.publish(tunnel.orgId, tunnel.clusterId, report.generation);
        }
        if (outcome.desiredGeneration !== null && outcome.desiredGeneration !== report.generation) {
          this.#sync(tunnel);
        }
      } catch (error) {
        log.error({ err: error, clusterId: tunnel.clusterId, from }, 'storing a sync status failed');
      }
    });
  }
}
