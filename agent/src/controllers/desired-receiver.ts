// The desired-state stream of one session (decision 0013): whole `desired.state` frames, and
// `desired.state.chunk` frames reassembled by the protocol's DesiredStateAssembler, so the
// agent-wide DesiredStateController only ever sees complete sets (applying prunes what a set lacks,
// so a partial one must never reach it). Built per session: a set half-received when the
// connection drops goes with it, and the gateway pushes again on the next connection. A broken
// stream (a chunk out of order, counts that disagree) applies nothing and is reported to the
// gateway as an `error`; the gateway pushes the set again when its acknowledgement timeout passes.
import {
  DesiredStateAssembler,
  type AgentMessage,
  type DesiredStateChunkMessage,
  type DesiredStateMessage,
} from '@palisade/protocol';
import { MAX_RESULT_MESSAGE_LENGTH } from '../limits.js';
import type { Logger } from '../log.js';
import type { DesiredStateController } from './desired-state.js';

export class DesiredStateReceiver {
  readonly #assembler: DesiredStateAssembler;
  readonly #desired: DesiredStateController;
  readonly #send: (message: AgentMessage) => boolean;
  readonly #log: Logger;

  constructor(options: {
    /** The session's negotiated version: chunks are refused on a version that predates them. */
    protocolVersion: number;
    desired: DesiredStateController;
    send: (message: AgentMessage) => boolean;
    log: Logger;
  }) {
    this.#assembler = new DesiredStateAssembler(options.protocolVersion);
    this.#desired = options.desired;
    this.#send = options.send;
    this.#log = options.log;
  }

  receive(message: DesiredStateMessage | DesiredStateChunkMessage): void {
    const step = this.#assembler.receive(message);
    switch (step.kind) {
      case 'complete':
        this.#log.info(
          { generation: step.generation, resources: step.resources.length, dropped: step.dropped },
          'desired state received',
        );
        this.#desired.receive({
          type: 'desired.state',
          generation: step.generation,
          resources: step.resources,
        });
        return;
      case 'staged':
        if (step.dropped !== null) {
          this.#log.info(
            { generation: step.generation, dropped: step.dropped },
            'a newer desired state replaces one half received',
          );
        }
        this.#log.debug(
          { generation: step.generation, received: step.received, count: step.count },
          'desired state chunk staged',
        );
        return;
      case 'ignored':
        this.#log.debug({ detail: step.detail }, 'ignoring a desired state chunk');
        return;
      case 'refused':
        this.#log.warn(
          { reason: step.reason.name, detail: step.detail },
          'refusing a broken desired state stream; nothing of it is applied',
        );
        this.#send({
          type: 'error',
          code: 'bad_request',
          message: `${step.reason.name}: ${step.detail}`.slice(0, MAX_RESULT_MESSAGE_LENGTH),
        });
        return;
    }
  }
}
