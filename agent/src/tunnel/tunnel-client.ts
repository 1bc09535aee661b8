// Keeps the agent connected: dials, runs a session, and when it ends decides by its reason whether
// and when to dial again (reconnect-policy.ts, decision 0007): jittered exponential backoff, reset
// once a session has been stable; a short random spread after a gateway restart; a clean stop, with
// one clear log line, when reconnecting cannot help (revoked credential, refused token, version).
// It owns which credential the next hello presents, and persisting the ones the gateway issues.

import { CLOSE_REASONS, type CloseReason, type ClusterFacts, type WelcomeMessage } from '@palisade/protocol';
import { chooseAuth, tokenSha256 } from '../credentials/choose-auth.js';
import type { CredentialStore, StoredCredential } from '../credentials/credential-store.js';
import {
  CREDENTIAL_PERSIST_ATTEMPTS,
  CREDENTIAL_PERSIST_RETRY_MS,
  DIAL_TIMEOUT_MS,
  IMMEDIATE_RECONNECT_JITTER_MS,
  STABLE_CONNECTION_MS,
  WELCOME_TIMEOUT_MS,
} from '../limits.js';
import type { Logger } from '../log.js';
import { Backoff, type BackoffOptions } from './backoff.js';
import { buildHello } from './hello.js';
import { decideReconnect } from './reconnect-policy.js';
import {
  TunnelSession,
  type EstablishedSession,
  type SessionEnd,
  type SessionRouter,
} from './tunnel-session.js';

export type TunnelStatus = 'connecting' | 'connected' | 'backoff' | 'stopped';

export interface StopReason {
  /** A close reason name, or `no_credential` / `closed` for stops the gateway did not cause. */
  readonly reason: string;
  readonly message: string;
}

export interface TunnelTimings {
  readonly dialTimeoutMs: number;
  readonly welcomeTimeoutMs: number;
  readonly stableConnectionMs: number;
  readonly immediateJitterMs: number;
  readonly backoff: BackoffOptions;
}

export interface TunnelClientOptions {
  readonly url: string;
  readonly credentials: CredentialStore;
  /** What the store held at start (loaded by the caller, so a broken store fails the start). */
  readonly stored: StoredCredential | null;
  readonly enrollmentToken: string | null;
  readonly agentVersion: string;
  readonly instanceId: string;
  readonly facts: () => ClusterFacts;
  readonly log: Logger;
  readonly establish: (session: EstablishedSession) => SessionRouter;
  readonly timings?: Partial<TunnelTimings>;
}

const STOP_HINTS: Partial<Record<CloseReason['name'], string>> = {
  credential_revoked:
    'the cluster was deleted or its credential revoked; register it again and start the agent with the new enrollment token',
  unauthenticated:
    'the gateway does not know this credential or token; register the cluster again and start the agent with the new enrollment token',
  token_expired:
    'the enrollment token expired or was already used; register the cluster again for a new token',
  unsupported_version: 'upgrade the agent',
};

export class TunnelClient {
  readonly #options: TunnelClientOptions;
  readonly #log: Logger;
  readonly #backoff: Backoff;
  readonly #timings: Omit<TunnelTimings, 'backoff'>;
  #stored: StoredCredential | null;
  /** The enrollment token may be used until a session built on it was welcomed (or it was refused). */
  #tokenSpent = false;
  #status: TunnelStatus = 'connecting';
  #stopReason: StopReason | null = null;
  #clusterId: string | null;
  #session: TunnelSession | undefined;
  #sleep: { timer: NodeJS.Timeout; wake: () => void } | undefined;
  #closing = false;
  #loop: Promise<void> = Promise.resolve();
  readonly #statusListeners = new Set<(status: TunnelStatus) => void>();

