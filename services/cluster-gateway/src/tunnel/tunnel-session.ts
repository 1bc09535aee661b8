// One agent connection, from upgrade to close. It owns the session's state machine
// (hello → authenticating → open → closing → closed), decodes every frame with the protocol codec,
// enforces the message budget, and turns each failure into a close reason for this connection
// only: no handler may throw, and every promise it starts ends in a catch. Desired state and apply
// results are handed to the rollout coordinator through `rolloutTunnel()`; desired-state frames
// are written one at a time, paced by the socket (decision 0013), and chunked apply results are
// reassembled before the coordinator sees them (decision 0014). Flow batches go to this
// connection's FlowBatchStream, under the authenticated cluster's ids (decision 0040). Time-driven work
// (handshake and dead-peer deadlines, pings, lease renewal, rotation) is not scheduled here but
// done by `tick`, called by the gateway's single sweep timer.
import {
  ApplyResultAssembler,
  CLOSE_REASONS,
  PendingRequests,
  closeFrame,
  closeReasonByName,
  decodeMessage,
  encodeMessage,
  negotiateVersion,
  utf8ByteLength,
  type AgentMessage,
  type ApplyResultChunkMessage,
  type ApplyResultMessage,
  type CloseReason,
  type CredentialRotatedMessage,
  type DesiredStateFrame,
  type GatewayMessage,
  type HelloMessage,
  type InventoryResyncReason,
  type JsonValue,
  type NodeInfo,
} from '@palisade/protocol';
import type { RawData, WebSocket } from 'ws';
import { FlowBatchStream } from '../flows/flow-batch-stream.js';
import { InventoryStream } from '../inventory/inventory-stream.js';
import { INTERNAL_ERROR_RETRY_AFTER_MS, MAX_EARLY_FRAMES, RATE_LIMITED_RETRY_AFTER_MS } from '../limits.js';
import type { RolloutTunnel } from '../rollout/rollout-coordinator.js';
import { authenticate, confirmStored } from './authenticate.js';
import { MessageBudget } from './message-budget.js';
import { takeOwnership, welcomeMessage, type Ownership } from './ownership.js';
import type { TunnelContext } from './tunnel-context.js';
import type { TunnelHandle } from './tunnel-handle.js';

type State = 'hello' | 'authenticating' | 'open' | 'closing' | 'closed';

export class TunnelSession implements TunnelHandle {
  /** The client address, for the per-IP limit on failed authentications. */
  readonly #ip: string;
  readonly #socket: WebSocket;
  readonly #ctx: TunnelContext;
  readonly #openedAt: number;
  readonly #budget: MessageBudget;
  #state: State = 'hello';
  #lastHeardAt: number;
  #early: { data: RawData; isBinary: boolean }[] | undefined;
  #owner: Ownership | undefined;
  #graceTimer: NodeJS.Timeout | undefined;
  #closeReason: CloseReason | undefined;
  #rolloutTunnel: RolloutTunnel | undefined;
  #protocolVersion = 0;
  /** The hash of the credential this session's enrollment issued, until the agent says it stored it. */
  #issuedHash: Buffer | null = null;
  #nodeWrites: Promise<void> = Promise.resolve();
  /** Stages `apply.result.chunk` frames of this connection (decision 0014); made on first use. */
  #applyResults: ApplyResultAssembler | undefined;
  /** Desired-state frames handed to the socket and not yet written; settled false on close. */
  readonly #unwritten = new Set<(written: boolean) => void>();

