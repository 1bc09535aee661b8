// The wire schema of every message, built from the validator kit and checked against the types in
// messages.ts (a schema that drifts from its type fails to compile). Field-level rules live here;
// rules that span fields (chunk index below count, a bucket that ends after it starts, the item
// budget of an inventory frame) are refinements beside the shape they constrain.

import {
  MAX_REQUEST_TIMEOUT_MS,
  maxApplyResultChunks,
  maxDesiredStateChunks,
  type ProtocolLimits,
} from './limits.js';
import {
  DRIFT_KINDS,
  ERROR_CODES,
  INVENTORY_RESYNC_REASONS,
  L4_PROTOCOLS,
  DATAPLANES,
  PROVIDER_KINDS,
  type MessageOf,
  type MessageType,
} from './messages.js';
import { CLOSE_REASON_NAMES } from './close-reasons.js';
import { MAX_VERSION_NUMBER } from './version.js';
import {
  API_VERSION,
  DNS_LABEL,
  DNS_SUBDOMAIN,
  IDENTIFIER,
  IP_ADDRESS,
  KIND,
  LABEL_KEY,
  LABEL_VALUE,
  METHOD_NAME,
  PORT_NAME,
  SECRET,
  VERSION_STRING,
} from './formats.js';
import {
  array,
  boolean,
  byType,
  formatted,
  integer,
  invalid,
  json,
  jsonObject,
  literal,
  nullable,
  object,
  oneOf,
  overLimit,
  refine,
  stringMap,
  text,
  variants,
  type Infer,
  type Validator,
} from './validate.js';

/** The largest time a JavaScript Date can hold. */
const MAX_DATE_MS = 8_640_000_000_000_000;
const DAY_MS = 86_400_000;

const namespaceName = formatted(DNS_LABEL);
const objectName = formatted(DNS_SUBDOMAIN);
const identifier = formatted(IDENTIFIER);
const secret = formatted(SECRET);
const versionString = formatted(VERSION_STRING);
const ip = formatted(IP_ADDRESS);
const labels = stringMap(LABEL_KEY, LABEL_VALUE);
const port = integer(1, 65_535);
const portName = nullable(formatted(PORT_NAME));
const count = integer(0);
const sequence = integer(1);
const timestamp = integer(0, MAX_DATE_MS);
const durationMs = (max: number) => integer(1, max);

const byInventory = (l: ProtocolLimits) => l.maxInventoryItemsPerFrame;
const byResources = (l: ProtocolLimits) => l.maxResourcesPerGeneration;

// ── Session ──────────────────────────────────────────────────────────────────────────────────────

const versionRange = refine(
  object({ min: integer(1, MAX_VERSION_NUMBER), max: integer(1, MAX_VERSION_NUMBER) }),
  (range) => {
    if (range.min > range.max) invalid('must not be greater than max', 'min');
  },
);

const hello = object({
  type: literal('hello'),
  protocol: versionRange,
  agentVersion: versionString,
  instanceId: identifier,
  auth: variants('kind', {
    credential: object({ kind: literal('credential'), credential: secret }),
    enrollment: object({ kind: literal('enrollment'), token: secret }),
  }),
  cluster: object({
    provider: oneOf(PROVIDER_KINDS),
    kubernetesVersion: versionString,
    calicoVersion: nullable(versionString),
  }),
});

const welcome = refine(
  object({
    type: literal('welcome'),
    protocolVersion: integer(1, MAX_VERSION_NUMBER),
    clusterId: identifier,
    sessionId: identifier,
    heartbeatIntervalMs: durationMs(DAY_MS),
    deadPeerTimeoutMs: durationMs(DAY_MS),
    limits: object({
      maxFrameBytes: integer(1),
      maxInventoryItemsPerFrame: integer(1),
      maxFlowsPerBatch: integer(1),
    }),
    credential: nullable(secret),
  }),
  (message) => {
    if (message.deadPeerTimeoutMs <= message.heartbeatIntervalMs) {
      invalid('must be longer than heartbeatIntervalMs', 'deadPeerTimeoutMs');
    }
  },
);

const credentialRotate = object({
  type: literal('credential.rotate'),
  rotationId: identifier,
  credential: secret,
});

const credentialRotated = object({
  type: literal('credential.rotated'),
  rotationId: identifier,
  persisted: boolean,
  message: nullable(text),
});

const credentialStored = object({ type: literal('credential.stored') });

const heartbeat = object({ type: literal('heartbeat'), sentAtMs: timestamp });

// ── Inventory ────────────────────────────────────────────────────────────────────────────────────

const objectRef = object({ namespace: namespaceName, name: objectName });

