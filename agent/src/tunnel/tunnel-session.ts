// One connection to the gateway, from dial to close: the hello, the welcome (and persisting a newly
// issued credential before anything else happens on the session), heartbeats both ways, the
// dead-peer check, in-band credential rotation and the close handshake. Everything else is handed to
// the router the agent attaches once the session is established. Frames are handled one at a time,
// in order, so nothing overtakes a credential being persisted. It never listens: the agent always
// dials out.

import {
  CLOSE_REASONS,
  DEFAULT_LIMITS,
  SUPPORTED_VERSIONS,
  closeFrame,
  closeReasonByCode,
  closeReasonByName,
  decodeMessage,
  encodeMessage,
  isInVersion,
  utf8ByteLength,
  type AgentMessage,
  type CloseReason,
  type GatewayMessage,
  type HelloMessage,
  type ProtocolLimits,
  type WelcomeMessage,
} from '@palisade/protocol';
import { WebSocket, type RawData } from 'ws';
import { CLOSE_GRACE_MS } from '../limits.js';
import type { Logger } from '../log.js';

export interface EstablishedSession {
  readonly welcome: WelcomeMessage;
  /** DEFAULT_LIMITS with the gateway's advertised limits applied. */
  readonly limits: ProtocolLimits;
  /** False when the socket is gone or the message is over the frame limit (which is logged). */
  readonly send: (message: AgentMessage) => boolean;
}

/** Receives what the session does not handle itself: requests, responses, resyncs, desired state, acks. */
export interface SessionRouter {
  handle(message: GatewayMessage): void;
  detach(): void;
}

export interface TunnelSessionOptions {
  readonly url: string;
  readonly hello: HelloMessage;
  readonly log: Logger;
  readonly dialTimeoutMs: number;
  readonly welcomeTimeoutMs: number;
  /** Makes a credential issued in `welcome` durable; the session waits for it before anything else. */
  /** Stores a credential issued in `welcome`; true once it is durably stored. */
  readonly persistIssued: (credential: string, welcome: WelcomeMessage) => Promise<boolean>;
  /** Makes a rotated credential durable; a rejection is reported to the gateway as `persisted: false`. */
  readonly persistRotated: (credential: string) => Promise<void>;
  readonly establish: (session: EstablishedSession) => SessionRouter;
  /** Called once the welcome has been handled, before any other frame is. */
  readonly onEstablished?: (welcome: WelcomeMessage) => void;
}

export interface SessionEnd {
  /** The WebSocket close code; 1006 when the connection was lost or never made. */
  readonly code: number;
  /**
   * The reason from the gateway's `close` message or close code, or the agent's own; undefined for
   * transport failures.
   */
  readonly reason: CloseReason | undefined;
  readonly detail: string;
  readonly retryAfterMs: number | null;
  /** How long the session was established (welcomed); null when it never was. */
  readonly establishedForMs: number | null;
  readonly closedByAgent: boolean;
}

export class TunnelSession {
  readonly #options: TunnelSessionOptions;
  readonly #log: Logger;
  #socket: WebSocket | undefined;
  #router: SessionRouter | undefined;
  #welcome: WelcomeMessage | undefined;
  #establishedAt: number | null = null;
  #lastSeen = Date.now();
  #queue: Promise<void> = Promise.resolve();
  #timers: NodeJS.Timeout[] = [];
  #fromGateway: { reason: CloseReason | undefined; message: string; retryAfterMs: number | null } | undefined;
  #ownClose: { reason: CloseReason; detail: string } | undefined;
  #transportError = '';
  #finish: ((end: SessionEnd) => void) | undefined;

  constructor(options: TunnelSessionOptions) {
    this.#options = options;
    this.#log = options.log;
  }

