// Turns one generation's desired set into the frames that carry it (decision 0013): one
// `desired.state` when the set fits in a frame, as before chunking existed, so small sets look
// the same to every agent version; otherwise `desired.state.chunk` frames, each within the frame
// limit, in the set's order. A set that no frame sequence may carry (over the resource count or the
// byte limit, a single resource larger than a frame, or chunks to an agent that predates them) is
// refused with a sentence a user can act on, never truncated: an agent prunes what is not in the
// set, so a partial set would delete policy. Pure: sizes are measured with the codec's encoding.

import { packBySize } from './chunk-packing.js';
import { encodeMessage } from './codec.js';
import { DEFAULT_LIMITS, maxDesiredStateChunks, type ProtocolLimits } from './limits.js';
import type { DesiredStateChunkMessage, DesiredStateMessage, JsonObject } from './messages.js';
import { utf8ByteLength } from './utf8.js';
import { isInVersion } from './version.js';

export type DesiredStateFrame = DesiredStateMessage | DesiredStateChunkMessage;

export type DesiredStatePlan =
  | { readonly ok: true; readonly messages: DesiredStateFrame[]; readonly bytes: number }
  /** `problem` is shown to the organisation: it names sizes, limits and at most one resource's name. */
  | { readonly ok: false; readonly problem: string; readonly bytes: number };

export interface DesiredStatePlanOptions {
  /** The version negotiated with the receiving agent. */
  readonly protocolVersion: number;
  readonly limits?: ProtocolLimits;
}

export function planDesiredState(
  generation: number,
  resources: readonly JsonObject[],
  options: DesiredStatePlanOptions,
): DesiredStatePlan {
  const limits = options.limits ?? DEFAULT_LIMITS;
  const sizes = resources.map((resource) => utf8ByteLength(JSON.stringify(resource)));
  // The bytes of the set as a JSON array's contents: every resource and the commas between them.
  const bytes = sizes.reduce((sum, size) => sum + size, 0) + Math.max(0, sizes.length - 1);
  const refuse = (problem: string): DesiredStatePlan => ({ ok: false, problem, bytes });
  if (resources.length > limits.maxResourcesPerGeneration) {
    return refuse(
      `the desired set has ${String(resources.length)} resources, more than the limit of ` +
        `${String(limits.maxResourcesPerGeneration)} per cluster`,
    );
  }
  const single = utf8ByteLength(encodeMessage({ type: 'desired.state', generation, resources: [] }));
  if (single + bytes <= limits.maxFrameBytes) {
    return { ok: true, messages: [{ type: 'desired.state', generation, resources: [...resources] }], bytes };
  }
  if (bytes > limits.maxDesiredStateBytes) {
    return refuse(
      `the desired set encodes to ${mib(bytes)}, more than the limit of ${mib(limits.maxDesiredStateBytes)} per cluster`,
    );
  }
  if (!isInVersion('desired.state.chunk', options.protocolVersion)) {
    return refuse(
      `the desired set encodes to ${mib(bytes)}, more than one frame of ${mib(limits.maxFrameBytes)}, and the ` +
        `agent speaks protocol version ${String(options.protocolVersion)}, which cannot receive it in ` +
        'chunks; upgrade the agent',
    );
  }
  const total = resources.length;
  const packing = packBySize(sizes, limits.maxFrameBytes, (chunk) => ({
    type: 'desired.state.chunk',
    generation,
    chunk,
    total,
    resources: [],
  }));
  if (!packing.ok) {
    return refuse(
      `${describe(resources[packing.index] as JsonObject)} encodes to ${String(sizes[packing.index])} bytes, ` +
        `more than one frame of ${String(limits.maxFrameBytes)} bytes holds`,
    );
  }
  const groups = packing.chunks.map(([start, end]) => resources.slice(start, end));
  const maxChunks = maxDesiredStateChunks(limits);
  if (groups.length > maxChunks) {
    return refuse(
      `the desired set (${mib(bytes)}) needs ${String(groups.length)} frames, more than the limit of ` +
        `${String(maxChunks)} per cluster`,
    );
  }
  return {
    ok: true,
    bytes,
    messages: groups.map((group, index) => ({
      type: 'desired.state.chunk',
      generation,
      chunk: { index, count: groups.length },
      total,
      resources: group,
    })),
  };
}

/** `66.8 MiB`, `64 MiB`, or bytes below a mebibyte (limits shrunk for tests, small frames). */
function mib(bytes: number): string {
  if (bytes < 1024 * 1024) return `${String(bytes)} bytes`;
  return `${(bytes / (1024 * 1024)).toFixed(1).replace(/\.0$/, '')} MiB`;
}

/** `NetworkPolicy shop/allow-web`, from fields any Kubernetes object has; the kind alone otherwise. */
function describe(resource: JsonObject): string {
  const kind = typeof resource['kind'] === 'string' ? resource['kind'].slice(0, 64) : 'a resource';
  const metadata = resource['metadata'];
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) return kind;
  const { name, namespace } = metadata as { name?: unknown; namespace?: unknown };
  if (typeof name !== 'string') return kind;
  const where = typeof namespace === 'string' ? `${namespace.slice(0, 63)}/` : '';
  return `${kind} ${where}${name.slice(0, 253)}`;
}
