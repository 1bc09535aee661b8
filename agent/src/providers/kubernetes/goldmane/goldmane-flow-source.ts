// The kubernetes provider's flow source: one long-lived `goldmane.Flows/Stream` call over mTLS,
// restarted after any failure or end with the agent's backoff, each Goldmane flow mapped to a flow
// record and handed to `deliver`. Goldmane sends every 15 s bucket once, about 30 s after it began;
// a restarted stream resumes from the newest bucket received and what it resends is dropped
// (resume-cursor.ts), so a reconnect neither loses nor double-counts a bucket Goldmane still holds.
//
// It never throws and never stops by itself: a missing Goldmane, bad TLS material or a refused
// handshake become `problem()` (shown with the cluster's other problems) and a log line naming the
// cause, and the next attempt follows. Flows that cannot be mapped are counted and skipped.

import * as grpc from '@grpc/grpc-js';
import type { KubeConfig } from '@kubernetes/client-node';
import { FLOW_BUCKET_SECONDS, type FlowRecord } from '@palisade/flows';
import {
  GOLDMANE_KEEPALIVE_MS,
  GOLDMANE_KEEPALIVE_TIMEOUT_MS,
  GOLDMANE_MAX_BACKFILL_SECONDS,
  GOLDMANE_MAX_MESSAGE_BYTES,
  GOLDMANE_MAX_RESUME_KEYS,
  GOLDMANE_REJECT_LOG_INTERVAL_MS,
  GOLDMANE_RETRY_INITIAL_MS,
  GOLDMANE_RETRY_MAX_MS,
} from '../../../limits.js';
import type { Logger } from '../../../log.js';
import { Backoff } from '../../../tunnel/backoff.js';
import { FlowMappingError } from './flow-mapping-error.js';
import type { GoldmaneConfig } from './goldmane-config.js';
import { createFlowsClient, type GoldmaneFlowResult, type GoldmaneFlowsClient } from './goldmane-api.js';
import { describePemSource, readGoldmaneTls, type GoldmaneTlsMaterial } from './goldmane-tls.js';
import { mapFlow } from './map-flow.js';
import { safeInteger } from './map-values.js';
import { ResumeCursor } from './resume-cursor.js';
import { probeTls, REFUSED_AFTER_HANDSHAKE } from './tls-probe.js';

export interface GoldmaneFlowSourceOptions {
  readonly config: GoldmaneConfig;
  /** For ConfigMap and Secret TLS sources. */
  readonly kube: KubeConfig | null;
  /**
   * Receives the records of the messages that arrived together (one I/O turn), in order; handed
   * over, not lent (Provider.onFlows).
   */
  readonly deliver: (records: FlowRecord[]) => void;
  readonly log: Logger;
  /** Faster retries for tests. */
  readonly retry?: { initialMs?: number; maxMs?: number };
  /** Unix seconds; injected by tests. */
  readonly now?: () => number;
}

export type GoldmaneStatus = 'idle' | 'connecting' | 'streaming' | 'backoff' | 'stopped';

export interface GoldmaneStats {
  /** FlowResults received. */
  readonly received: number;
  readonly delivered: number;
  /** Resent by a resumed stream and dropped. */
  readonly duplicates: number;
  /** Could not be mapped (counted by reason in the log). */
  readonly rejected: number;
  /** Streams started, the first included. */
  readonly streams: number;
}

