// The cluster gateway (ARCHITECTURE §2.5–2.6, decision 0006): accepts agents' tunnels at
// /v1/tunnel, authenticates them, holds the fenced per-cluster lease in Redis, writes status and
// inventory to Postgres, stores flow batches and acknowledges them after commit (decision 0040),
// serves the API's requests arriving on its control channel, and pushes each
// cluster's desired policy and stores what its agent reports (decision 0009). It is
// stateless apart from live sockets, so any number can run side by side. `close()` is the graceful
// stop (tunnels get `server_shutting_down`, leases are released); `kill()` imitates a crash.
import type { AddressInfo } from 'node:net';
import { CLOSE_REASONS } from '@palisade/protocol';
import { resolveConfig, type GatewayConfig } from './config/gateway-config.js';
import { FlowEvents } from './flows/flow-events.js';
import { FlowIngest } from './flows/flow-ingest.js';
import { FlowPartitions } from './flows/flow-partitions.js';
import { FlowRateLimits } from './flows/flow-rate-limits.js';
import { FlowWriter } from './flows/flow-writer.js';
import { InventoryStore } from './inventory/inventory-store.js';
import { NodeStore } from './inventory/node-store.js';
import { RATE_LIMITED_RETRY_AFTER_MS, SHUTDOWN_DRAIN_MS } from './limits.js';
import { ConnectLimiter } from './tunnel/connect-limiter.js';
import { createLogger } from './log.js';
import { ControlChannel } from './routing/control-channel.js';
import { redisKeys } from './routing/keys.js';
import { LeaseStore } from './routing/lease.js';
import { DesiredStateStore } from './rollout/desired-state-store.js';
import { PolicySyncEvents } from './rollout/policy-sync-events.js';
import { RolloutCoordinator, type RolloutTunnel } from './rollout/rollout-coordinator.js';
import { SyncStatusStore } from './rollout/sync-status-store.js';
import { RequestForwarder } from './routing/request-forwarder.js';
import { createHttpServer } from './server/http-server.js';
import { GatewayMetrics } from './server/metrics.js';
import { checkReadiness } from './server/readiness.js';
import { ClusterEvents } from './status/cluster-events.js';
import { StatusWriter } from './status/status-writer.js';
import { connectDatabase } from './store/database.js';
import { connectRedis, dropRedis, quitRedis } from './store/redis.js';
import { SessionRegistry } from './tunnel/session-registry.js';
import { startSweeper } from './tunnel/sweeper.js';
import type { TunnelContext } from './tunnel/tunnel-context.js';
import type { TunnelHandle } from './tunnel/tunnel-handle.js';
import { TunnelSession } from './tunnel/tunnel-session.js';

export type { GatewayConfig } from './config/gateway-config.js';
export * from './routing/keys.js';
export type { GatewayTuning } from './limits.js';
export { DEFAULT_TUNING } from './limits.js';

export interface RunningGateway {
  readonly port: number;
  readonly gatewayId: string;
  /** Authenticated tunnels open on this gateway. */
  readonly tunnels: number;
  /** Desired states pushed and apply results stored since start. */
  readonly rollout: { readonly pushes: number; readonly reports: number };
  /** Rotates the credential of a cluster connected here; true once the agent persisted it and it is stored. */
  rotateCredential(clusterId: string): Promise<boolean>;
  /** Graceful: stop accepting, close every tunnel with `server_shutting_down`, release leases, disconnect. */
  close(): Promise<void>;
  /** Abrupt: destroy every socket without close frames and leave leases and status as a crash would. */
  kill(): Promise<void>;
}

