// fast-check generators of valid messages of every type, following the formats in src/formats.ts,
// for the round-trip property and as seeds for the mutation fuzzer.

import fc from 'fast-check';
import {
  CLOSE_REASON_NAMES,
  DRIFT_KINDS,
  ERROR_CODES,
  INVENTORY_RESYNC_REASONS,
  DATAPLANES,
  L4_PROTOCOLS,
  PROVIDER_KINDS,
  type JsonObject,
  type JsonValue,
  type Labels,
  type MessageType,
  type TunnelMessage,
} from '../src/index.js';

const dnsLabel = fc.stringMatching(/^[a-z0-9]([-a-z0-9]{0,14}[a-z0-9])?$/);
const subdomain = fc.array(dnsLabel, { minLength: 1, maxLength: 3 }).map((parts) => parts.join('.'));
const qualifiedName = fc.stringMatching(/^[A-Za-z0-9]([-A-Za-z0-9_.]{0,14}[A-Za-z0-9])?$/);
const labelKey = fc
  .tuple(fc.option(subdomain, { nil: undefined }), qualifiedName)
  .map(([prefix, name]) => (prefix === undefined ? name : `${prefix}/${name}`));
const labels: fc.Arbitrary<Labels> = fc.dictionary(labelKey, fc.oneof(fc.constant(''), qualifiedName), {
  maxKeys: 4,
  noNullPrototype: true,
});
const ip = fc.oneof(fc.ipV4(), fc.ipV6());
const identifier = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,24}$/);
const secret = fc.stringMatching(/^[\x21-\x7e]{16,40}$/);
const versionString = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9.+_-]{0,16}$/);
const text = fc.string({ unit: 'binary', maxLength: 40 });
const count = fc.nat();
const positive = fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER });
const port = fc.integer({ min: 1, max: 65_535 });
const portName = fc.stringMatching(/^[a-z0-9]([-a-z0-9]{0,13}[a-z0-9])?$/);
const orNull = <T>(item: fc.Arbitrary<T>): fc.Arbitrary<T | null> => fc.option(item, { nil: null });
const small = <T>(item: fc.Arbitrary<T>) => fc.array(item, { maxLength: 3 });

function hasProtoKey(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  if (Array.isArray(value)) return value.some(hasProtoKey);
  return Object.keys(value).some((key) => key === '__proto__' || hasProtoKey((value as JsonObject)[key]));
}

/** JSON values as they come out of JSON.parse (no -0, plain prototypes). */
export const jsonValue: fc.Arbitrary<JsonValue> = fc
  .jsonValue({ maxDepth: 3 })
  .map((v) => JSON.parse(JSON.stringify(v)) as JsonValue)
  .filter((v) => !hasProtoKey(v));
const jsonObject: fc.Arbitrary<JsonObject> = fc
  .dictionary(fc.string({ maxLength: 12 }), jsonValue, { maxKeys: 4, noNullPrototype: true })
  .filter((v) => !hasProtoKey(v));

const endpointPort = fc.record({ name: orNull(portName), port, protocol: fc.constantFrom(...L4_PROTOCOLS) });
const objectRef = fc.record({ namespace: dnsLabel, name: subdomain });
const inventoryItems = fc.record({
  namespaces: small(fc.record({ name: dnsLabel, labels })),
  endpoints: small(
    fc.record({
      namespace: dnsLabel,
      name: subdomain,
      labels,
      ips: small(ip),
      ports: small(endpointPort),
      serviceAccount: subdomain,
      node: orNull(subdomain),
    }),
  ),
  serviceAccounts: small(fc.record({ namespace: dnsLabel, name: subdomain, labels })),
  services: small(
    fc.record({
      namespace: dnsLabel,
      name: dnsLabel,
      labels,
      selector: orNull(labels),
      ports: small(
        fc.record({
          name: orNull(portName),
          port,
          targetPort: fc.oneof(port, portName),
          protocol: fc.constantFrom(...L4_PROTOCOLS),
        }),
      ),
      clusterIps: small(ip),
      endpoints: small(fc.record({ ip, pod: orNull(subdomain), ready: fc.boolean() })),
    }),
  ),
});

const resourceRef = fc.record({
  apiVersion: fc.constantFrom(
    'projectcalico.org/v3',
    'networking.k8s.io/v1',
    'v1',
    'policy.example.io/v2beta1',
  ),
  kind: fc.stringMatching(/^[A-Z][A-Za-z0-9]{0,20}$/),
  namespace: orNull(dnsLabel),
  name: subdomain,
});

const resourceStatus = fc.oneof(
  fc.record({ resource: resourceRef, status: fc.constant('ok' as const) }),
  fc.record({ resource: resourceRef, status: fc.constant('failed' as const), message: text }),
);

const driftReport = fc.record({
  resource: resourceRef,
  drift: fc.constantFrom(...DRIFT_KINDS),
  message: orNull(text),
});