  constructor(socket: WebSocket, ctx: TunnelContext, now: number, ip: string) {
    this.#ip = ip;
    this.#socket = socket;
    this.#ctx = ctx;
    this.#openedAt = now;
    this.#lastHeardAt = now;
    this.#budget = new MessageBudget(ctx.tuning.messagesPerSecond, ctx.tuning.messageBurst, now);
    socket.on('message', (data, isBinary) => this.#onFrame(data, isBinary));
    socket.on('pong', () => {
      this.#lastHeardAt = Date.now();
    });
    socket.on('close', () => this.#onClosed());
    socket.on('error', (error) => {
      ctx.log.debug({ err: error, clusterId: this.clusterId }, 'tunnel socket error');
    });
  }

  get clusterId(): string | undefined {
    return this.#owner?.cluster.clusterId;
  }

  get epoch(): number {
    return this.#owner?.epoch ?? 0;
  }

  get isOpen(): boolean {
    return this.#state === 'open';
  }

  /** Sends `close` with the full detail, then the close frame; the socket is destroyed if the peer stalls. */
  close(reason: CloseReason, detail: string, retryAfterMs: number | null = null): void {
    if (this.#state === 'closing' || this.#state === 'closed') return;
    this.#state = 'closing';
    this.#closeReason = reason;
    const { code, reason: text } = closeFrame(reason, detail);
    // A socket paused during authentication must read again, or the peer's close frame never arrives.
    this.#socket.resume();
    try {
      this.#send({ type: 'close', reason: reason.name, message: detail || reason.message, retryAfterMs });
      this.#socket.close(code, text);
    } catch {
      this.#socket.terminate();
    }
    this.#graceTimer = setTimeout(() => this.#socket.terminate(), this.#ctx.tuning.closeGraceMs);
  }

  /** Drops the socket without a close frame (gateway `kill()`). */
  destroy(): void {
    this.#socket.terminate();
  }

  /** A newer connection of this cluster won elsewhere: close if this one is older. */
  supersede(epoch: number): void {
    const owner = this.#owner;
    if (owner === undefined || owner.epoch >= epoch) return;
    owner.current = false;
    this.close(CLOSE_REASONS.SUPERSEDED, 'a newer connection of this cluster took over');
  }

  revoke(): void {
    this.close(CLOSE_REASONS.CREDENTIAL_REVOKED, 'the cluster credential was revoked');
  }

  /** Forwards a request to the agent and resolves with its result (rejects with a RequestError). */
  request(method: string, params: JsonValue, timeoutMs: number): Promise<JsonValue> {
    const owner = this.#owner;
    if (owner === undefined || this.#state !== 'open') {
      return Promise.reject(new Error('the tunnel is not open'));
    }
    owner.pending ??= new PendingRequests({ send: (request) => this.#send(request), idPrefix: 'g' });
    return owner.pending.request(method, params, timeoutMs);
  }

  /** This tunnel as the rollout coordinator sees it; undefined before the welcome. */
  rolloutTunnel(): RolloutTunnel | undefined {
    const owner = this.#owner;
    if (owner === undefined || !owner.opened) return undefined;
    this.#rolloutTunnel ??= {
      clusterId: owner.cluster.clusterId,
      orgId: owner.cluster.orgId,
      fence: owner.fence,
      rollout: owner.rollout,
      protocolVersion: this.#protocolVersion,
      limits: this.#ctx.tuning.protocolLimits,
      isLive: () => this.#state === 'open' && owner.current,
      sendDesired: (frame) => this.#sendDesired(frame),
    };
    return this.#rolloutTunnel;
  }

  /** Starts an in-band credential rotation; resolves true once the new hash is stored. */
  rotateCredential(): Promise<boolean> {
    const owner = this.#owner;
    if (owner === undefined || this.#state !== 'open') return Promise.resolve(false);
    const started = owner.rotation.start(Date.now());
    if (started === undefined) return Promise.resolve(false);
    this.#send(started.frame);
    return started.done;
  }

  /** Deadlines and periodic work; `statusDue` collects tunnels whose last-seen should be written. */
  tick(now: number, statusDue: { clusterId: string; epoch: number }[]): void {
    const { tuning } = this.#ctx;
    if (this.#state === 'hello' || this.#state === 'authenticating') {
      if (now - this.#openedAt >= tuning.handshakeTimeoutMs) {
        this.close(CLOSE_REASONS.HANDSHAKE_TIMEOUT, 'no valid hello arrived in time');
      }
      return;
    }
    const owner = this.#owner;
    if (this.#state !== 'open' || owner === undefined) return;
    if (now - this.#lastHeardAt >= tuning.deadPeerTimeoutMs) {
      this.close(CLOSE_REASONS.HEARTBEAT_TIMEOUT, 'no frame and no pong within the dead-peer timeout');
      return;
    }
    if (now >= owner.nextBeatAt) {
      owner.nextBeatAt = now + tuning.heartbeatIntervalMs;
      this.#beat(owner, now);
    }
    if (now >= owner.nextStatusAt) {
      owner.nextStatusAt = now + tuning.statusWriteIntervalMs;
      statusDue.push({ clusterId: owner.cluster.clusterId, epoch: owner.epoch });
    }
    owner.rotation.expire(now);
    if (owner.rotation.isDue(now)) void this.rotateCredential();
  }

  #beat(owner: Ownership, now: number): void {
    try {
      this.#socket.ping();
      this.#send({ type: 'heartbeat', sentAtMs: now });
    } catch {
      return;
    }
    owner.lease = { ...owner.lease, lastSeenAt: this.#lastHeardAt };
    this.#ctx.leases.renew(owner.cluster.clusterId, owner.lease).then(
      (renewed) => {
        if (!renewed && owner.current) {
          owner.current = false;
          this.close(CLOSE_REASONS.SUPERSEDED, 'a newer connection of this cluster holds the lease');
        }
      },
      (error: unknown) =>
        this.#ctx.log.warn({ err: error, clusterId: owner.cluster.clusterId }, 'lease renewal failed'),
    );
  }

  #onFrame(data: RawData, isBinary: boolean): void {
    if (this.#state === 'closing' || this.#state === 'closed') return;
    const now = Date.now();
    this.#lastHeardAt = now;
    this.#ctx.metrics.framesIn.inc();
    if (!this.#budget.take(now)) {
      this.close(CLOSE_REASONS.RATE_LIMITED, 'too many messages', RATE_LIMITED_RETRY_AFTER_MS);
      return;
    }
    if (this.#state === 'authenticating') {
      this.#early ??= [];
      if (this.#early.length >= MAX_EARLY_FRAMES) {
        this.close(CLOSE_REASONS.UNEXPECTED_MESSAGE, 'too many frames before the welcome');
      } else {
        this.#early.push({ data, isBinary });
      }
      return;
    }
    this.#handleFrame(data, isBinary);
  }

  #handleFrame(data: RawData, isBinary: boolean): void {
    if (isBinary) {
      this.close(CLOSE_REASONS.MALFORMED_FRAME, 'binary frames are not part of the protocol');
      return;
    }
    const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as Buffer);
    const decoded = decodeMessage(bytes, this.#ctx.tuning.protocolLimits, 'agent');
    if (!decoded.ok) {
      this.close(decoded.reason, decoded.detail);
      return;
    }
    try {
      this.#dispatch(decoded.message);
    } catch (error) {
      this.#ctx.log.error({ err: error, clusterId: this.clusterId }, 'tunnel handler failed');
      this.close(CLOSE_REASONS.INTERNAL_ERROR, 'the gateway failed to handle a message');
    }
  }

  #dispatch(message: AgentMessage): void {
    if (this.#state === 'hello') {
      if (message.type !== 'hello') {
        this.close(CLOSE_REASONS.UNEXPECTED_MESSAGE, `expected hello, got ${message.type}`);
        return;
      }
      this.#state = 'authenticating';
      this.#socket.pause();
      void this.#accept(message);
      return;
    }
    const owner = this.#owner;
    if (owner === undefined) return;
    switch (message.type) {
      case 'hello':
        this.close(CLOSE_REASONS.UNEXPECTED_MESSAGE, 'hello was already received');
        return;
      case 'heartbeat':
        return;
      case 'inventory.snapshot':
      case 'inventory.delta':
        this.#inventory(owner).receive(message);
        return;
      case 'inventory.nodes':
        this.#nodes(owner, message.nodes);
        return;
      case 'credential.rotated':
        this.#rotated(owner, message);
        return;
      case 'credential.stored':
        this.#stored(owner);
        return;
      case 'response':
        owner.pending?.settle(message);
        return;
      case 'request':
        this.#send({
          type: 'response',
          id: message.id,
          ok: false,
          error: { code: 'method_not_found', message: `the gateway serves no method ${message.method}` },
        });
        return;
      case 'apply.result':
      case 'apply.result.chunk':
        this.#applyResult(owner, message);
        return;
      case 'flow.batch':
        this.#flows(owner).receive(message);
        return;
      case 'error':
        this.#ctx.log.info(
          { clusterId: owner.cluster.clusterId, code: message.code },
          'agent reported an error',
        );
        return;
      case 'close':
        this.#ctx.log.info(
          { clusterId: owner.cluster.clusterId, reason: message.reason },
          'agent is closing',
        );
        this.#closeReason = closeReasonByName(message.reason);
        this.#state = 'closing';
        this.#socket.close(1000, 'bye');
        this.#graceTimer = setTimeout(() => this.#socket.terminate(), this.#ctx.tuning.closeGraceMs);
        return;
    }
  }

  async #accept(hello: HelloMessage): Promise<void> {
    const ctx = this.#ctx;
    try {
      const negotiated = negotiateVersion(hello.protocol);
      if (!negotiated.ok) return this.close(negotiated.reason, negotiated.detail);
      // Over the cluster's connection limit, ownership is not taken, which rolls a token trade back.
      let clusterRetryAfterMs: number | null = null;
      const auth = await authenticate(ctx.db, hello.auth, async (authenticated) => {
        if (this.#state !== 'authenticating') return null;
        clusterRetryAfterMs = await ctx.limiter.admitCluster(authenticated.clusterId);
        if (clusterRetryAfterMs !== null || this.#state !== 'authenticating') return null;
        return takeOwnership(ctx, authenticated, hello, Date.now());
      });
      if (!auth.ok) {
        ctx.track(ctx.limiter.authenticationFailed(this.#ip));
        return this.close(auth.reason, auth.detail);
      }
      if (clusterRetryAfterMs !== null) {
        return this.close(
          CLOSE_REASONS.RATE_LIMITED,
          'this cluster connected too often; retry later',
          clusterRetryAfterMs,
        );
      }
      if (auth.owned === null) return;
      const { cluster } = auth;
      const { ownership: owner, previous } = auth.owned;
      this.#owner = owner;
      if (this.#state !== 'authenticating') {
        // Closed while the lease was being taken: #onClosed saw no owner, so release it here.
        if (this.#state === 'closed') ctx.track(this.#release(owner));
        return;
      }
      if (!ctx.registry.claim(this, cluster.clusterId)) {
        owner.current = false;
        return this.close(CLOSE_REASONS.SUPERSEDED, 'a newer connection of this cluster is already here');
      }
      if (previous !== undefined && previous.gatewayId !== ctx.gatewayId) {
        ctx.notifyTakeover(previous.gatewayId, cluster.clusterId, owner.epoch).catch((error: unknown) => {
          ctx.log.warn({ err: error, clusterId: cluster.clusterId }, 'takeover notice failed');
        });
      }
      this.#protocolVersion = negotiated.version;
      if (auth.issuedCredential !== null) this.#issuedHash = cluster.credentialHash;
      this.#send(welcomeMessage(ctx, negotiated.version, owner, auth.issuedCredential));
      this.#state = 'open';
      owner.opened = true;
      ctx.metrics.connects.inc({ stage: 'authenticated' });
      ctx.metrics.tunnelsOpen.inc();
      this.#replayEarlyFrames();
      this.#socket.resume();
      const connected = ctx.status.connected(owner.fence, hello.agentVersion, hello.cluster);
      // The release must not write "disconnected" before this "connected" has landed.
      owner.connectedWrite = connected.then(
        () => undefined,
        () => undefined,
      );
      const lastSeen = await connected;
      if (lastSeen !== undefined && owner.current) {
        await ctx.events.publish(cluster.orgId, cluster.clusterId, 'CONNECTED', lastSeen);
      }
      const tunnel = this.rolloutTunnel();
      if (tunnel !== undefined && this.#state === 'open') ctx.rollout.connected(tunnel);
    } catch (error) {
      ctx.log.error({ err: error }, 'accepting a tunnel failed');
      if (this.#state === 'authenticating') {
        this.close(
          CLOSE_REASONS.INTERNAL_ERROR,
          'the gateway could not accept the connection; retry later',
          INTERNAL_ERROR_RETRY_AFTER_MS,
        );
      }
    }
  }

  #replayEarlyFrames(): void {
    const early = this.#early;
    this.#early = undefined;
    for (const frame of early ?? []) {
      if (this.#state !== 'open') return;
      this.#handleFrame(frame.data, frame.isBinary);
    }
  }

  /** Node reports of this connection are written in arrival order; a failure is logged, not fatal. */
  #nodes(owner: Ownership, nodes: NodeInfo[]): void {
    const write = this.#nodeWrites.then(() => this.#ctx.nodes.replace(owner.fence, nodes));
    this.#nodeWrites = write.then(
      () => undefined,
      (error: unknown) =>
        this.#ctx.log.error({ err: error, clusterId: owner.cluster.clusterId }, 'node report failed'),
    );
    this.#ctx.track(this.#nodeWrites);
  }

  #inventory(owner: Ownership): InventoryStream {
    owner.inventory ??= new InventoryStream(
      this.#ctx.inventory,
      owner.fence,
      {
        resync: (reason: InventoryResyncReason) => this.#send({ type: 'inventory.resync', reason }),
        reportError: (message) => this.#send({ type: 'error', code: 'internal', message }),
        overflow: (detail) => this.close(CLOSE_REASONS.LIMIT_EXCEEDED, detail),
        logFailure: (error, what) =>
          this.#ctx.log.error({ err: error, clusterId: owner.cluster.clusterId }, `${what} failed`),
      },
      this.#ctx.tuning.maxStagedInventoryItems,
    );
    return owner.inventory;
  }

  /** Tenancy comes from the authenticated cluster; the batch's own content is never trusted for it. */
  #flows(owner: Ownership): FlowBatchStream {
    const { orgId, clusterId } = owner.cluster;
    owner.flows ??= new FlowBatchStream(
      this.#ctx.flows,
      { orgId, clusterId, agentInstance: owner.agentInstance },
      {
        ack: (sequence) => {
          if (this.#state === 'open') this.#send({ type: 'flow.ack', sequence });
        },
        reportRejected: (message) => {
          if (this.#state === 'open') this.#send({ type: 'error', code: 'bad_request', message });
        },
        close: (reason, detail, retryAfterMs) => this.close(reason, detail, retryAfterMs),
        logFailure: (error, what) => this.#ctx.log.error({ err: error, clusterId }, `${what} failed`),
      },
    );
    return owner.flows;
  }

  /**
   * Only a complete result reaches the rollout, so a report is stored exactly as a single
   * `apply.result` is; a broken stream closes the tunnel, and the agent reports again on its next
   * connection (it always does right after the welcome).
   */
  #applyResult(owner: Ownership, message: ApplyResultMessage | ApplyResultChunkMessage): void {
    this.#applyResults ??= new ApplyResultAssembler(this.#protocolVersion);
    const step = this.#applyResults.receive(message);
    const clusterId = owner.cluster.clusterId;
    switch (step.kind) {
      case 'complete': {
        if (step.dropped !== null) {
          this.#ctx.log.info(
            { clusterId, generation: step.generation, dropped: step.dropped },
            'an apply result replaces one half received',
          );
        }
        const tunnel = this.rolloutTunnel();
        if (tunnel !== undefined) this.#ctx.rollout.reported(tunnel, step.value);
        return;
      }
      case 'staged':
        return;
      case 'ignored':
        this.#ctx.log.debug({ clusterId, detail: step.detail }, 'ignoring an apply result chunk');
        return;
      case 'refused':
        this.close(step.reason, step.detail);
        return;
    }
  }

  /** The agent stored its enrollment's credential: the token is spent now (decision 0059). */
  #stored(owner: Ownership): void {
    const hash = this.#issuedHash;
    this.#issuedHash = null;
    const clusterId = owner.cluster.clusterId;
    if (hash === null) {
      this.#ctx.log.info({ clusterId }, 'unexpected credential.stored');
      return;
    }
    this.#ctx.track(
      confirmStored(this.#ctx.db, hash).then(
        (spent) => {
          if (spent)
            this.#ctx.log.info({ clusterId }, 'the agent stored its credential; enrollment token spent');
        },
        (error: unknown) =>
          this.#ctx.log.error({ err: error, clusterId }, 'spending the enrollment token failed'),
      ),
    );
  }

  #rotated(owner: Ownership, message: CredentialRotatedMessage): void {
    owner.rotation.answered(message, Date.now()).then(
      (matched) => {
        if (!matched)
          this.#ctx.log.info({ clusterId: owner.cluster.clusterId }, 'unexpected credential.rotated');
      },
      (error: unknown) =>
        this.#ctx.log.error(
          { err: error, clusterId: owner.cluster.clusterId },
          'storing a rotated credential failed',
        ),
    );
  }

  /**
   * Resolves once ws has written the frame to the socket, so a push of many frames keeps one in
   * memory at a time on a slow link; false when the tunnel closes first (or the frame is over the
   * limit, which the plan rules out, so it is logged as a bug).
   */
  #sendDesired(frame: DesiredStateFrame): Promise<boolean> {
    if (this.#state !== 'open' || this.#socket.readyState !== this.#socket.OPEN)
      return Promise.resolve(false);
    const text = encodeMessage(frame);
    if (utf8ByteLength(text) > this.#ctx.tuning.protocolLimits.maxFrameBytes) {
      this.#ctx.log.error(
        { clusterId: this.clusterId, generation: frame.generation, type: frame.type },
        'a desired-state frame exceeds the frame limit',
      );
      return Promise.resolve(false);
    }
    return new Promise<boolean>((resolve) => {
      const settle = (written: boolean): void => {
        if (this.#unwritten.delete(settle)) resolve(written);
      };
      this.#unwritten.add(settle);
      try {
        this.#socket.send(text, (error) => settle(error === undefined || error === null));
        this.#ctx.metrics.framesOut.inc();
      } catch {
        settle(false);
      }
    });
  }

  /** Throws when the frame exceeds the agent's limit or the socket is gone; callers decide what that means. */
  #send(message: GatewayMessage): void {
    const text = encodeMessage(message);
    if (utf8ByteLength(text) > this.#ctx.tuning.protocolLimits.maxFrameBytes) {
      throw new RangeError(`${message.type} exceeds the frame limit`);
    }
    if (this.#socket.readyState !== this.#socket.OPEN) return;
    this.#socket.send(text);
    this.#ctx.metrics.framesOut.inc();
  }

  #onClosed(): void {
    this.#state = 'closed';
    clearTimeout(this.#graceTimer);
    for (const settle of [...this.#unwritten]) settle(false);
    const ctx = this.#ctx;
    ctx.registry.remove(this);
    ctx.metrics.closes.inc({ reason: this.#closeReason?.name ?? 'peer_closed' });
    const owner = this.#owner;
    if (owner === undefined) return;
    if (owner.opened) ctx.metrics.tunnelsOpen.dec();
    owner.pending?.close(this.#closeReason?.name ?? 'the tunnel closed');
    owner.rotation.close();
    if (ctx.killed()) return;
    ctx.track(this.#release(owner));
  }

  async #release(owner: Ownership): Promise<void> {
    const ctx = this.#ctx;
    const { clusterId, orgId } = owner.cluster;
    try {
      await owner.inventory?.settled;
      await owner.flows?.settled;
      await owner.connectedWrite;
      if (!owner.current) return;
      const released = await ctx.leases.release(clusterId, owner.epoch);
      if (!released) return;
      const lastSeen = new Date(this.#lastHeardAt);
      await ctx.status.disconnected(owner.fence, lastSeen);
      await ctx.events.publish(orgId, clusterId, 'DISCONNECTED', lastSeen);
    } catch (error) {
      ctx.log.warn({ err: error, clusterId }, 'releasing a tunnel failed');
    }
  }
}