export async function startGateway(input: GatewayConfig): Promise<RunningGateway> {
  const config = resolveConfig(input);
  const { tuning, gatewayId } = config;
  const log = createLogger(config.logLevel, gatewayId);
  const keys = redisKeys(config.redisPrefix);
  const db = connectDatabase(config.databaseUrl, tuning.databasePoolSize);
  const redis = connectRedis(config.redisUrl, gatewayId);
  const metrics = new GatewayMetrics();
  const registry = new SessionRegistry<TunnelHandle>();
  const status = new StatusWriter(db, gatewayId);
  const find = (clusterId: string): TunnelHandle | undefined => registry.get(clusterId);
  const rollout = new RolloutCoordinator({
    desired: new DesiredStateStore(db),
    status: new SyncStatusStore(db),
    events: new PolicySyncEvents(redis.commands, keys),
    desiredAckTimeoutMs: tuning.desiredAckTimeoutMs,
    connectReportGraceMs: tuning.connectReportGraceMs,
    find: (clusterId) => registry.get(clusterId)?.rolloutTunnel(),
    tunnels: function* (): Iterable<RolloutTunnel> {
      for (const session of registry.all()) {
        const tunnel = session.rolloutTunnel();
        if (tunnel !== undefined) yield tunnel;
      }
    },
    log,
  });
  const control = new ControlChannel({
    subscriber: redis.subscriber,
    publisher: redis.commands,
    keys,
    gatewayId,
    find,
    forwarder: new RequestForwarder(redis.commands, keys, find, metrics),
    onDesired: (clusterId, generation) => rollout.notice(clusterId, generation),
    log,
  });
  const cleanups = new Set<Promise<unknown>>();
  let accepting = true;
  let killed = false;
  const limiter = new ConnectLimiter(redis.commands, config.redisPrefix, tuning, log);
  const ctx: TunnelContext = {
    gatewayId,
    limiter,
    tuning,
    db,
    leases: new LeaseStore(redis.commands, keys, tuning.leaseTtlMs),
    status,
    events: new ClusterEvents(redis.commands, keys, gatewayId),
    inventory: new InventoryStore(db, tuning.inventoryWriteBatch),
    nodes: new NodeStore(db),
    flows: new FlowIngest({
      limits: new FlowRateLimits(tuning.flowRecordsPerSecond, tuning.flowRecordBurst),
      partitions: new FlowPartitions(db),
      writer: new FlowWriter(db),
      events: new FlowEvents(redis.commands, keys),
      metrics,
      log,
    }),
    rollout,
    registry,
    metrics,
    log,
    notifyTakeover: (owner, clusterId, epoch) => control.notifyTakeover(owner, clusterId, epoch),
    track: (work) => {
      cleanups.add(work);
      void work.finally(() => cleanups.delete(work));
    },
    killed: () => killed,
  };
  const http = createHttpServer({
    maxPayloadBytes: tuning.maxPayloadBytes,
    metrics,
    readiness: () => checkReadiness(db, redis.commands),
    accepting: () => accepting,
    admitUpgrade: (ip) => limiter.admitUpgrade(ip),
    onTunnel: (socket, ip) => {
      const session = new TunnelSession(socket, ctx, Date.now(), ip);
      const pending = registry.size - registry.authenticated;
      registry.add(session);
      if (pending >= tuning.maxPendingHandshakes) {
        session.close(
          CLOSE_REASONS.RATE_LIMITED,
          'too many connections are being set up; retry shortly',
          RATE_LIMITED_RETRY_AFTER_MS,
        );
      }
    },
  });

  try {
    await control.start();
    await new Promise<void>((resolve, reject) => {
      http.server.once('error', reject);
      http.server.listen(config.port, config.host, () => {
        http.server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    dropRedis(redis);
    await db.end();
    throw error;
  }
  const stopSweeper = startSweeper(registry, status, tuning.sweepIntervalMs, log);
  const rolloutSweep = setInterval(() => {
    rollout.sweep().catch((error: unknown) => log.warn({ err: error }, 'rollout sweep failed'));
  }, tuning.rolloutSweepIntervalMs);
  rolloutSweep.unref();
  const port = (http.server.address() as AddressInfo).port;
  log.info({ port, host: config.host }, 'cluster gateway listening');

  let stopped: Promise<void> | undefined;
  const closeServer = (): Promise<void> =>
    new Promise((resolve) => {
      http.server.close(() => resolve());
      http.server.closeAllConnections();
    });

  return {
    port,
    gatewayId,
    get tunnels() {
      return registry.authenticated;
    },
    get rollout() {
      return { ...rollout.counts };
    },
    rotateCredential: (clusterId) => registry.get(clusterId)?.rotateCredential() ?? Promise.resolve(false),
    close() {
      stopped ??= (async () => {
        accepting = false;
        // No retryAfterMs (the protocol allows 1 ms to 1 day, or null): `server_shutting_down` already
        // advises an immediate reconnect, which agents spread over a second (decision 0007).
        for (const session of registry.all()) {
          session.close(CLOSE_REASONS.SERVER_SHUTTING_DOWN, 'the gateway is restarting; reconnect', null);
        }
        await waitUntil(() => registry.size === 0, SHUTDOWN_DRAIN_MS);
        for (const session of registry.all()) session.destroy();
        // Destroyed sockets report their close on a later tick; their cleanup must be tracked first.
        await waitUntil(() => registry.size === 0, SHUTDOWN_DRAIN_MS);
        await Promise.allSettled([...cleanups]);
        stopSweeper();
        clearInterval(rolloutSweep);
        await closeServer();
        await quitRedis(redis);
        await db.end();
        log.info('cluster gateway stopped');
      })();
      return stopped;
    },
    kill() {
      stopped ??= (async () => {
        killed = true;
        accepting = false;
        stopSweeper();
        clearInterval(rolloutSweep);
        for (const socket of http.sockets) socket.destroy();
        dropRedis(redis);
        await closeServer();
        await db.end().catch(() => undefined);
      })();
      return stopped;
    },
  };
}

async function waitUntil(done: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
}
