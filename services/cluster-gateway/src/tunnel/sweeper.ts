// The gateway's only periodic timer. Once per sweep interval it walks every tunnel: handshake and
// dead-peer deadlines, pings and heartbeats, lease renewals, credential rotations, and one batched
// last-seen write for the tunnels that are due. One timer instead of several per tunnel keeps the
// cost of an idle tunnel to a few object fields.
import type { Logger } from 'pino';
import type { StatusWriter } from '../status/status-writer.js';
import type { SessionRegistry } from './session-registry.js';
import type { TunnelHandle } from './tunnel-handle.js';

export function startSweeper(
  registry: SessionRegistry<TunnelHandle>,
  status: StatusWriter,
  intervalMs: number,
  log: Logger,
): () => void {
  const timer = setInterval(() => {
    const now = Date.now();
    const due: { clusterId: string; epoch: number }[] = [];
    for (const session of registry.all()) {
      try {
        session.tick(now, due);
      } catch (error) {
        log.error({ err: error, clusterId: session.clusterId }, "a tunnel's periodic work failed");
      }
    }
    status.seen(due).catch((error: unknown) => log.warn({ err: error }, 'writing last-seen failed'));
  }, intervalMs);
  return () => clearInterval(timer);
}
