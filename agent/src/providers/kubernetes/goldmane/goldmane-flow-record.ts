// TODO(#13): interim stand-in for `FlowRecord` of @palisade/flows, which branch flows-agent is
// writing; replaced by that import as soon as it is merged. Same fields, same meaning (flow-logs
// spec §6.1); nothing outside the goldmane directory may import it.

export type GoldmaneFlowRecord = {
  start_time: number;
  end_time: number;
  source_type: 'wep' | 'hep' | 'ns' | 'net';
  source_namespace: string;
  source_name: string;
  source_labels: string[];
  dest_type: 'wep' | 'hep' | 'ns' | 'net';
  dest_namespace: string;
  dest_name: string;
  dest_labels: string[];
  dest_port: number;
  dest_service_namespace: string;
  dest_service_name: string;
  dest_service_port_name: string;
  dest_service_port: number;
  proto: string;
  reporter: 'src' | 'dst';
  action: 'allow' | 'deny';
  policies: { enforced: string[]; pending: string[] };
  packets_in: number;
  packets_out: number;
  bytes_in: number;
  bytes_out: number;
  num_flows: number;
  num_flows_started: number;
  num_flows_completed: number;
};
