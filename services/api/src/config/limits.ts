// Every limit the API puts on a request, in one place. env.ts takes the configurable ones' defaults
// from here; the others are fixed because no legitimate request comes near them.

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
