// Applies what the gateway pushes (`desired.state`, decision 0009) and reports what happened
// (`apply.result`). Lives as long as the agent, not a session: the applied state outlasts
// connections, and an apply that finishes while disconnected is reported on the next session.
// - Every pushed object is validated with @palisade/policy before anything is applied; an invalid
//   one is reported failed with the first error's field path, and its previous version is kept
//   (not pruned). An object whose identity the protocol cannot name is logged and left out.
// - Applies run one at a time; pushes that arrive meanwhile collapse to the newest.
// - Right after every welcome the last outcome is reported, so the gateway knows the applied
//   generation without pushing; drift the provider notices between applies is reported as it comes.
// - A report larger than one frame goes in `apply.result.chunk` frames on a version-2 session
//   (decision 0014); one that no frames may carry (any such report on a version-1 session) is
//   shortened, and what was cut or left out is logged, since a report the gateway never hears
//   leaves the cluster PENDING forever.
import { validateResource, type PolicyResource } from '@palisade/policy';
import {
  API_VERSION,
  DEFAULT_LIMITS,
  DNS_LABEL,
  DNS_SUBDOMAIN,
  KIND,
  planApplyResult,
  type AgentMessage,
  type DesiredStateMessage,
  type Format,
  type JsonObject,
  type ProtocolLimits,
  type ResourceRef,
  type ResourceStatus,
} from '@palisade/protocol';
import { wireRefOf, withManagedLabel } from '@palisade/policy/managed';
import { MAX_RESULT_MESSAGE_LENGTH } from '../limits.js';
import type { Logger } from '../log.js';
import type { ApplyOutcome, Provider } from '../providers/provider.js';

type Send = (message: AgentMessage) => boolean;

/** What a session's reports must fit: its negotiated version and the gateway's limits. */
export interface ReportChannel {
  readonly protocolVersion: number;
  readonly limits: ProtocolLimits;
}

/** Without a negotiated session, only the single frame every gateway version knows is sent. */
const ONE_FRAME: ReportChannel = { protocolVersion: 1, limits: DEFAULT_LIMITS };

export class DesiredStateController {
  readonly #provider: Provider;
  readonly #log: Logger;
  #send: Send | undefined;
  #channel: ReportChannel = ONE_FRAME;
  #next: DesiredStateMessage | undefined;
  #running = false;
  #unsubscribe: (() => void) | undefined;

  constructor(options: { provider: Provider; log: Logger }) {
    this.#provider = options.provider;
    this.#log = options.log;
  }

  /** A session was established: report the last outcome on it, and drift from now on. Returns the detach. */
  attach(send: Send, channel: ReportChannel = ONE_FRAME): () => void {
    this.#send = send;
    this.#channel = channel;
    this.#unsubscribe ??= this.#provider.onDrift((outcome) => this.#report(outcome, 'drift'));
    const last = this.#provider.appliedState();
    if (last !== null) this.#report(last, 'connect');
    return () => {
      if (this.#send === send) this.#send = undefined;
    };
  }

  receive(message: DesiredStateMessage): void {
    this.#next = message;
    if (!this.#running) void this.#drain();
  }

  close(): void {
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
    this.#send = undefined;
  }

  async #drain(): Promise<void> {
    this.#running = true;
    try {
      for (let message = this.#next; message !== undefined; message = this.#next) {
        this.#next = undefined;
        await this.#apply(message);
      }
    } finally {
      this.#running = false;
    }
  }

  async #apply(message: DesiredStateMessage): Promise<void> {
    const { valid, invalid } = validatePushed(message.resources, this.#log);
    let outcome: ApplyOutcome;
    try {
      const applied = await this.#provider.applyDesiredState(
        message.generation,
        valid,
        invalid.map((r) => r.resource),
      );
      outcome = { ...applied, results: [...invalid, ...applied.results] };
    } catch (error) {
      const text = truncate(`applying failed: ${error instanceof Error ? error.message : String(error)}`);
      this.#log.error({ generation: message.generation, err: text }, 'applying the desired state failed');
      outcome = {
        generation: message.generation,
        results: [
          ...invalid,
          ...valid.map((r): ResourceStatus => ({ resource: wireRefOf(r), status: 'failed', message: text })),
        ],
        drift: [],
      };
    }
    const failed = outcome.results.filter((r) => r.status === 'failed').length;
    this.#log.info(
      { generation: message.generation, resources: message.resources.length, failed },
      'desired state applied',
    );
    this.#report(outcome, 'apply');
  }

  #report(outcome: ApplyOutcome, why: 'connect' | 'apply' | 'drift'): void {
    const send = this.#send;
    const { generation } = outcome;
    const plan = planApplyResult(
      { type: 'apply.result', generation, results: outcome.results, drift: outcome.drift },
      this.#channel,
    );
    if (plan.shortened !== null) {
      this.#log.warn(
        {
          generation,
          protocolVersion: this.#channel.protocolVersion,
          results: outcome.results.length,
          drift: outcome.drift.length,
          messagesCutToBytes: plan.shortened.messageBytes,
          droppedResults: plan.shortened.droppedResults,
          droppedDrift: plan.shortened.droppedDrift,
        },
        'the apply result does not fit what the gateway accepts; reporting it shortened',
      );
    }
    // Frames of one report go out back to back: the gateway acts only on the last chunk.
    let sent = send !== undefined;
    for (const frame of plan.messages) {
      if (!sent || send === undefined) break;
      sent = send(frame);
    }
    if (plan.messages.length > 1) {
      this.#log.info(
        { generation, chunks: plan.messages.length, sent, why },
        'apply result reported in chunks',
      );
    }
    if (why === 'drift') {
      this.#log.info({ generation, drift: outcome.drift.length, sent }, 'drift reported');
    }
  }
}

/** Splits a push into objects to apply and failures to report, each failure naming the field. */
export function validatePushed(
  objects: readonly JsonObject[],
  log: Logger,
): { valid: PolicyResource[]; invalid: (ResourceStatus & { status: 'failed' })[] } {
  const valid: PolicyResource[] = [];
  const invalid: (ResourceStatus & { status: 'failed' })[] = [];
  for (const object of objects) {
    const { resource, errors } = validateResource(object);
    const ref = nameable(object);
    if (resource !== undefined && errors.length === 0) {
      valid.push(withManagedLabel(resource));
      continue;
    }
    if (ref === null) {
      log.warn(
        { errors: errors.slice(0, 3) },
        'a pushed object has no identity the protocol can name; skipped',
      );
      continue;
    }
    const first = errors[0];
    const where = first === undefined || first.path === '' ? '' : `${first.path}: `;
    invalid.push({
      resource: ref,
      status: 'failed',
      message: truncate(`invalid: ${where}${first?.message ?? 'not a valid resource'}`),
    });
  }
  return { valid, invalid };
}

function nameable(object: JsonObject): ResourceRef | null {
  const metadata = object['metadata'] as { name?: unknown; namespace?: unknown } | null | undefined;
  const apiVersion = object['apiVersion'];
  const kind = object['kind'];
  const name = metadata?.name;
  const namespace = metadata?.namespace ?? null;
  if (!fits(API_VERSION, apiVersion) || !fits(KIND, kind) || !fits(DNS_SUBDOMAIN, name)) return null;
  if (namespace !== null && !fits(DNS_LABEL, namespace)) return null;
  return { apiVersion, kind, namespace, name };
}

function fits(format: Format, value: unknown): value is string {
  return typeof value === 'string' && value.length <= format.maxLength && format.test(value);
}

function truncate(text: string): string {
  return text.slice(0, MAX_RESULT_MESSAGE_LENGTH);
}
