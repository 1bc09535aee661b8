// The shapes of an impact preview (issue 14): which flow keys a set of unsaved policy edits would
// newly deny or allow, replayed from stored flow records, and why a flow cannot be decided. Plain
// data, shared by the API, the console and the `palisade-policy preview` command.

import type { FlowRecord } from '@palisade/flows';
import type { DirectionVerdict } from '../engine/connection.js';
import type { NamespaceInput, ServiceAccountInput, WorkloadInput } from '../engine/world-input.js';
import type { PolicyResource } from '../resources/types.js';

export const PREVIEW_CLASSES = ['UNCHANGED', 'NEWLY_DENIED', 'NEWLY_ALLOWED', 'UNCERTAIN'] as const;
export type PreviewClass = (typeof PREVIEW_CLASSES)[number];

/**
 * Why a flow cannot be decided: what an edited policy needs that the flow record does not carry.
 * - AGGREGATED_LABELS: a selector uses a label the aggregated endpoints do not share (or a
 *   namespace label of a namespace the inventory does not know).
 * - AGGREGATED_NETWORK: a rule names a CIDR and the record has only `pub`/`pvt` or no address.
 * - AGGREGATED_PORT: a rule names a port range, named port, source port or ICMP type the record
 *   does not pin down.
 * - SERVICE_ACCOUNT: a rule or policy selects by service account, which records do not carry.
 * - UNKNOWN_ENDPOINT: a host endpoint or network set of the record is not among the resources.
 */
export const UNCERTAINTY_REASONS = [
  'AGGREGATED_LABELS',
  'AGGREGATED_NETWORK',
  'AGGREGATED_PORT',
  'SERVICE_ACCOUNT',
  'UNKNOWN_ENDPOINT',
] as const;
export type UncertaintyReason = (typeof UNCERTAINTY_REASONS)[number];

export interface Uncertainty {
  readonly reason: UncertaintyReason;
  /** `Kind/[namespace/]name` of the edited resource whose effect depends on the missing fact. */
  readonly resource: string;
  /** What is missing, e.g. `label "version" on source shop/cart-5f6d7c8b9-*`. */
  readonly detail: string;
}

/** The fields of a record that decide its replay: everything but time, verdict and counters. */
export const FLOW_KEY_FIELDS = [
  'source_type',
  'source_namespace',
  'source_name',
  'source_labels',
  'dest_type',
  'dest_namespace',
  'dest_name',
  'dest_labels',
  'dest_port',
  'dest_service_namespace',
  'dest_service_name',
  'dest_service_port_name',
  'dest_service_port',
  'proto',
  'reporter',
] as const satisfies readonly (keyof FlowRecord)[];
export type FlowKey = Pick<FlowRecord, (typeof FLOW_KEY_FIELDS)[number]>;

/** One flow key of the window, with what was recorded for it. */
export interface PreviewFlowInput extends FlowKey {
  /** The latest recorded verdict and enforced trace of the key. */
  readonly action: FlowRecord['action'];
  readonly enforced: readonly string[];
  readonly first_seen: number;
  readonly last_seen: number;
  readonly num_flows: number;
}

export interface PreviewedFlow {
  /** Stable id of the flow key (hash of its fields). */
  readonly id: string;
  readonly flow: PreviewFlowInput;
  /** The reporter's direction replayed with the policies as they are; null when not evaluable. */
  readonly before: DirectionVerdict | null;
  readonly after: DirectionVerdict | null;
  readonly class: PreviewClass;
  /** Empty unless the class is UNCERTAIN. */
  readonly uncertainties: readonly Uncertainty[];
}

/** What the cluster's inventory says, to resolve aggregated names to labels, accounts and ports. */
export interface PreviewInventory {
  namespaces?: NamespaceInput[];
  /** Pods by their real names; `ips` may be empty. */
  endpoints?: WorkloadInput[];
  serviceAccounts?: ServiceAccountInput[];
}

export interface PreviewInput {
  /** Every stored resource of the cluster (policies, tiers, network sets, host endpoints). */
  readonly before: readonly PolicyResource[];
  /** The same with the edits applied (see applyEdits). */
  readonly after: readonly PolicyResource[];
  readonly flows: Iterable<PreviewFlowInput>;
  readonly inventory?: PreviewInventory;
}