export class GoldmaneFlowSource {
  readonly #options: GoldmaneFlowSourceOptions;
  readonly #log: Logger;
  readonly #backoff: Backoff;
  readonly #cursor = new ResumeCursor({
    maxKeys: GOLDMANE_MAX_RESUME_KEYS,
    maxBackfillSeconds: GOLDMANE_MAX_BACKFILL_SECONDS,
  });
  readonly #now: () => number;
  #status: GoldmaneStatus = 'idle';
  #problem: string | null = null;
  #stats = { received: 0, delivered: 0, duplicates: 0, rejected: 0, streams: 0 };
  #client: GoldmaneFlowsClient | null = null;
  #call: grpc.ClientReadableStream<GoldmaneFlowResult> | null = null;
  #wake: (() => void) | null = null;
  #loop: Promise<void> | null = null;
  #lastRejectLog = Number.NEGATIVE_INFINITY;
  /** Whether the overflow of the current bucket was logged (once per bucket). */
  #overflowWarned = false;
  /** Mapped records not yet delivered (at most one I/O turn's worth). */
  #pending: FlowRecord[] = [];

  constructor(options: GoldmaneFlowSourceOptions) {
    this.#options = options;
    this.#log = options.log.child({ component: 'goldmane', address: options.config.address });
    this.#backoff = new Backoff({
      initialMs: options.retry?.initialMs ?? GOLDMANE_RETRY_INITIAL_MS,
      maxMs: options.retry?.maxMs ?? GOLDMANE_RETRY_MAX_MS,
    });
    this.#now = options.now ?? (() => Math.floor(Date.now() / 1000));
  }

  /** Starts streaming in the background; idempotent. */
  start(): void {
    if (this.#loop !== null || this.#status === 'stopped') return;
    this.#loop = this.#run();
  }

  async stop(): Promise<void> {
    if (this.#status === 'stopped') return;
    this.#setStatus('stopped');
    this.#call?.cancel();
    this.#wake?.();
    await this.#loop;
    this.#client?.close();
    this.#client = null;
    this.#flush();
  }

  status(): GoldmaneStatus {
    return this.#status;
  }

  /** What keeps flows from arriving right now; null while streaming or before the first attempt. */
  problem(): string | null {
    return this.#problem;
  }

  stats(): GoldmaneStats {
    return { ...this.#stats };
  }

  async #run(): Promise<void> {
    while (this.#status !== 'stopped') {
      this.#setStatus('connecting');
      const failure = await this.#attempt();
      if (this.#stopped()) return;
      this.#problem = failure;
      const delay = this.#backoff.next();
      this.#log.warn({ problem: failure, retryInMs: delay }, 'goldmane flow stream down; retrying');
      this.#setStatus('backoff');
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, delay);
        this.#wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.#wake = null;
    }
  }

  /** One stream, from connecting to its end; resolves with why it ended. */
  async #attempt(): Promise<string> {
    let material: GoldmaneTlsMaterial;
    try {
      material = await readGoldmaneTls(this.#options.config.tls, this.#options.kube);
    } catch (error) {
      return `cannot read Goldmane's TLS material: ${error instanceof Error ? error.message : String(error)}`;
    }
    if (this.#stopped()) return 'stopped';
    // A new channel per attempt: it carries the TLS material just read.
    this.#client?.close();
    const client = createFlowsClient(
      this.#options.config.address,
      grpc.credentials.createSsl(material.ca, material.key, material.cert),
      this.#channelOptions(),
    );
    this.#client = client;
    const startTimeGte = this.#cursor.startTimeGte(this.#now());
    this.#stats.streams += 1;
    this.#log.info({ startTimeGte }, 'opening goldmane flow stream');
    const call = client.Stream({ start_time_gte: startTimeGte, aggregation_interval: FLOW_BUCKET_SECONDS });
    this.#call = call;
    const ended = await new Promise<{ status: grpc.StatusObject; error: grpc.ServiceError | null }>(
      (resolve) => {
        let error: grpc.ServiceError | null = null;
        call.on('metadata', () => this.#streaming());
        call.on('data', (result: GoldmaneFlowResult) => {
          this.#streaming();
          this.#receive(result);
        });
        call.on('error', (e: grpc.ServiceError) => {
          error = e;
        });
        call.on('status', (status: grpc.StatusObject) => {
          this.#call = null;
          resolve({ status, error });
        });
      },
    );
    return this.#describeEnd(ended.status, ended.error, material);
  }

  #streaming(): void {
    if (this.#status !== 'connecting') return;
    this.#problem = null;
    this.#backoff.reset();
    this.#setStatus('streaming');
    this.#log.info('goldmane flow stream open');
  }

  #receive(result: GoldmaneFlowResult): void {
    this.#stats.received += 1;
    const flow = result.flow;
    if (flow === null) {
      this.#reject(new FlowMappingError('flow', 'is missing'));
      return;
    }
    let record: FlowRecord;
    try {
      // Admitted before mapping: a resent flow is a duplicate, whether or not it maps.
      const admission = this.#cursor.admit(safeInteger(flow.start_time, 'start_time', 1), flow.Key);
      if (admission !== 'new') {
        this.#stats.duplicates += 1;
        return;
      }
      record = mapFlow(flow, this.#now());
    } catch (error) {
      if (error instanceof FlowMappingError) this.#reject(error);
      else throw error;
      return;
    }
    if (this.#cursor.overflowed() !== this.#overflowWarned) {
      this.#overflowWarned = this.#cursor.overflowed();
      if (this.#overflowWarned) {
        this.#log.warn(
          { maxKeys: GOLDMANE_MAX_RESUME_KEYS },
          'a goldmane bucket has more flows than the resume cursor remembers: a reconnect now skips its rest',
        );
      }
    }
    this.#stats.delivered += 1;
    this.#pending.push(record);
    // One delivery per I/O turn: gRPC hands over a bucket's messages in bursts.
    if (this.#pending.length === 1) setImmediate(() => this.#flush());
  }

  #flush(): void {
    if (this.#pending.length === 0) return;
    const records = this.#pending;
    this.#pending = [];
    this.#options.deliver(records);
  }

  #reject(error: FlowMappingError): void {
    this.#stats.rejected += 1;
    const now = Date.now();
    if (now - this.#lastRejectLog < GOLDMANE_REJECT_LOG_INTERVAL_MS) return;
    this.#lastRejectLog = now;
    this.#log.warn(
      { field: error.field, reason: error.reason, rejectedTotal: this.#stats.rejected },
      'skipped a goldmane flow that Palisade cannot represent',
    );
  }

  async #describeEnd(
    status: grpc.StatusObject,
    error: grpc.ServiceError | null,
    material: GoldmaneTlsMaterial,
  ): Promise<string> {
    const { address, serverName, tls } = this.#options.config;
    if (status.code === grpc.status.OK) return `Goldmane at ${address} ended the flow stream`;
    let details = error?.details ?? status.details;
    if (status.code === grpc.status.UNAVAILABLE && !isTlsFailure(details) && !NOT_REACHED.test(details)) {
      // Connected, then dropped: ask TLS itself (a refused client certificate looks like this).
      const tlsError = this.#stopped() ? null : await probeTls(address, material, serverName);
      if (tlsError === REFUSED_AFTER_HANDSHAKE || (tlsError !== null && isTlsFailure(tlsError))) {
        details = tlsError;
      }
    }
    if (details === REFUSED_AFTER_HANDSHAKE || isTlsFailure(details)) {
      return (
        `TLS handshake with Goldmane at ${address} failed (${details}): check that the CA ` +
        `(${describePemSource(tls.ca)}) signed Goldmane's certificate and that Goldmane trusts the ` +
        `client certificate (${describePemSource(tls.cert)})`
      );
    }
    const failure = `Goldmane at ${address}: ${grpc.status[status.code] ?? status.code}: ${details}`;
    return /ENOTFOUND|EAI_AGAIN|Name resolution/.test(details)
      ? `${failure} (Calico ≥ 3.30 installed by the Tigera operator runs Goldmane there; set ` +
          `PALISADE_GOLDMANE_ADDRESS to where it runs, or to off to collect no flows)`
      : failure;
  }

  #channelOptions(): grpc.ChannelOptions {
    const { serverName } = this.#options.config;
    return {
      'grpc.keepalive_time_ms': GOLDMANE_KEEPALIVE_MS,
      'grpc.keepalive_timeout_ms': GOLDMANE_KEEPALIVE_TIMEOUT_MS,
      'grpc.max_receive_message_length': GOLDMANE_MAX_MESSAGE_BYTES,
      // Reconnecting is this class's job, with its own backoff and a fresh channel: no retries and
      // no subchannel shared (with its own backoff state) with the previous attempt's channel.
      'grpc.enable_retries': 0,
      'grpc.use_local_subchannel_pool': 1,
      ...(serverName === null
        ? {}
        : { 'grpc.ssl_target_name_override': serverName, 'grpc.default_authority': serverName }),
    };
  }

  /** A method, not an inline comparison: the status changes across awaits, which narrowing ignores. */
  #stopped(): boolean {
    return this.#status === 'stopped';
  }

  #setStatus(status: GoldmaneStatus): void {
    if (this.#status === status || this.#status === 'stopped') return;
    this.#status = status;
  }
}

/** Failures before any TLS: nothing listening, no such host. */
const NOT_REACHED = /ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|ETIMEDOUT|Name resolution/;

function isTlsFailure(details: string): boolean {
  return /certificate|self[- ]signed|\bssl\b|\btls\b|handshake|alert|altname|verify/i.test(details);
}
