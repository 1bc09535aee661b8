import type { Protocol } from '../resources/types.js';
export interface Peer {
    /** `namespace/name` of a workload endpoint or `name` of a host endpoint. */
    endpoint?: string;
    /** The address; for an endpoint, defaults to its first address of the connection's family. */
    ip?: string;
}
export interface Connection {
    source: Peer;
    destination: Peer;
    protocol: Protocol;
    /** Destination port; absent for ICMP and other port-less protocols. */
    port?: number;
    sourcePort?: number;
    icmpType?: number;
    icmpCode?: number;
}
export type Verdict = 'allow' | 'deny';
export interface DirectionVerdict {
    readonly action: Verdict;
    /** Policy hits `index|tier|kind:[ns/]name|action|ruleIndex` (calico-semantics §4.2). */
    readonly trace: readonly string[];
}
export interface PendingVerdict {
    readonly action: Verdict;
    readonly egress: DirectionVerdict | null;
    readonly ingress: DirectionVerdict | null;
}
export interface ConnectionVerdict {
    readonly action: Verdict;
    /** Evaluated for the source endpoint; null when the source is not a known endpoint. */
    readonly egress: DirectionVerdict | null;
    /** Evaluated for the destination endpoint; null when the destination is not a known endpoint. */
    readonly ingress: DirectionVerdict | null;
    /** Staged policies treated as enforced; present when the world holds any staged policy. */
    readonly pending?: PendingVerdict;
}
export declare class ConnectionError extends Error {
    readonly path: string;
    constructor(path: string, message: string);
}
