// What every tunnel session shares with the rest of the gateway: stores, publishers, the registry,
// metrics and the log. One object per gateway, referenced by each session, so a session carries
// pointers rather than copies (memory per tunnel is a goal: < 40 KB at 10,000 tunnels).
import type { Logger } from 'pino';
import type { FlowIngest } from '../flows/flow-ingest.js';
import type { InventoryStore } from '../inventory/inventory-store.js';
import type { NodeStore } from '../inventory/node-store.js';
import type { GatewayTuning } from '../limits.js';
import type { RolloutCoordinator } from '../rollout/rollout-coordinator.js';
import type { LeaseStore } from '../routing/lease.js';
import type { GatewayMetrics } from '../server/metrics.js';
import type { ClusterEvents } from '../status/cluster-events.js';
import type { StatusWriter } from '../status/status-writer.js';
import type { Database } from '../store/database.js';
import type { ConnectLimiter } from './connect-limiter.js';
import type { SessionRegistry } from './session-registry.js';
import type { TunnelHandle } from './tunnel-handle.js';

export interface TunnelContext {
  readonly gatewayId: string;
  readonly tuning: GatewayTuning;
  readonly db: Database;
  /** Rate limits on set-up: failed authentications per IP, connections per cluster. */
  readonly limiter: ConnectLimiter;
  readonly leases: LeaseStore;
  readonly status: StatusWriter;
  readonly events: ClusterEvents;
  readonly inventory: InventoryStore;
  readonly nodes: NodeStore;
  readonly flows: FlowIngest;
  readonly rollout: RolloutCoordinator;
  readonly registry: SessionRegistry<TunnelHandle>;
  readonly metrics: GatewayMetrics;
  readonly log: Logger;
  /** Tells the gateway that held the previous lease to close its tunnel. */
  notifyTakeover(gatewayId: string, clusterId: string, epoch: number): Promise<void>;
  /** Cleanup a graceful shutdown must wait for (lease release, status writes). */
  track(work: Promise<unknown>): void;
  /** Set by `kill()`: sessions then vanish without touching Redis or Postgres, like a crash. */
  readonly killed: () => boolean;
}