export const MESSAGE_ARBITRARIES: { readonly [T in MessageType]: fc.Arbitrary<TunnelMessage> } = {
  hello: fc.record({
    type: fc.constant('hello' as const),
    protocol: fc.constant({ min: 1, max: 1 }),
    agentVersion: versionString,
    instanceId: identifier,
    auth: fc.oneof(
      fc.record({ kind: fc.constant('credential' as const), credential: secret }),
      fc.record({ kind: fc.constant('enrollment' as const), token: secret }),
    ),
    cluster: fc.record({
      provider: fc.constantFrom(...PROVIDER_KINDS),
      kubernetesVersion: versionString,
      calicoVersion: orNull(versionString),
    }),
  }),
  welcome: fc
    .record({
      type: fc.constant('welcome' as const),
      protocolVersion: fc.integer({ min: 1, max: 65_535 }),
      clusterId: identifier,
      sessionId: identifier,
      heartbeatIntervalMs: fc.integer({ min: 1, max: 60_000 }),
      deadPeerTimeoutMs: fc.integer({ min: 1, max: 600_000 }),
      limits: fc.record({
        maxFrameBytes: positive,
        maxInventoryItemsPerFrame: positive,
        maxFlowsPerBatch: positive,
      }),
      credential: orNull(secret),
    })
    .map((m) => ({ ...m, deadPeerTimeoutMs: m.heartbeatIntervalMs + m.deadPeerTimeoutMs })),
  'credential.rotate': fc.record({
    type: fc.constant('credential.rotate' as const),
    rotationId: identifier,
    credential: secret,
  }),
  'credential.rotated': fc.record({
    type: fc.constant('credential.rotated' as const),
    rotationId: identifier,
    persisted: fc.boolean(),
    message: orNull(text),
  }),
  'credential.stored': fc.record({ type: fc.constant('credential.stored' as const) }),
  heartbeat: fc.record({ type: fc.constant('heartbeat' as const), sentAtMs: count }),
  'inventory.snapshot': fc
    .record({
      type: fc.constant('inventory.snapshot' as const),
      revision: positive,
      count: fc.integer({ min: 1, max: 100 }),
      index: fc.nat(),
      items: inventoryItems,
    })
    .map(({ count: chunks, index, ...rest }) => ({
      ...rest,
      chunk: { index: index % chunks, count: chunks },
    })),
  'inventory.delta': fc.record({
    type: fc.constant('inventory.delta' as const),
    revision: positive,
    sequence: positive,
    upserts: inventoryItems,
    deletes: fc.record({
      namespaces: small(dnsLabel),
      endpoints: small(objectRef),
      serviceAccounts: small(objectRef),
      services: small(objectRef),
    }),
  }),
  'inventory.nodes': fc.record({
    type: fc.constant('inventory.nodes' as const),
    nodes: small(
      fc.record({
        name: dnsLabel,
        dataplane: fc.constantFrom(...DATAPLANES),
        wireguardEnabled: fc.boolean(),
        wireguardPublicKey: fc.boolean(),
        mtu: fc.option(fc.integer({ min: 0, max: 65_535 }), { nil: null }),
        calicoVersion: fc.option(versionString, { nil: null }),
      }),
    ),
  }),
  'inventory.resync': fc.record({
    type: fc.constant('inventory.resync' as const),
    reason: fc.constantFrom(...INVENTORY_RESYNC_REASONS),
  }),
  'desired.state': fc.record({
    type: fc.constant('desired.state' as const),
    generation: positive,
    resources: small(jsonObject),
  }),
  'desired.state.chunk': fc
    .record({
      type: fc.constant('desired.state.chunk' as const),
      generation: positive,
      resources: fc.array(jsonObject, { minLength: 1, maxLength: 3 }),
      more: fc.integer({ min: 0, max: 4_990 }),
      count: fc.integer({ min: 1, max: 129 }),
      index: fc.nat(),
    })
    .map(({ more, count: chunks, index, ...rest }) => {
      const total = rest.resources.length + more;
      const count = Math.min(chunks, total);
      return { ...rest, chunk: { index: index % count, count }, total };
    }),
  'apply.result': fc.record({
    type: fc.constant('apply.result' as const),
    generation: positive,
    results: small(resourceStatus),
    drift: small(driftReport),
  }),
  'apply.result.chunk': fc
    .record({
      type: fc.constant('apply.result.chunk' as const),
      generation: positive,
      results: fc.array(resourceStatus, { minLength: 1, maxLength: 3 }),
      drift: small(driftReport),
      moreResults: fc.integer({ min: 0, max: 4_990 }),
      moreDrift: fc.integer({ min: 0, max: 4_990 }),
      count: fc.integer({ min: 1, max: 33 }),
      index: fc.nat(),
    })
    .map(({ moreResults, moreDrift, count: chunks, index, ...rest }) => {
      const total = { results: rest.results.length + moreResults, drift: rest.drift.length + moreDrift };
      const count = Math.min(chunks, total.results + total.drift);
      return { ...rest, chunk: { index: index % count, count }, total };
    }),
  'flow.batch': fc.record({
    type: fc.constant('flow.batch' as const),
    sequence: positive,
    droppedTotal: count,
    records: small(jsonObject),
  }),
  'flow.ack': fc.record({ type: fc.constant('flow.ack' as const), sequence: positive }),
  request: fc.record({
    type: fc.constant('request' as const),
    id: identifier,
    method: fc.stringMatching(/^[a-z][A-Za-z0-9]{0,8}(\.[a-z][A-Za-z0-9]{0,8}){0,2}$/),
    params: jsonValue,
    timeoutMs: fc.integer({ min: 1, max: 300_000 }),
  }),
  response: fc.oneof(
    fc.record({
      type: fc.constant('response' as const),
      id: identifier,
      ok: fc.constant(true as const),
      result: jsonValue,
    }),
    fc.record({
      type: fc.constant('response' as const),
      id: identifier,
      ok: fc.constant(false as const),
      error: fc.record({ code: fc.constantFrom(...ERROR_CODES), message: text }),
    }),
  ),
  error: fc.record({
    type: fc.constant('error' as const),
    code: fc.constantFrom(...ERROR_CODES),
    message: text,
  }),
  close: fc.record({
    type: fc.constant('close' as const),
    reason: fc.constantFrom(...CLOSE_REASON_NAMES),
    message: text,
    retryAfterMs: orNull(fc.integer({ min: 1, max: 86_400_000 })),
  }),
};

export const anyMessage: fc.Arbitrary<TunnelMessage> = fc.oneof(...Object.values(MESSAGE_ARBITRARIES));
