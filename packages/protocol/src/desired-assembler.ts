// The agent's bookkeeping of the desired-state stream on one connection (decision 0013): it stages
// `desired.state.chunk` frames and hands over a set only when every chunk of its generation has
// arrived, since applying prunes whatever the set lacks. The ordering rules (chunk 0 or a whole
// `desired.state` starts a new set, leftovers of a superseded set are ignored, anything else is a
// broken stream) are ChunkAssembler's; this adds the set's announced `total`, which the chunks'
// resources must add up to exactly. Memory is bounded by the codec: at most
// `maxDesiredStateChunks` frames of at most `maxFrameBytes` each are ever staged.

import { ChunkAssembler, type ChunkAccumulator, type ChunkStep } from './chunk-stream.js';
import type { DesiredStateChunkMessage, DesiredStateMessage, JsonObject } from './messages.js';

/**
 * ChunkStep, with the set of a complete transfer as `resources`: validate and apply it. Its
 * `dropped` is a partial set it replaced.
 */
export type DesiredStateStep =
  | Exclude<ChunkStep<JsonObject[]>, { kind: 'complete' }>
  | {
      readonly kind: 'complete';
      readonly generation: number;
      readonly resources: JsonObject[];
      readonly dropped: number | null;
    };

export class DesiredStateAssembler {
  readonly #chunks: ChunkAssembler<DesiredStateChunkMessage, JsonObject[]>;

  /** `protocolVersion` is the session's negotiated version. */
  constructor(protocolVersion: number) {
    this.#chunks = new ChunkAssembler(protocolVersion, 'set', resourcesOf);
  }

  /** The generation being staged, if a transfer is under way. */
  get staging(): number | undefined {
    return this.#chunks.staging;
  }

  receive(message: DesiredStateMessage | DesiredStateChunkMessage): DesiredStateStep {
    const step =
      message.type === 'desired.state'
        ? this.#chunks.whole(message.generation, message.resources)
        : this.#chunks.chunk(message);
    return asDesiredStep(step);
  }
}

function asDesiredStep(step: ChunkStep<JsonObject[]>): DesiredStateStep {
  if (step.kind !== 'complete') return step;
  const { value, ...rest } = step;
  return { ...rest, resources: value };
}

function resourcesOf(
  first: DesiredStateChunkMessage,
): ChunkAccumulator<DesiredStateChunkMessage, JsonObject[]> {
  const { total } = first;
  const resources: JsonObject[] = [];
  return {
    announced: (chunk) => `${String(chunk.chunk.count)} chunks and ${String(chunk.total)} resources`,
    add(chunk) {
      if (resources.length + chunk.resources.length > total) {
        return `holds more resources than its total of ${String(total)}`;
      }
      for (const resource of chunk.resources) resources.push(resource);
      return null;
    },
    finish: () =>
      resources.length === total
        ? { ok: true, value: resources }
        : {
            ok: false,
            detail: `arrived with ${String(resources.length)} resources, its chunks announced ${String(total)}`,
          },
  };
}
