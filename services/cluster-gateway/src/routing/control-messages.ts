// Validation of what arrives on the control channels. Anything in Redis is written by our own API
// and gateways, but a bad or hostile publish must cost one dropped message, never a crash or a
// request sent somewhere it should not go.
import { MAX_REQUEST_TIMEOUT_MS, type JsonValue } from '@palisade/protocol';
import { z } from 'zod';
import type { ControlMessage } from './keys.js';

const id = z.string().min(1).max(200);

const json: z.ZodType<JsonValue> = z.lazy(() =>
  z.union([z.null(), z.boolean(), z.number(), z.string(), z.array(json), z.record(z.string(), json)]),
);

const schema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('takeover'), clusterId: id, epoch: z.number().int().min(1) }),
  z.object({ kind: z.literal('revoke'), clusterId: id }),
  z.object({
    kind: z.literal('request'),
    requestId: id,
    clusterId: id,
    method: z.string().min(1).max(200),
    params: json,
    replyTo: z.string().min(1).max(300),
    timeoutMs: z.number().int().min(1).max(MAX_REQUEST_TIMEOUT_MS),
  }),
  z.object({ kind: z.literal('desired'), clusterId: id, generation: z.number().int().min(1) }),
]);

export function parseControlMessage(text: string): ControlMessage | undefined {
  try {
    const parsed = schema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
