import type { PolicyResource } from '../resources/types.js';
export interface NamespaceInput {
    name: string;
    labels?: Record<string, string>;
}
export interface NamedPortInput {
    name: string;
    port: number;
    protocol?: 'TCP' | 'UDP' | 'SCTP';
}
export interface WorkloadInput {
    namespace: string;
    name: string;
    labels?: Record<string, string>;
    /** Defaults to `default`. */
    serviceAccount?: string;
    ips: string[];
    ports?: NamedPortInput[];
}
export interface ServiceAccountInput {
    namespace: string;
    name: string;
    labels?: Record<string, string>;
}
/** A Service and its endpoints (the EndpointSlice view: backend address, port and protocol). */
export interface ServiceInput {
    namespace: string;
    name: string;
    endpoints: {
        ip: string;
        port: number;
        protocol?: 'TCP' | 'UDP' | 'SCTP';
    }[];
}
export interface WorldInput {
    namespaces?: NamespaceInput[];
    endpoints?: WorkloadInput[];
    serviceAccounts?: ServiceAccountInput[];
    services?: ServiceInput[];
    resources?: PolicyResource[];
}
