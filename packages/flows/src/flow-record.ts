// The flow record: one aggregated flow for one 15 s bucket, as the agent sends it and the gateway
// stores it (flow-logs spec §6.1). Field names are Calico's, snake_case, so a record reads like a
// Calico Cloud flow log. This is the one definition of the record and of its closed value sets;
// the agent, the gateway, the API and the console import it from here.
//
// Declared as type aliases (not interfaces) so a record is assignable to the protocol's JSON types.

export const ENDPOINT_TYPES = ['wep', 'hep', 'ns', 'net'] as const;
/** `wep` pod, `hep` host endpoint, `ns` (global) network set, `net` any other address. */
export type EndpointType = (typeof ENDPOINT_TYPES)[number];

export const REPORTERS = ['src', 'dst'] as const;
/** `src`: the source endpoint's egress verdict; `dst`: the destination's ingress verdict. */
export type Reporter = (typeof REPORTERS)[number];

export const FLOW_ACTIONS = ['allow', 'deny'] as const;
export type FlowAction = (typeof FLOW_ACTIONS)[number];

/** Lower-case IP protocol names; any other protocol is its decimal number (`"47"`). */
export const NAMED_PROTOCOLS = ['tcp', 'udp', 'sctp', 'icmp', 'icmpv6', 'udplite'] as const;
export type NamedProtocol = (typeof NAMED_PROTOCOLS)[number];

/** Protocols that have no ports: their records carry `dest_port` 0. */
export const PORTLESS_PROTOCOLS: readonly string[] = ['icmp', 'icmpv6'];

/** The value of a name or namespace field that does not apply (not namespaced, not via a Service). */
export const NOT_APPLICABLE = '-';

/** `dest_name`/`source_name` of a `net` endpoint: RFC 1918 (`pvt`) or anything else (`pub`). */
export const NETWORK_NAMES = ['pub', 'pvt'] as const;
export type NetworkName = (typeof NETWORK_NAMES)[number];

/** Policy-hit strings in the current trace format (policy-trace.ts). */
export type FlowPolicies = {
  enforced: string[];
  pending: string[];
};

export type FlowRecord = {
  /** Unix seconds, a multiple of 15. */
  start_time: number;
  /** `start_time + 15`. */
  end_time: number;
  source_type: EndpointType;
  /** `-` when not namespaced. */
  source_namespace: string;
  /** Pod-name prefix ending in `*`, host name, network-set name, or `pub`/`pvt`. */
  source_name: string;
  /** Sorted `key=value` strings, the intersection over the aggregated endpoints. */
  source_labels: string[];
  dest_type: EndpointType;
  dest_namespace: string;
  dest_name: string;
  dest_labels: string[];
  /** 0 when the protocol has no ports. */
  dest_port: number;
  /** `-` when not via a Service (as are the name and port name); the port is then 0. */
  dest_service_namespace: string;
  dest_service_name: string;
  dest_service_port_name: string;
  dest_service_port: number;
  proto: string;
  reporter: Reporter;
  action: FlowAction;
  policies: FlowPolicies;
  packets_in: number;
  packets_out: number;
  bytes_in: number;
  bytes_out: number;
  num_flows: number;
  num_flows_started: number;
  num_flows_completed: number;
};

/** The counters of a record: summed when records merge. */
export const FLOW_COUNTERS = [
  'packets_in',
  'packets_out',
  'bytes_in',
  'bytes_out',
  'num_flows',
  'num_flows_started',
  'num_flows_completed',
] as const satisfies readonly (keyof FlowRecord)[];
export type FlowCounter = (typeof FLOW_COUNTERS)[number];
