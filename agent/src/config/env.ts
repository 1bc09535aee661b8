// The only reader of process.env in the agent. Parsed once, at start; a bad environment fails with
// every bad variable listed. The install manifest sets PALISADE_GATEWAY_URL and
// PALISADE_ENROLLMENT_TOKEN (from a Secret), PALISADE_CREDENTIAL_SECRET, POD_NAMESPACE and
// PALISADE_HEALTH_PORT (the probes' port); the
// PALISADE_GOLDMANE_* variables change where the kubernetes provider reads flows (decision 0050).

import { DNS_LABEL, DNS_SUBDOMAIN, SECRET } from '@palisade/protocol';
import { z } from 'zod';
import { isGoldmaneAddress, isPemSource } from '../providers/kubernetes/goldmane/goldmane-config.js';

const pemSource = z
  .string()
  .refine(
    isPemSource,
    'must be configmap:<namespace>/<name>/<key>, secret:<namespace>/<name>/<key> or file:<path>',
  );

const tunnelUrl = z
  .string()
  .refine((v) => URL.canParse(v) && /^wss?:$/.test(new URL(v).protocol), 'must be a ws:// or wss:// URL');

const schema = z.object({
  PALISADE_GATEWAY_URL: tunnelUrl.optional(),
  PALISADE_ENROLLMENT_TOKEN: z
    .string()
    .refine((v) => SECRET.test(v), `must be ${SECRET.description}`)
    .optional(),
  PALISADE_CREDENTIAL_SECRET: z
    .string()
    .refine((v) => DNS_SUBDOMAIN.test(v), 'must be a Secret name')
    .optional(),
  POD_NAMESPACE: z
    .string()
    .refine((v) => DNS_LABEL.test(v), 'must be a namespace name')
    .optional(),
  PALISADE_AGENT_STATE_DIR: z.string().min(1).optional(),
  /** Checked with the flag that overrides it (cli.ts). */
  PALISADE_FLOW_BUFFER_RECORDS: z.string().min(1).optional(),
  /** Checked with the flag that overrides it (cli.ts). */
  PALISADE_HEALTH_PORT: z.string().min(1).optional(),
  PALISADE_GOLDMANE_ADDRESS: z.string().refine(isGoldmaneAddress, 'must be <host>:<port>, or off').optional(),
  PALISADE_GOLDMANE_SERVER_NAME: z
    .string()
    .refine((v) => DNS_SUBDOMAIN.test(v), 'must be a DNS name')
    .optional(),
  PALISADE_GOLDMANE_CA: pemSource.optional(),
  PALISADE_GOLDMANE_CLIENT_CERT: pemSource.optional(),
  PALISADE_GOLDMANE_CLIENT_KEY: pemSource.optional(),
  KUBECONFIG: z.string().min(1).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type AgentEnv = z.infer<typeof schema>;

export class EnvError extends Error {
  override readonly name = 'EnvError';
}

/** Empty strings count as unset, as a manifest with an empty value means "not given". */
export function readEnv(source: NodeJS.ProcessEnv = process.env): AgentEnv {
  const given = Object.fromEntries(
    Object.keys(schema.shape).flatMap((key) => (source[key] ? [[key, source[key]]] : [])),
  );
  const parsed = schema.safeParse(given);
  if (parsed.success) return parsed.data;
  const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
  throw new EnvError(`invalid environment:\n${lines.join('\n')}`);
}
