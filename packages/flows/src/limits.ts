// Every bound a flow record must stay within, in one place: the validator enforces them at the
// gateway's edge, the agent's producers stay inside them. Changing one downwards is a contract
// change: records that were valid would start to be rejected.

/** Width of an aggregation bucket (Goldmane's AGGREGATION_WINDOW); buckets start at multiples of it. */
export const FLOW_BUCKET_SECONDS = 15;

/**
 * How far in the future a record may start, in seconds, relative to the receiver's clock: clock
 * skew between a node and the management plane, plus the bucket still filling (Goldmane keeps one
 * future bucket for the same reason). A record beyond this is a broken clock, not traffic.
 */
export const MAX_FUTURE_SKEW_SECONDS = 5 * 60;

/** Labels on one side of a record (the protocol's per-object label bound). */
export const MAX_LABELS_PER_ENDPOINT = 128;

/** One `key=value` label string: a 317-character Kubernetes key, `=`, a 63-character value. */
export const MAX_LABEL_LENGTH = 381;

/** Hits in one trace (enforced or pending). */
export const MAX_POLICY_HITS_PER_TRACE = 64;

/** Any name field (endpoint, namespace, service, tier, policy). */
export const MAX_NAME_LENGTH = 253;

/** Largest counter value: exact in a JavaScript number and in a Postgres bigint. */
export const MAX_COUNTER = Number.MAX_SAFE_INTEGER;

/**
 * Time constant of a cluster's ingestion rate, in seconds: the gateway smooths records per second
 * with weights exp(-dt / this) at each batch, and the API decays the stored rate by the same law
 * while no batch arrives, so both read one estimator.
 */
export const INGESTION_RATE_TIME_CONSTANT_SECONDS = 60;
