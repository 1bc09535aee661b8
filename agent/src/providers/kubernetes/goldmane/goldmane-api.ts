// Calico Goldmane's flow API as the agent sees it: the vendored, unchanged `api.proto`
// (agent/proto/goldmane, decision 0050) loaded at run time, and the TypeScript shape of the messages
// the agent reads. Owns the loader options, because they decide that shape: field names as in the
// proto (`keepCase`), 64-bit integers as decimal strings (`longs: String`, so nothing is rounded
// silently; map-values.ts converts them with a range check), enums as their names (an enum value this
// proto does not know stays a number), and unset fields as their defaults.
//
// The tests start their Goldmane from the same definition, so both ends of the wire share one proto.

import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';

export const GOLDMANE_PROTO_PATH = fileURLToPath(
  new URL('../../../../proto/goldmane/api.proto', import.meta.url),
);

const LOADER_OPTIONS: protoLoader.Options = {
  keepCase: true,
  longs: String,
  enums: String,
  defaults: true,
  arrays: true,
};

/** An int64 as decoded: a decimal string (a number when a test server builds the message). */
export type Int64 = string | number;
/** An enum as decoded: its name, or its number when this proto does not know it. */
export type EnumValue = string | number;

export interface GoldmanePolicyHit {
  kind: EnumValue;
  namespace: string;
  name: string;
  tier: string;
  action: EnumValue;
  policy_index: Int64;
  rule_index: Int64;
  trigger: GoldmanePolicyHit | null;
}

export interface GoldmanePolicyTrace {
  enforced_policies: GoldmanePolicyHit[];
  pending_policies: GoldmanePolicyHit[];
}

export interface GoldmaneFlowKey {
  source_name: string;
  source_namespace: string;
  source_type: EnumValue;
  dest_name: string;
  dest_namespace: string;
  dest_type: EnumValue;
  dest_port: Int64;
  dest_service_name: string;
  dest_service_namespace: string;
  dest_service_port_name: string;
  dest_service_port: Int64;
  proto: string;
  reporter: EnumValue;
  action: EnumValue;
  policies: GoldmanePolicyTrace | null;
}

export interface GoldmaneFlow {
  Key: GoldmaneFlowKey | null;
  start_time: Int64;
  end_time: Int64;
  source_labels: string[];
  dest_labels: string[];
  packets_in: Int64;
  packets_out: Int64;
  bytes_in: Int64;
  bytes_out: Int64;
  num_connections_started: Int64;
  num_connections_completed: Int64;
  num_connections_live: Int64;
}

export interface GoldmaneFlowResult {
  id: Int64;
  flow: GoldmaneFlow | null;
}

/** The part of FlowStreamRequest the agent sends (no filter: it wants every flow). */
export interface GoldmaneFlowStreamRequest {
  start_time_gte: number;
  aggregation_interval: number;
}

/** The generated client of `goldmane.Flows`, narrowed to the one method the agent calls. */
export interface GoldmaneFlowsClient extends grpc.Client {
  Stream(request: GoldmaneFlowStreamRequest): grpc.ClientReadableStream<GoldmaneFlowResult>;
}

interface GoldmanePackage {
  Flows: grpc.ServiceClientConstructor;
}

let loaded: GoldmanePackage | undefined;

/** The `goldmane` package of the vendored proto, loaded once per process. */
export function goldmanePackage(): GoldmanePackage {
  if (loaded === undefined) {
    const definition = protoLoader.loadSync(GOLDMANE_PROTO_PATH, LOADER_OPTIONS);
    const root = grpc.loadPackageDefinition(definition) as unknown as { goldmane: GoldmanePackage };
    loaded = root.goldmane;
  }
  return loaded;
}

export function createFlowsClient(
  address: string,
  credentials: grpc.ChannelCredentials,
  options: grpc.ChannelOptions,
): GoldmaneFlowsClient {
  const Flows = goldmanePackage().Flows;
  return new Flows(address, credentials, options) as unknown as GoldmaneFlowsClient;
}
