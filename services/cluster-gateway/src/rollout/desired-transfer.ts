// One push of a desired set to one agent (decision 0013): its frames go out strictly in order, each
// only once the socket has written the previous one, so a push of up to 64 MiB holds one encoded
// frame in memory at a time however slow the agent's link is, and heartbeats and other frames
// still interleave. A transfer is abandoned (never resumed) when a newer push starts on the same
// tunnel: the agent drops the partial set when the newer one's first frame arrives, so after
// `cancel()` not one more frame of this transfer may be sent.
import type { DesiredStateFrame } from '@palisade/protocol';

export type TransferOutcome = 'sent' | 'cancelled' | 'closed';

/** Resolves once the socket has written the frame; false when the tunnel closed first. */
export type SendFrame = (frame: DesiredStateFrame) => Promise<boolean>;

export class DesiredTransfer {
  readonly generation: number;
  #cancelled = false;
  #finished = false;

  constructor(generation: number) {
    this.generation = generation;
  }

  /** Still sending: neither finished, nor closed, nor cancelled. */
  get inFlight(): boolean {
    return !this.#finished && !this.#cancelled;
  }

  cancel(): void {
    this.#cancelled = true;
  }

  async run(frames: readonly DesiredStateFrame[], send: SendFrame): Promise<TransferOutcome> {
    try {
      for (const frame of frames) {
        if (this.#cancelled) return 'cancelled';
        if (!(await send(frame))) return 'closed';
      }
      return 'sent';
    } finally {
      this.#finished = true;
    }
  }
}
