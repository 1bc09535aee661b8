// Moves flows from the provider to the gateway, for the agent's whole life: it subscribes to the
// provider's flows once, aggregates them into 15 s buckets (FlowAggregator), hands closed buckets to
// the bounded buffer (FlowBuffer), and, while a session is attached, sends batches with at most
// FLOW_MAX_BATCHES_IN_FLIGHT unacknowledged. A new session first resends every unacknowledged batch
// with its original sequence, oldest first; a batch the gateway neither acks nor loses the session
// over is sent again after FLOW_RESEND_AFTER_MS. The gateway's `flow.ack` frees batches; nothing is
// forgotten on a disconnect. It never decides what a flow is: that is the provider's and
// @palisade/flows' job.

import type { AgentMessage, ProtocolLimits } from '@palisade/protocol';
import type { Clock } from '../clock.js';
import {
  FLOW_AGGREGATOR_MAX_OPEN_RECORDS,
  FLOW_BUCKET_CLOSE_GRACE_MS,
  FLOW_DROP_LOG_INTERVAL_MS,
  FLOW_FLUSH_INTERVAL_MS,
  FLOW_MAX_BATCHES_IN_FLIGHT,
  FLOW_RESEND_AFTER_MS,
} from '../limits.js';
import type { Logger } from '../log.js';
import type { Provider } from '../providers/provider.js';
import { FlowAggregator } from './flow-aggregator.js';
import { FlowBuffer, type FlowBatch } from './flow-buffer.js';

export interface FlowShipperOptions {
  /** Only its flows: the shipper never reads the cluster otherwise. */
  readonly provider: Pick<Provider, 'onFlows'>;
  /** Records the buffer holds before dropping the oldest. */
  readonly bufferRecords: number;
  readonly clock: Clock;
  readonly log: Logger;
}

/** The flow pipeline's state, for `agent.health` and tests. */
export interface FlowStats {
  /** Whether the provider delivers flows at all. */
  readonly enabled: boolean;
  /** Records in buckets still filling. */
  readonly open: number;
  /** Records buffered and not yet in a batch. */
  readonly waiting: number;
  /** Batches sent (or cut) and not acknowledged. */
  readonly unackedBatches: number;
  readonly bufferedRecords: number;
  readonly bufferCapacity: number;
  /** Flows dropped because the agent ran out of room, ever; sent in every batch. */
  readonly droppedTotal: number;
  /** The highest sequence the gateway acknowledged; 0 before the first ack. */
  readonly ackedSequence: number;
}

interface AttachedSession {
  readonly send: (message: AgentMessage) => boolean;
  readonly limits: ProtocolLimits;
  /** Highest sequence sent on this session. */
  sentThrough: number;
  /** When the oldest in-flight batch was sent on this session. */
  oldestSentAt: number | null;
}

export class FlowShipper {
  readonly #options: FlowShipperOptions;
  readonly #aggregator = new FlowAggregator(FLOW_AGGREGATOR_MAX_OPEN_RECORDS);
  readonly #buffer: FlowBuffer;
  readonly #log: Logger;
  #session: AttachedSession | null = null;
  #ackedSequence = 0;
  #unsubscribe: (() => void) | undefined;
  #stopTimer: (() => void) | undefined;
  #dropLoggedAt = Number.NEGATIVE_INFINITY;

  constructor(options: FlowShipperOptions) {
    this.#options = options;
    this.#buffer = new FlowBuffer(options.bufferRecords);
    this.#log = options.log.child({ component: 'flows' });
  }

  get enabled(): boolean {
    return this.#options.provider.onFlows !== undefined;
  }

  /** Subscribes to the provider's flows and starts the flush timer; idempotent. */
  start(): void {
    const onFlows = this.#options.provider.onFlows?.bind(this.#options.provider);
    if (onFlows === undefined || this.#unsubscribe !== undefined) return;
    this.#unsubscribe = onFlows((records) => this.#aggregator.add(records));
    this.#stopTimer = this.#options.clock.every(FLOW_FLUSH_INTERVAL_MS, () => this.flush());
  }

  stop(): void {
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
    this.#stopTimer?.();
    this.#stopTimer = undefined;
  }

  /** Hands closed buckets to the buffer and sends what the window allows; runs on every timer tick. */
  flush(): void {
    const now = this.#options.clock.now();
    const closed = this.#aggregator.takeClosed((now - FLOW_BUCKET_CLOSE_GRACE_MS) / 1000);
    if (closed.length > 0) {
      const before = this.#buffer.dropped;
      this.#buffer.add(closed);
      const dropped = this.#buffer.dropped - before;
      if (dropped > 0 && now - this.#dropLoggedAt >= FLOW_DROP_LOG_INTERVAL_MS) {
        this.#dropLoggedAt = now;
        this.#log.warn(
          { dropped, droppedTotal: this.droppedTotal() },
          'flow buffer full; dropped the oldest flows',
        );
      }
    }
    const session = this.#session;
    if (
      session !== null &&
      session.oldestSentAt !== null &&
      now - session.oldestSentAt >= FLOW_RESEND_AFTER_MS
    ) {
      this.#log.warn({ sequence: this.#buffer.unacked()[0]?.sequence }, 'no flow.ack in time; resending');
      session.sentThrough = 0;
      session.oldestSentAt = null;
    }
    this.#pump();
  }

  /** A session is up: resend what is unacknowledged, then carry on. Returns the detach function. */
  attach(send: (message: AgentMessage) => boolean, limits: ProtocolLimits): () => void {
    const session: AttachedSession = { send, limits, sentThrough: 0, oldestSentAt: null };
    this.#session = session;
    this.#pump();
    return () => {
      if (this.#session === session) this.#session = null;
    };
  }

  /** The gateway has stored every batch through `sequence`. */
  acknowledge(sequence: number): void {
    if (sequence <= this.#ackedSequence) return;
    this.#ackedSequence = sequence;
    this.#buffer.acknowledge(sequence);
    const session = this.#session;
    if (session !== null)
      session.oldestSentAt = this.#inFlight(session) > 0 ? this.#options.clock.now() : null;
    this.#pump();
  }

  droppedTotal(): number {
    return this.#buffer.dropped + this.#aggregator.dropped;
  }

  stats(): FlowStats {
    return {
      enabled: this.enabled,
      open: this.#aggregator.open,
      waiting: this.#buffer.waiting,
      unackedBatches: this.#buffer.unacked().length,
      bufferedRecords: this.#buffer.size,
      bufferCapacity: this.#buffer.capacity,
      droppedTotal: this.droppedTotal(),
      ackedSequence: this.#ackedSequence,
    };
  }

  #inFlight(session: AttachedSession): number {
    return this.#buffer.unacked().filter((b) => b.sequence <= session.sentThrough).length;
  }

  #pump(): void {
    const session = this.#session;
    if (session === null) return;
    while (this.#inFlight(session) < FLOW_MAX_BATCHES_IN_FLIGHT) {
      const batch =
        this.#buffer.unacked().find((b) => b.sequence > session.sentThrough) ??
        this.#buffer.cut(session.limits.maxFlowsPerBatch, session.limits.maxFrameBytes);
      if (batch === null) return;
      if (!this.#send(session, batch)) return;
    }
  }

  #send(session: AttachedSession, batch: FlowBatch): boolean {
    const sent = session.send({
      type: 'flow.batch',
      sequence: batch.sequence,
      droppedTotal: this.droppedTotal(),
      records: batch.records,
    });
    if (!sent) return false;
    session.sentThrough = batch.sequence;
    session.oldestSentAt ??= this.#options.clock.now();
    return true;
  }
}
