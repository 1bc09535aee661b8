// @palisade/access — roles and the permission map: the one place that says who may do what. The
// API enforces it; the console reads the same map to show only what a role allows. Isomorphic.
// "A role no higher than X" (API tokens, invitations) means: its permission set is a subset of X's.
// It is also the API's contract with its clients beyond roles: the error codes it answers with and
// the rules for the names users choose.
export { ERROR_CODES, isErrorCode, type ErrorCode } from './error-codes.js';
export {
  CLUSTER_NAME_PATTERN,
  DEFAULT_TOKEN_DAYS,
  MAX_CLUSTER_LABELS,
  MAX_TOKEN_DAYS,
  ORG_NAME_MAX_LENGTH,
  ORG_SLUG_MAX_LENGTH,
  ORG_SLUG_PATTERN,
  SESSION_IDLE_MINUTES,
  SESSION_LIFETIME_MINUTES,
  TOKEN_NAME_MAX_LENGTH,
  isClusterName,
  isOrgName,
  isOrgSlug,
} from './input-rules.js';
export {
  EMAIL_DOMAIN_PATTERN,
  SSO_CONNECTION_NAME_MAX_LENGTH,
  SSO_GROUP_NAME_MAX_LENGTH,
  SSO_MAPPABLE_ROLES,
  domainProofRecordName,
  domainProofRecordValue,
  emailDomainOf,
  isEmailDomain,
  isSsoMappableRole,
  type SsoMappableRole,
} from './sso-rules.js';
export {
  ALL_TIERS_PERMISSIONS,
  MAX_SCOPE_TIERS,
  ORG_WIDE_PERMISSIONS,
  SCOPABLE_ROLES,
  UNSCOPED,
  isScoped,
  scopeAllows,
  scopeProblem,
  tierInScope,
  tiersWithin,
  type AccessScope,
} from './scope.js';

export const ROLES = ['owner', 'admin', 'editor', 'viewer', 'auditor'] as const;
export type Role = (typeof ROLES)[number];

export const PERMISSIONS = [
  'org:read',
  'org:update',
  'members:read',
  'members:invite',
  'members:manage',
  'tokens:read',
  'tokens:manage',
  /** Owners only: end all sessions of a member, and set the organisation's session policy. */
  'sessions:manage',
  /** Owners only: issue or revoke the SCIM token and map SCIM groups to roles. */
  'scim:manage',
  'audit:read',
  'audit:export',
  'clusters:read',
  'clusters:write',
  'policies:read',
  'policies:write',
  'flows:read',
  /** See that compliance reports exist: definitions, their schedules and run status. */
  'compliance:read',
  /** Run reports on demand and download their files and signed evidence. */
  'compliance:run',
  /** Create, change and delete report definitions. */
  'compliance:manage',
  /** Configure single sign-on: connections, verified domains, group mappings (owners only). */
  'sso:manage',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

/** What only owners may do: who may sign in and for how long, and who provisions members. */
const OWNER_ONLY: readonly Permission[] = ['sessions:manage', 'scim:manage', 'sso:manage'];

const READ: Permission[] = [
  'org:read',
  'members:read',
  'clusters:read',
  'policies:read',
  'flows:read',
  'compliance:read',
];

export const ROLE_PERMISSIONS: Readonly<Record<Role, ReadonlySet<Permission>>> = {
  owner: new Set(PERMISSIONS),
  admin: new Set(PERMISSIONS.filter((p) => !OWNER_ONLY.includes(p))),
  editor: new Set<Permission>([...READ, 'clusters:write', 'policies:write']),
  viewer: new Set<Permission>([...READ]),
  auditor: new Set<Permission>([...READ, 'audit:read', 'audit:export', 'compliance:run']),
};

export function isRole(v: string): v is Role {
  return (ROLES as readonly string[]).includes(v);
}

export function can(role: Role, permission: Permission): boolean {
  return ROLE_PERMISSIONS[role].has(permission);
}

/** True when every permission of `role` is also held by `holder` (owner-ness is checked separately). */
export function roleWithin(role: Role, holder: Role): boolean {
  if (role === 'owner' && holder !== 'owner') return false;
  for (const p of ROLE_PERMISSIONS[role]) if (!ROLE_PERMISSIONS[holder].has(p)) return false;
  return true;
}