const namespaceInfo = object({ name: namespaceName, labels });

const workloadEndpoint = object({
  namespace: namespaceName,
  name: objectName,
  labels,
  ips: array(ip, (l) => l.maxIpsPerEndpoint),
  ports: array(object({ name: portName, port, protocol: oneOf(L4_PROTOCOLS) }), (l) => l.maxPortsPerObject),
  serviceAccount: objectName,
  node: nullable(objectName),
});

const serviceAccountInfo = object({ namespace: namespaceName, name: objectName, labels });

const serviceInfo = object({
  namespace: namespaceName,
  name: namespaceName,
  labels,
  selector: nullable(labels),
  ports: array(
    object({
      name: portName,
      port,
      targetPort: byType({ number: port, string: formatted(PORT_NAME) }, 'a port number or a port name'),
      protocol: oneOf(L4_PROTOCOLS),
    }),
    (l) => l.maxPortsPerObject,
  ),
  clusterIps: array(ip, (l) => l.maxIpsPerEndpoint),
  endpoints: array(
    object({ ip, pod: nullable(objectName), ready: boolean }),
    (l) => l.maxEndpointsPerService,
  ),
});

const inventoryItems = object({
  namespaces: array(namespaceInfo, byInventory),
  endpoints: array(workloadEndpoint, byInventory),
  serviceAccounts: array(serviceAccountInfo, byInventory),
  services: array(serviceInfo, byInventory),
});

const inventoryDeletes = object({
  namespaces: array(namespaceName, byInventory),
  endpoints: array(objectRef, byInventory),
  serviceAccounts: array(objectRef, byInventory),
  services: array(objectRef, byInventory),
});

interface ItemLists {
  namespaces: readonly unknown[];
  endpoints: readonly unknown[];
  serviceAccounts: readonly unknown[];
  services: readonly unknown[];
}

function itemCount(lists: ItemLists): number {
  return (
    lists.namespaces.length + lists.endpoints.length + lists.serviceAccounts.length + lists.services.length
  );
}

function checkItemBudget(items: number, limits: ProtocolLimits): void {
  if (items > limits.maxInventoryItemsPerFrame) {
    overLimit(
      `${String(items)} inventory items exceed the limit of ${String(limits.maxInventoryItemsPerFrame)}`,
    );
  }
}

const chunkPosition = refine(object({ index: count, count: sequence }), (chunk) => {
  if (chunk.index >= chunk.count) invalid('must be less than chunk.count', 'index');
});

function checkChunkCount(count: number, maxChunks: number): void {
  if (count > maxChunks) {
    overLimit(`${String(count)} chunks exceed the limit of ${String(maxChunks)}`, 'chunk', 'count');
  }
}

const inventorySnapshot = refine(
  object({
    type: literal('inventory.snapshot'),
    revision: sequence,
    chunk: chunkPosition,
    items: inventoryItems,
  }),
  (message, limits) => checkItemBudget(itemCount(message.items), limits),
);

const inventoryDelta = refine(
  object({
    type: literal('inventory.delta'),
    revision: sequence,
    sequence,
    upserts: inventoryItems,
    deletes: inventoryDeletes,
  }),
  (message, limits) => checkItemBudget(itemCount(message.upserts) + itemCount(message.deletes), limits),
);

const inventoryNodes = object({
  type: literal('inventory.nodes'),
  nodes: array(
    object({
      name: objectName,
      dataplane: oneOf(DATAPLANES),
      wireguardEnabled: boolean,
      wireguardPublicKey: boolean,
      mtu: nullable(integer(0, 65_535)),
      calicoVersion: nullable(versionString),
    }),
    byInventory,
  ),
});

const inventoryResync = object({
  type: literal('inventory.resync'),
  reason: oneOf(INVENTORY_RESYNC_REASONS),
});

// ── Desired state ────────────────────────────────────────────────────────────────────────────────

const desiredState = object({
  type: literal('desired.state'),
  generation: sequence,
  resources: array(jsonObject, byResources),
});

// Rules across fields, in the order a reader would check them: the chunk's position, then the
// announced size of the whole set against the limits, then this chunk against the announced size.
const desiredStateChunk = refine(
  object({
    type: literal('desired.state.chunk'),
    generation: sequence,
    chunk: chunkPosition,
    total: sequence,
    resources: array(jsonObject, byResources),
  }),
  (message, limits) => {
    checkChunkCount(message.chunk.count, maxDesiredStateChunks(limits));
    if (message.total > limits.maxResourcesPerGeneration) {
      overLimit(
        `${String(message.total)} resources exceed the limit of ${String(limits.maxResourcesPerGeneration)}`,
        'total',
      );
    }
    if (message.chunk.count > message.total) invalid('must not exceed total', 'chunk', 'count');
    if (message.resources.length === 0) invalid('must hold at least one resource', 'resources');
    if (message.resources.length > message.total) invalid('holds more resources than total', 'resources');
  },
);

