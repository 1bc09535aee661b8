// Every timeout, interval and bound the agent schedules by, in one place. Protocol timings the
// gateway dictates (heartbeat interval, dead-peer timeout, frame limits) arrive in `welcome` and win
// over these; the values here are the agent's own choices around them.

/** Reconnect backoff: the first delay, the cap, and how much of each delay is randomised. */
export const BACKOFF_INITIAL_MS = 1_000;
export const BACKOFF_MAX_MS = 30_000;
/** A delay is drawn uniformly from [base × (1 − ratio), base]: never above the cap, never in lockstep. */
export const BACKOFF_JITTER_RATIO = 0.5;
/** A session that stayed up this long resets the backoff to its first step. */
export const STABLE_CONNECTION_MS = 60_000;
/** Spread for reasons whose advice is `immediate` (gateway restart, rebalance): avoids a thundering herd. */
export const IMMEDIATE_RECONNECT_JITTER_MS = 1_000;

/** TCP connect plus WebSocket upgrade. */
export const DIAL_TIMEOUT_MS = 10_000;
/** From the upgrade to `welcome`; the gateway's own handshake limit is 10 s. */
export const WELCOME_TIMEOUT_MS = 15_000;
/** How long `close()` waits for the gateway's close frame before dropping the socket. */
export const CLOSE_GRACE_MS = 2_000;
/** Retries of persisting a freshly issued credential before carrying on with it in memory only. */
export const CREDENTIAL_PERSIST_ATTEMPTS = 3;
export const CREDENTIAL_PERSIST_RETRY_MS = 200;

/** Requests from the gateway handled at once; more are answered `rate_limited`. */
export const MAX_CONCURRENT_REQUESTS = 32;

/** Provider changes within this window are sent as one delta. */
export const DELTA_COALESCE_MS = 100;

/** Simulated provider: quiet time after a file event before re-reading, and the polling fallback. */
export const SIMULATED_WATCH_DEBOUNCE_MS = 150;
export const SIMULATED_POLL_INTERVAL_MS = 2_000;
/** Bytes of a cluster description we are willing to parse. */
export const SIMULATED_MAX_FILE_BYTES = 8 * 1024 * 1024;

/** Kubernetes provider: restart delays of a failed list/watch (same shape as the tunnel's backoff). */
export const KUBE_RETRY_INITIAL_MS = 1_000;
export const KUBE_RETRY_MAX_MS = 30_000;
/** Upper bound on the first complete list of every watched kind before `start()` gives up. */
export const KUBE_INITIAL_SYNC_TIMEOUT_MS = 120_000;

/** Drift: at most this many differing fields are named in one report, in at most this many characters. */
export const MAX_DRIFT_PATHS = 10;
export const MAX_DRIFT_MESSAGE_LENGTH = 1_000;
/** A failure message sent in `apply.result` is cut to this length. */
export const MAX_RESULT_MESSAGE_LENGTH = 1_000;
/** Kubernetes provider: one server-side apply or delete request gives up after this long. */
export const KUBE_APPLY_TIMEOUT_MS = 30_000;
/** Kubernetes provider: quiet time after a watch event on a managed object before checking for drift. */
export const KUBE_DRIFT_DEBOUNCE_MS = 200;

/** Flows: records held by the agent (open buckets aside) while the gateway has not acknowledged them. */
export const DEFAULT_FLOW_BUFFER_RECORDS = 200_000;
/** Flows: how often closed buckets move from the aggregator to the buffer and batches go out. */
export const FLOW_FLUSH_INTERVAL_MS = 1_000;
/** Flows: batches sent and not yet acknowledged on one session; more wait for an ack. */
export const FLOW_MAX_BATCHES_IN_FLIGHT = 4;
/** Flows: distinct records in the buckets still filling; beyond it new keys are dropped and counted. */
export const FLOW_AGGREGATOR_MAX_OPEN_RECORDS = 100_000;
/** Simulated provider: the traffic simulator draws connections this often. */
export const SIMULATED_TRAFFIC_TICK_MS = 1_000;
/** Flows: a bucket is handed on this long after it ends, so the last moment's records still make it. */
export const FLOW_BUCKET_CLOSE_GRACE_MS = 2_000;
/** Flows: while the buffer overflows, the warning is logged at most this often. */
export const FLOW_DROP_LOG_INTERVAL_MS = 60_000;
/** Flows: a batch sent this long ago without an ack is sent again (same sequence) on the same session. */
export const FLOW_RESEND_AFTER_MS = 30_000;
