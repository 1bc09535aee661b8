// The gateway's bookkeeping of the apply-result stream on one connection (decision 0014): it stages
// `apply.result.chunk` frames and hands over a result only when every chunk of it has arrived,
// since a partial result would store a partial set of resource rows (the store deletes the rows a
// report lacks) and a wrong cluster status. The ordering rules (chunk 0 or a whole `apply.result`
// starts a new result, leftovers of a superseded one are ignored, anything else is a broken stream)
// are ChunkAssembler's; this adds the announced totals, which the chunks must add up to exactly.
// Memory is bounded by the codec: at most `maxApplyResultChunks` frames of at most
// `maxFrameBytes` each are ever staged.

import { ChunkAssembler, type ChunkAccumulator, type ChunkStep } from './chunk-stream.js';
import type { ApplyResultChunkMessage, ApplyResultMessage, DriftReport, ResourceStatus } from './messages.js';

export type ApplyResultStep = ChunkStep<ApplyResultMessage>;

export class ApplyResultAssembler {
  readonly #chunks: ChunkAssembler<ApplyResultChunkMessage, ApplyResultMessage>;

  /** `protocolVersion` is the session's negotiated version: chunks are refused on version 1. */
  constructor(protocolVersion: number) {
    this.#chunks = new ChunkAssembler(protocolVersion, 'result', resultOf);
  }

  /** The generation being staged, if a transfer is under way. */
  get staging(): number | undefined {
    return this.#chunks.staging;
  }

  receive(message: ApplyResultMessage | ApplyResultChunkMessage): ApplyResultStep {
    return message.type === 'apply.result'
      ? this.#chunks.whole(message.generation, message)
      : this.#chunks.chunk(message);
  }
}

function resultOf(
  first: ApplyResultChunkMessage,
): ChunkAccumulator<ApplyResultChunkMessage, ApplyResultMessage> {
  const { total, generation } = first;
  const results: ResourceStatus[] = [];
  const drift: DriftReport[] = [];
  return {
    announced: ({ chunk, total: t }) =>
      `${String(chunk.count)} chunks, ${String(t.results)} results and ${String(t.drift)} drift reports`,
    add(chunk) {
      if (results.length + chunk.results.length > total.results) {
        return `holds more results than its total of ${String(total.results)}`;
      }
      if (drift.length + chunk.drift.length > total.drift) {
        return `holds more drift reports than its total of ${String(total.drift)}`;
      }
      for (const result of chunk.results) results.push(result);
      for (const report of chunk.drift) drift.push(report);
      return null;
    },
    finish: () =>
      results.length === total.results && drift.length === total.drift
        ? { ok: true, value: { type: 'apply.result', generation, results, drift } }
        : {
            ok: false,
            detail:
              `arrived with ${String(results.length)} results and ${String(drift.length)} drift reports, ` +
              `its chunks announced ${String(total.results)} and ${String(total.drift)}`,
          },
  };
}