const resourceRef = object({
  apiVersion: formatted(API_VERSION),
  kind: formatted(KIND),
  namespace: nullable(namespaceName),
  name: objectName,
});

const resourceStatus = variants('status', {
  ok: object({ resource: resourceRef, status: literal('ok') }),
  failed: object({ resource: resourceRef, status: literal('failed'), message: text }),
});

const driftReport = object({ resource: resourceRef, drift: oneOf(DRIFT_KINDS), message: nullable(text) });

const applyResult = object({
  type: literal('apply.result'),
  generation: sequence,
  results: array(resourceStatus, byResources),
  drift: array(driftReport, byResources),
});

// The same order as desired.state.chunk: the chunk's position, the announced totals against the
// limits, then this chunk against the announced totals.
const applyResultChunk = refine(
  object({
    type: literal('apply.result.chunk'),
    generation: sequence,
    chunk: chunkPosition,
    total: object({ results: count, drift: count }),
    results: array(resourceStatus, byResources),
    drift: array(driftReport, byResources),
  }),
  (message, limits) => {
    checkChunkCount(message.chunk.count, maxApplyResultChunks(limits));
    for (const list of ['results', 'drift'] as const) {
      if (message.total[list] > limits.maxResourcesPerGeneration) {
        overLimit(
          `${String(message.total[list])} entries exceed the limit of ${String(limits.maxResourcesPerGeneration)}`,
          'total',
          list,
        );
      }
    }
    if (message.chunk.count > message.total.results + message.total.drift) {
      invalid('must not exceed total.results + total.drift', 'chunk', 'count');
    }
    if (message.results.length + message.drift.length === 0) {
      invalid('a chunk must hold at least one result or drift report', 'results');
    }
    for (const list of ['results', 'drift'] as const) {
      if (message[list].length > message.total[list]) invalid(`holds more than total.${list}`, list);
    }
  },
);

// ── Flows ────────────────────────────────────────────────────────────────────────────────────────

// Records are opaque here: the gateway validates each with @palisade/flows (see messages.ts).
const flowBatch = object({
  type: literal('flow.batch'),
  sequence,
  droppedTotal: count,
  records: array(jsonObject, (l) => l.maxFlowsPerBatch),
});

const flowAck = object({ type: literal('flow.ack'), sequence });

// ── Requests, errors, close ──────────────────────────────────────────────────────────────────────

const request = object({
  type: literal('request'),
  id: identifier,
  method: formatted(METHOD_NAME),
  params: json,
  timeoutMs: durationMs(MAX_REQUEST_TIMEOUT_MS),
});

const response = variants('ok', {
  true: object({ type: literal('response'), id: identifier, ok: literal(true), result: json }),
  false: object({
    type: literal('response'),
    id: identifier,
    ok: literal(false),
    error: object({ code: oneOf(ERROR_CODES), message: text }),
  }),
});

const error = object({ type: literal('error'), code: oneOf(ERROR_CODES), message: text });

const close = object({
  type: literal('close'),
  reason: oneOf(CLOSE_REASON_NAMES),
  message: text,
  retryAfterMs: nullable(durationMs(DAY_MS)),
});

const SCHEMAS = {
  hello,
  welcome,
  'credential.rotate': credentialRotate,
  'credential.rotated': credentialRotated,
  'credential.stored': credentialStored,
  heartbeat,
  'inventory.snapshot': inventorySnapshot,
  'inventory.delta': inventoryDelta,
  'inventory.resync': inventoryResync,
  'inventory.nodes': inventoryNodes,
  'desired.state': desiredState,
  'desired.state.chunk': desiredStateChunk,
  'apply.result': applyResult,
  'apply.result.chunk': applyResultChunk,
  'flow.batch': flowBatch,
  'flow.ack': flowAck,
  request,
  response,
  error,
  close,
};

type SameShape<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type DriftedSchemas = {
  [T in MessageType]: SameShape<Infer<(typeof SCHEMAS)[T]>, MessageOf<T>> extends true ? never : T;
}[MessageType];
// Fails to compile, naming the message type, when a schema and its type in messages.ts disagree.
const _schemasMatchTypes: [DriftedSchemas] extends [never] ? true : DriftedSchemas = true;

export const MESSAGE_SCHEMAS: { readonly [T in MessageType]: Validator<MessageOf<T>> } = SCHEMAS;