  constructor(options: TunnelClientOptions) {
    this.#options = options;
    this.#log = options.log;
    this.#stored = options.stored;
    this.#clusterId = options.stored?.clusterId ?? null;
    this.#backoff = new Backoff(options.timings?.backoff);
    this.#timings = {
      dialTimeoutMs: options.timings?.dialTimeoutMs ?? DIAL_TIMEOUT_MS,
      welcomeTimeoutMs: options.timings?.welcomeTimeoutMs ?? WELCOME_TIMEOUT_MS,
      stableConnectionMs: options.timings?.stableConnectionMs ?? STABLE_CONNECTION_MS,
      immediateJitterMs: options.timings?.immediateJitterMs ?? IMMEDIATE_RECONNECT_JITTER_MS,
    };
  }

  start(): void {
    this.#loop = this.#run().catch((error: unknown) => {
      this.#log.fatal(
        { err: error instanceof Error ? error.message : String(error) },
        'the tunnel loop failed',
      );
      this.#stop({ reason: 'internal_error', message: 'the tunnel loop failed' });
    });
  }

  status(): TunnelStatus {
    return this.#status;
  }

  stopReason(): StopReason | null {
    return this.#stopReason;
  }

  clusterId(): string | null {
    return this.#clusterId;
  }

  onStatus(listener: (status: TunnelStatus) => void): () => void {
    this.#statusListeners.add(listener);
    return () => this.#statusListeners.delete(listener);
  }

  /** Closes the session with `agent_shutting_down` and stops reconnecting. */
  async close(): Promise<void> {
    this.#closing = true;
    this.#session?.close(CLOSE_REASONS.AGENT_SHUTTING_DOWN);
    if (this.#sleep !== undefined) {
      clearTimeout(this.#sleep.timer);
      this.#sleep.wake();
    }
    await this.#loop;
    if (this.#status !== 'stopped') this.#stop({ reason: 'closed', message: 'the agent was shut down' });
  }

  async #run(): Promise<void> {
    let preferCredential = false;
    while (!this.#closing) {
      const token = this.#tokenSpent ? null : this.#options.enrollmentToken;
      const auth =
        preferCredential && this.#stored
          ? { kind: 'credential' as const, credential: this.#stored.credential }
          : chooseAuth(this.#stored, token);
      preferCredential = false;
      if (auth === null) {
        this.#log.error(
          'no cluster credential is stored and no enrollment token was given; the agent cannot connect',
        );
        this.#stop({ reason: 'no_credential', message: 'no stored credential and no enrollment token' });
        return;
      }
      this.#setStatus('connecting');
      const session = new TunnelSession({
        url: this.#options.url,
        hello: buildHello({
          agentVersion: this.#options.agentVersion,
          instanceId: this.#options.instanceId,
          auth,
          facts: this.#options.facts(),
        }),
        log: this.#log,
        dialTimeoutMs: this.#timings.dialTimeoutMs,
        welcomeTimeoutMs: this.#timings.welcomeTimeoutMs,
        persistIssued: (credential, welcome) => this.#persistIssued(credential, welcome),
        persistRotated: (credential) => this.#persistRotated(credential),
        establish: (established) => this.#options.establish(established),
        onEstablished: (welcome) => {
          this.#clusterId = welcome.clusterId;
          if (auth.kind === 'enrollment') this.#tokenSpent = true;
          this.#setStatus('connected');
          this.#log.info(
            { clusterId: welcome.clusterId, sessionId: welcome.sessionId, auth: auth.kind },
            'connected to the gateway',
          );
        },
      });
      this.#session = session;
      const end = await session.run();
      this.#session = undefined;
      if (this.#closing) return;
      this.#logEnd(end);
      if (end.establishedForMs !== null && end.establishedForMs >= this.#timings.stableConnectionMs)
        this.#backoff.reset();
      const decision = decideReconnect({
        reason: end.reason,
        retryAfterMs: end.retryAfterMs,
        usedEnrollmentToken: auth.kind === 'enrollment',
        hasCredential: this.#stored !== null,
      });
      if (decision.action === 'stop') {
        const reason = end.reason?.name ?? 'unknown';
        const hint = end.reason ? STOP_HINTS[end.reason.name] : undefined;
        this.#log.error(
          { reason, detail: end.detail },
          `the gateway refused this agent (${reason}: ${end.detail}); not reconnecting${hint ? ` — ${hint}` : ''}`,
        );
        this.#stop({ reason, message: end.detail });
        return;
      }
      if (decision.useCredential) {
        this.#tokenSpent = true;
        preferCredential = true;
        this.#log.warn(
          { reason: end.reason?.name },
          'the enrollment token was refused; trying the stored credential',
        );
      }
      const delay = Math.max(
        decision.floorMs,
        decision.delay === 'spread'
          ? Math.floor(Math.random() * this.#timings.immediateJitterMs)
          : decision.delay === 'longest'
            ? this.#backoff.longest()
            : this.#backoff.next(),
      );
      if (decision.delay === 'longest') {
        this.#log.warn(
          { delayMs: delay },
          'another connection of this cluster took over; stepping back before retrying',
        );
      }
      this.#setStatus('backoff');
      await this.#wait(delay);
    }
  }

  async #persistIssued(credential: string, welcome: WelcomeMessage): Promise<boolean> {
    const token = this.#options.enrollmentToken;
    const record: StoredCredential = {
      credential,
      clusterId: welcome.clusterId,
      enrollmentTokenSha256: token === null ? null : tokenSha256(token),
    };
    // In memory first: even if the store fails, this process can reconnect with what it was given.
    this.#stored = record;
    this.#clusterId = welcome.clusterId;
    for (let attempt = 1; ; attempt++) {
      try {
        await this.#options.credentials.save(record);
        this.#log.info(
          { store: this.#options.credentials.description, clusterId: welcome.clusterId },
          'enrolled; cluster credential stored',
        );
        return true;
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        if (attempt >= CREDENTIAL_PERSIST_ATTEMPTS) {
          this.#log.error(
            { store: this.#options.credentials.description, err: message },
            'enrolled, but the credential could not be stored; it is kept in memory only, and a restart will need a new enrollment token',
          );
          return false;
        }
        await new Promise((resolve) => setTimeout(resolve, CREDENTIAL_PERSIST_RETRY_MS * attempt));
      }
    }
  }

  async #persistRotated(credential: string): Promise<void> {
    const record: StoredCredential = {
      credential,
      clusterId: this.#clusterId,
      enrollmentTokenSha256: this.#stored?.enrollmentTokenSha256 ?? null,
    };
    await this.#options.credentials.save(record);
    this.#stored = record;
  }

  #logEnd(end: SessionEnd): void {
    this.#log.info(
      {
        code: end.code,
        reason: end.reason?.name ?? null,
        detail: end.detail,
        byAgent: end.closedByAgent,
        establishedForMs: end.establishedForMs,
      },
      'tunnel closed',
    );
  }

  #wait(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const wake = (): void => {
        this.#sleep = undefined;
        resolve();
      };
      this.#sleep = { timer: setTimeout(wake, ms), wake };
    });
  }

  #setStatus(status: TunnelStatus): void {
    if (this.#status === status || this.#status === 'stopped') return;
    this.#status = status;
    for (const listener of this.#statusListeners) listener(status);
  }

  #stop(reason: StopReason): void {
    this.#stopReason = reason;
    this.#setStatus('stopped');
  }
}
