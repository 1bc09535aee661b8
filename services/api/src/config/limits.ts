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
/** A session's last_seen_at moves at most this often (idle timeouts are at least 5 minutes). */
export const SESSION_TOUCH_INTERVAL_SECONDS = 30;
/** Sessions listed per user (the newest first); older ones still work and can be ended together. */
export const MAX_LISTED_SESSIONS = 100;

// ── SCIM provisioning (decision 0111) ────────────────────────────────────────────────────────────

export const SCIM_LIMITS = {
  /** A list page's size when the IdP asks for none, and the most it may ask for. */
  defaultCount: 100,
  maxCount: 500,
  /** Members one group may hold; a PATCH or PUT that would pass it is refused (400 invalidValue). */
  maxGroupMembers: 10_000,
  /** Filter expressions longer than this are refused before parsing (400 invalidFilter). */
  maxFilterLength: 1_000,
} as const;

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

// ── request limits (decisions 0055–0059): env.ts takes the configurable ones' defaults from here ─

/** GraphQL document limits (validation rules and the pre-parse guard). */
export const GRAPHQL_LIMITS = {
  /** Selection depth; introspection subtrees are exempt (their depth is the meta-schema's). */
  maxDepth: 10,
  /** Cost of an operation: 1 a field, pages multiplied (platform/graphql/complexity.ts). */
  maxComplexity: 5000,
  /** Aliased fields in one operation, counted through fragments: aliases are how a small request
   *  asks for the same expensive field many times. */
  maxAliases: 30,
  /** Cost of one `__schema` selection: a full dump of the schema answers about as many values as a
   *  thousand ordinary fields, so five of them fill the complexity budget. */
  introspectionSchemaCost: 1000,
  /** Cost of one `__type` selection (one type: its fields and their arguments). */
  introspectionTypeCost: 50,
  /** Brackets, braces and parentheses open at once in the query text. graphql-js parses by
   *  recursion; this guard runs first, iteratively, so a deep text cannot exhaust the stack. */
  maxTextNesting: 100,
  /** Nesting of a JSON scalar value (a Calico resource nests about eight levels). */
  maxJsonDepth: 32,
} as const;

/** GraphQL over WebSocket (subscriptions). */
export const SUBSCRIPTION_LIMITS = {
  /** A socket that has not sent `connection_init` by then is closed (graphql-ws 4408). */
  connectionInitTimeoutMs: 5_000,
  /** Every open socket's credential, memberships and roles are checked again this often, so a
   *  revoked token, a signed-out session, a removed member or a changed role loses its live events
   *  within seconds (decision 0056). */
  reauthorizeIntervalMs: 5_000,
} as const;

/** Rate limits, per fixed one-minute window, shared by every replica through Redis (decision 0058).
 *  Each is configurable through env.ts (RATE_LIMIT_*); these are the defaults. */
export const RATE_LIMITS = {
  windowMs: 60_000,
  /** Requests without any credential, per client IP: GraphQL, /auth/*, /v1/install/*. */
  anonymousPerIp: 300,
  /** Failed authentications per client IP: unknown, revoked or expired tokens, forged or expired
   *  sessions, wrong CSRF headers, failed sign-in callbacks, unknown install tokens. Once over, the
   *  IP's credentials are not even checked until the window ends. */
  failedAuthPerIp: 30,
  /** GraphQL cost (complexity.ts) per caller: an API token, or a signed-in user. A console page
   *  costs 500–2,100 (its list of 100 rows dominates) and a busy user loads dozens a minute; this
   *  allows 200 operations of the maximum cost a minute, about three a second sustained. */
  graphqlCostPerCaller: 1_000_000,
  /** GraphQL cost per organisation, summed over its API tokens. */
  graphqlCostPerOrg: 3_000_000,
} as const;

/** An install command's code is good for one fetch of the manifest within this time (decision 0059). */
export const INSTALL_CODE_TTL_MS = 60 * 60_000;

/** Single sign-on (issue 17; decisions 0100–0104). */
export const SSO_LIMITS = {
  /** Connections per organisation. */
  maxConnections: 10,
  /** Email domains per organisation. */
  maxDomains: 50,
  /** Group mappings per connection. */
  maxMappingsPerConnection: 200,
  /** Groups kept from one sign-in (the rest are ignored, and the sign-in says so in the audit). */
  maxGroupsPerSignIn: 500,
  /** IdP metadata XML, as given or fetched. */
  maxMetadataBytes: 512 * 1024,
  /** Fetching IdP metadata or OIDC discovery. */
  fetchTimeoutMs: 10_000,
  /** One DNS TXT lookup for a domain proof. */
  dnsTimeoutMs: 5_000,
  /** SAML clock skew an owner may allow, and the default. */
  maxClockSkewSeconds: 300,
  defaultClockSkewSeconds: 60,
  /** How long a consumed SAML assertion id is remembered, at most (its own validity bounds it too). */
  assertionReplayTtlSeconds: 24 * 3600,
  /** Identities listed in the dry-run role preview. */
  maxPreviewIdentities: 500,
} as const;