  /** Dials and runs the session; resolves when it has ended, never rejects. */
  run(): Promise<SessionEnd> {
    return new Promise<SessionEnd>((resolve) => {
      this.#finish = resolve;
      let socket: WebSocket;
      try {
        socket = new WebSocket(this.#options.url, {
          handshakeTimeout: this.#options.dialTimeoutMs,
          maxPayload: DEFAULT_LIMITS.maxFrameBytes,
          perMessageDeflate: false,
        });
      } catch (error) {
        this.#transportError = describe(error);
        this.#end(1006);
        return;
      }
      this.#socket = socket;
      socket.on('open', () => this.#opened());
      socket.on('message', (data: RawData, isBinary: boolean) => this.#received(data, isBinary));
      socket.on('ping', () => this.#alive());
      socket.on('pong', () => this.#alive());
      socket.on('error', (error) => {
        this.#transportError = describe(error);
      });
      socket.on('close', (code) => this.#end(code));
    });
  }

  /** Ends the session from the agent's side with `reason`; the gateway is told why first. */
  close(reason: CloseReason, detail = ''): void {
    const socket = this.#socket;
    if (this.#ownClose !== undefined) return;
    this.#ownClose = { reason, detail };
    if (socket === undefined) return;
    if (socket.readyState === WebSocket.CONNECTING) {
      socket.terminate();
      return;
    }
    if (socket.readyState !== WebSocket.OPEN) return;
    this.#sendRaw({
      type: 'close',
      reason: reason.name,
      message: detail || reason.message,
      retryAfterMs: null,
    });
    const { code, reason: text } = closeFrame(reason, detail || undefined);
    socket.close(code, text);
    this.#later(() => socket.terminate(), CLOSE_GRACE_MS);
  }

  #opened(): void {
    this.#alive();
    this.#sendRaw(this.#options.hello);
    this.#later(() => {
      if (this.#welcome === undefined)
        this.close(CLOSE_REASONS.HANDSHAKE_TIMEOUT, 'no welcome from the gateway');
    }, this.#options.welcomeTimeoutMs);
  }

  #received(data: RawData, isBinary: boolean): void {
    this.#alive();
    const bytes = Buffer.isBuffer(data)
      ? data
      : Array.isArray(data)
        ? Buffer.concat(data)
        : Buffer.from(data);
    const decoded = decodeMessage(
      isBinary ? new Uint8Array(bytes) : bytes.toString('utf8'),
      DEFAULT_LIMITS,
      'gateway',
    );
    if (!decoded.ok) {
      this.#log.warn(
        { reason: decoded.reason.name, detail: decoded.detail },
        'refusing a frame from the gateway',
      );
      this.close(decoded.reason, decoded.detail);
      return;
    }
    const message = decoded.message;
    this.#queue = this.#queue
      .then(() => this.#handle(message))
      .catch((error: unknown) => {
        this.#log.error({ err: describe(error), type: message.type }, 'handling a gateway message failed');
        this.close(CLOSE_REASONS.INTERNAL_ERROR, `handling ${message.type} failed`);
      });
  }

  async #handle(message: GatewayMessage): Promise<void> {
    if (this.#ownClose !== undefined) return;
    if (message.type === 'close') {
      this.#fromGateway = {
        reason: closeReasonByName(message.reason),
        message: message.message,
        retryAfterMs: message.retryAfterMs,
      };
      return;
    }
    if (message.type === 'error') {
      this.#log.warn({ code: message.code, detail: message.message }, 'the gateway reported an error');
      return;
    }
    if (message.type === 'heartbeat') return;
    if (this.#welcome === undefined) {
      if (message.type !== 'welcome') {
        this.close(CLOSE_REASONS.UNEXPECTED_MESSAGE, `${message.type} before welcome`);
        return;
      }
      await this.#welcomed(message);
      return;
    }
    switch (message.type) {
      case 'welcome':
        this.close(CLOSE_REASONS.UNEXPECTED_MESSAGE, 'a second welcome');
        return;
      case 'credential.rotate':
        await this.#rotate(message.rotationId, message.credential);
        return;
      default:
        this.#router?.handle(message);
    }
  }

