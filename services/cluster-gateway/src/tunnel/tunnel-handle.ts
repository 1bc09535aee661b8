// What the rest of the gateway may do with one tunnel: the registry, the sweeper, the control
// channel, the request forwarder and the rollout coordinator hold tunnels through this interface,
// never through the session class, so the shared context and routing do not depend on the session
// (which depends on them). TunnelSession is its one implementation. Declarations only: it must
// never grow state or behaviour of its own.
import type { CloseReason, JsonValue } from '@palisade/protocol';
import type { RolloutTunnel } from '../rollout/rollout-coordinator.js';
import type { RegisteredTunnel } from './session-registry.js';

export interface TunnelHandle extends RegisteredTunnel {
  /** True from the welcome until close starts. */
  readonly isOpen: boolean;
  /** Sends `close` with the detail, then the close frame; the socket is destroyed if the peer stalls. */
  close(reason: CloseReason, detail: string, retryAfterMs?: number | null): void;
  /** Drops the socket without a close frame (gateway `kill()`). */
  destroy(): void;
  /** A newer connection of this cluster won elsewhere: close if this one is older than `epoch`. */
  supersede(epoch: number): void;
  /** The cluster's credential was revoked: close at once. */
  revoke(): void;
  /** Forwards a request to the agent and resolves with its result (rejects with a RequestError). */
  request(method: string, params: JsonValue, timeoutMs: number): Promise<JsonValue>;
  /** This tunnel as the rollout coordinator sees it; undefined before the welcome. */
  rolloutTunnel(): RolloutTunnel | undefined;
  /** Starts an in-band credential rotation; resolves true once the new hash is stored. */
  rotateCredential(): Promise<boolean>;
  /** Deadlines and periodic work; `statusDue` collects tunnels whose last-seen should be written. */
  tick(now: number, statusDue: { clusterId: string; epoch: number }[]): void;
}
