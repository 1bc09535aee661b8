// Every fixed timeout, lifetime and bound of the API, in one place, as the gateway and the agent
// have theirs. What an operator tunes per deployment (session lifetime, request body size, GraphQL
// depth and complexity, the time a cluster has to answer a live request) is configuration and lives
// in env.ts; the protocol's own limits come from @palisade/protocol, and the input bounds the console
// checks too (API token lifetimes, name lengths) from @palisade/access. Constants only: nothing here
// may read the environment or import anything.

const SECOND_MS = 1000;
const HOUR_MS = 3600 * SECOND_MS;
const DAY_MS = 24 * HOUR_MS;

// ── lifetimes ────────────────────────────────────────────────────────────────────────────────────

/** A sign-in in progress (state, nonce and PKCE verifier in the pal_login cookie). */
export const LOGIN_FLOW_TTL_SECONDS = 600;
/** A cluster's one-time enrollment token (architecture §2.4). */
export const ENROLLMENT_TTL_MS = 24 * HOUR_MS;
/** An invitation to join an organisation. */
export const INVITATION_TTL_MS = 7 * DAY_MS;

// ── database ─────────────────────────────────────────────────────────────────────────────────────

/** How long a transaction may run before Prisma rolls it back (Prisma's own default, made explicit). */
export const TRANSACTION_TIMEOUT_MS = 5 * SECOND_MS;
/** An apply's transaction budget: the default plus time for each document (~1 ms measured). */
export const APPLY_TRANSACTION_BASE_MS = 5 * SECOND_MS;
export const APPLY_TRANSACTION_PER_DOCUMENT_MS = 10;
/** Audit events read per statement while the hash chain is verified. */
export const AUDIT_VERIFY_CHUNK = 1000;

// ── GraphQL ──────────────────────────────────────────────────────────────────────────────────────

/** Page sizes of every connection (`first`). */
export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 20;
/** Largest YAML text or JSON object accepted in one policy mutation. */
export const MAX_DOCUMENT_BYTES = 1024 * 1024;
/** Policies one reorderTierPolicies call may order. */
export const MAX_REORDER_POLICIES = 5000;
/** Events queued per subscription before the oldest are dropped (every stream is level-triggered). */
export const MAX_QUEUED_EVENTS_PER_SUBSCRIPTION = 1000;
