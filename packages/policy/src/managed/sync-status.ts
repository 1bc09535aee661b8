// How far a cluster, or one resource on a cluster, is from what Palisade wants it to run
// (decision 0009). The one home of the values: the gateway stores what an agent reported, the API
// derives the rest and publishes the GraphQL enum that the console's generated types read.
/** Every status the API reports. DISCONNECTED is never stored: it is the lease's absence. */
export const SYNC_STATUSES = ['IN_SYNC', 'PENDING', 'FAILED', 'DRIFTED', 'DISCONNECTED'] as const;
export type SyncStatus = (typeof SYNC_STATUSES)[number];

/** Every status, worst first: what a summary of several clusters shows. */
export const SYNC_STATUSES_WORST_FIRST = [
  'FAILED',
  'DRIFTED',
  'PENDING',
  'DISCONNECTED',
  'IN_SYNC',
] as const satisfies readonly SyncStatus[];

/** The statuses a row of cluster_sync_status / cluster_resource_status may hold. */
export const STORED_SYNC_STATUSES = ['IN_SYNC', 'PENDING', 'FAILED', 'DRIFTED'] as const;
export type StoredSyncStatus = (typeof STORED_SYNC_STATUSES)[number];

/** The statuses an agent's apply result maps to (PENDING is the API's: not applied yet). */
export type ReportedSyncStatus = Exclude<StoredSyncStatus, 'PENDING'>;

/** A stored value read back; anything unknown is PENDING (nothing trustworthy was reported). */
export function storedSyncStatus(value: string): StoredSyncStatus {
  return (STORED_SYNC_STATUSES as readonly string[]).includes(value)
    ? (value as StoredSyncStatus)
    : 'PENDING';
}