  async #welcomed(welcome: WelcomeMessage): Promise<void> {
    if (
      welcome.protocolVersion < SUPPORTED_VERSIONS.min ||
      welcome.protocolVersion > SUPPORTED_VERSIONS.max
    ) {
      this.close(
        CLOSE_REASONS.UNSUPPORTED_VERSION,
        `the gateway chose version ${String(welcome.protocolVersion)}`,
      );
      return;
    }
    const stored =
      welcome.credential !== null && (await this.#options.persistIssued(welcome.credential, welcome));
    if (this.#ownClose !== undefined || this.#socket?.readyState !== WebSocket.OPEN) return;
    this.#welcome = welcome;
    this.#establishedAt = Date.now();
    // Tells the gateway to spend the enrollment token now (decision 0059); a credential kept in
    // memory only is not confirmed, so a restart can still enroll with the token.
    if (stored && isInVersion('credential.stored', welcome.protocolVersion))
      this.#sendRaw({ type: 'credential.stored' });
    const limits: ProtocolLimits = { ...DEFAULT_LIMITS, ...welcome.limits };
    this.#every(
      () => this.#sendRaw({ type: 'heartbeat', sentAtMs: Date.now() }),
      welcome.heartbeatIntervalMs,
    );
    this.#every(
      () => {
        if (Date.now() - this.#lastSeen > welcome.deadPeerTimeoutMs) {
          this.#log.warn({ silentForMs: Date.now() - this.#lastSeen }, 'the gateway went silent');
          this.close(
            CLOSE_REASONS.HEARTBEAT_TIMEOUT,
            'no frame from the gateway within the dead-peer timeout',
          );
          this.#socket?.terminate();
        }
      },
      Math.max(100, Math.floor(welcome.deadPeerTimeoutMs / 10)),
    );
    this.#options.onEstablished?.(welcome);
    this.#router = this.#options.establish({
      welcome,
      limits,
      send: (message) => this.#send(message, limits),
    });
  }

  async #rotate(rotationId: string, credential: string): Promise<void> {
    try {
      await this.#options.persistRotated(credential);
      this.#sendRaw({ type: 'credential.rotated', rotationId, persisted: true, message: null });
      this.#log.info({ rotationId }, 'cluster credential rotated');
    } catch (error) {
      this.#log.error(
        { rotationId, err: describe(error) },
        'could not persist the rotated credential; keeping the old one',
      );
      this.#sendRaw({
        type: 'credential.rotated',
        rotationId,
        persisted: false,
        message: `persisting failed: ${describe(error)}`.slice(0, 1_000),
      });
    }
  }

  #send(message: AgentMessage, limits: ProtocolLimits): boolean {
    const frame = encodeMessage(message);
    if (utf8ByteLength(frame) > limits.maxFrameBytes) {
      this.#log.error(
        { type: message.type, limit: limits.maxFrameBytes },
        'not sending a message over the frame limit',
      );
      return false;
    }
    return this.#sendFrame(frame);
  }

  #sendRaw(message: AgentMessage): boolean {
    return this.#sendFrame(encodeMessage(message));
  }

  #sendFrame(frame: string): boolean {
    const socket = this.#socket;
    if (socket?.readyState !== WebSocket.OPEN) return false;
    socket.send(frame);
    return true;
  }

  #alive(): void {
    this.#lastSeen = Date.now();
  }

  #later(callback: () => void, ms: number): void {
    const timer = setTimeout(callback, ms);
    timer.unref();
    this.#timers.push(timer);
  }

  #every(callback: () => void, ms: number): void {
    const timer = setInterval(callback, ms);
    timer.unref();
    this.#timers.push(timer);
  }

  #end(code: number): void {
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers = [];
    this.#router?.detach();
    this.#router = undefined;
    const finish = this.#finish;
    this.#finish = undefined;
    if (finish === undefined) return;
    const own = this.#ownClose;
    const gateway = this.#fromGateway;
    const reason = own?.reason ?? gateway?.reason ?? closeReasonByCode(code);
    const detail =
      own?.detail || gateway?.message || this.#transportError || `closed with code ${String(code)}`;
    finish({
      code,
      reason,
      detail,
      retryAfterMs: own === undefined ? (gateway?.retryAfterMs ?? null) : null,
      establishedForMs: this.#establishedAt === null ? null : Date.now() - this.#establishedAt,
      closedByAgent: own !== undefined,
    });
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
