// Tenant isolation, walked over the whole schema. Every Query and Mutation field, and every field of
// Organization that takes arguments or returns a connection, has an entry in ATTACKS below; every
// other field of every type reachable from an organisation or the viewer is listed in THROUGH_PARENT
// (its isolation is its parent's). A field in neither fails the suite, so a new field cannot ship
// without its isolation being considered. Each entry
// is tried by callers who do not belong to the victim organisation (the owner of another org, an
// owner-role token of another org, a signed-in user who belongs to nothing, and nobody at all), and
// the victim's rows are compared before and after. A second part talks to Postgres directly as the
// API's role to show that row-level security alone keeps organisations apart.
import { readFileSync } from 'node:fs';
import {
  buildClientSchema,
  buildSchema,
  getIntrospectionQuery,
  getNamedType,
  type GraphQLSchema,
  isInterfaceType,
  isObjectType,
  isUnionType,
  type IntrospectionQuery,
} from 'graphql';
import { createClient } from 'graphql-ws';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { type Caller, type GqlResult, TestContext } from './context.js';
import { count, expectData, signedInMember, signedInUser, userIdOf } from './factories/members.js';
import { bucketAgo, record, storeFlows } from './flows/flow-rows.js';

type AttackerKind = 'other-org-owner' | 'other-org-token' | 'member-of-nothing' | 'anonymous';

interface Attacker {
  kind: AttackerKind;
  caller: Caller | null;
  /** An organisation slug the attacker may legitimately name (their own, or one they are not in). */
  ownSlug: string;
  email: string | null;
}

interface Attempt {
  query: string;
  variables: Record<string, unknown>;
  /** Acceptable error codes; 'allowed' means the field legitimately answers this caller. */
  expect: string[] | 'allowed';
}

interface Victim {
  slug: string;
  name: string;
  orgId: string;
  ownerUserId: string;
  editorUserId: string;
  editorEmail: string;
  tokenId: string;
  invitationId: string;
  clusterId: string;
  reportDefinitionId: string;
  reportRunId: string;
  /** The owner's session (Session.id) and a SCIM group of the victim (issue 17). */
  sessionId: string;
  scimGroupId: string;
  ssoConnectionId: string;
  ssoDomainId: string;
}

// The ids the victim's data is made of: none may appear in an answer to an outsider.
const secretsOf = (v: Victim): string[] => [
  v.slug,
  v.name,
  v.orgId,
  v.ownerUserId,
  v.editorUserId,
  v.editorEmail,
  v.tokenId,
  v.invitationId,
  v.clusterId,
  v.reportDefinitionId,
  v.reportRunId,
  v.sessionId,
  v.scimGroupId,
  v.ssoConnectionId,
  v.ssoDomainId,
];

const NOT_MEMBER = ['NOT_FOUND'];
const CLOSE_CODES: Record<number, string> = { 4401: 'UNAUTHENTICATED', 4403: 'FORBIDDEN' };
const deniedFor = (a: Attacker, codes: string[]): string[] =>
  a.kind === 'anonymous' ? ['UNAUTHENTICATED'] : codes;

const orgField =
  (selection: string) =>
  (v: Victim, a: Attacker): Attempt[] => [
    {
      query: `query($s: String!) { organization(slug: $s) { ${selection} } }`,
      variables: { s: v.slug },
      expect: deniedFor(a, NOT_MEMBER),
    },
  ];

/**
 * Field → attempts against the victim. Mutations that take an orgSlug are also tried with the
 * attacker's own organisation and the victim's ids (the "confused deputy" variant).
 */
const ATTACKS: Record<string, (v: Victim, a: Attacker) => Attempt[]> = {
  'Query.organization': orgField('id slug name viewerRole createdAt'),
  'Query.viewer': (v, a) => [
    {
      query: `{ viewer { kind user { id email name } token { id name role }
          organizations(first: 100) { totalCount edges { node { id slug name viewerRole } } }
          invitations { id email role status organization { slug name } } } }`,
      variables: {},
      expect: a.kind === 'anonymous' ? ['UNAUTHENTICATED'] : 'allowed',
    },
  ],
  'Mutation.createOrganization': (v, a) => [
    {
      query: 'mutation($i: CreateOrganizationInput!) { createOrganization(input: $i) { id slug } }',
      variables: { i: { slug: v.slug, name: 'Hijacked' } },
      // A user may create organisations, but not take an existing slug; tokens may not at all.
      expect:
        a.kind === 'anonymous'
          ? ['UNAUTHENTICATED']
          : a.kind === 'other-org-token'
            ? ['FORBIDDEN']
            : ['CONFLICT'],
    },
  ],
  'Mutation.acceptInvitation': (v, a) => [
    {
      query: 'mutation($i: AcceptInvitationInput!) { acceptInvitation(input: $i) { id slug } }',
      variables: { i: { invitationId: v.invitationId } },
      expect:
        a.kind === 'anonymous'
          ? ['UNAUTHENTICATED']
          : a.kind === 'other-org-token'
            ? ['FORBIDDEN']
            : ['NOT_FOUND'],
    },
  ],
  'Mutation.inviteMember': (v, a) => [
    {
      query: 'mutation($i: InviteMemberInput!) { inviteMember(input: $i) { id } }',
      variables: { i: { orgSlug: v.slug, email: a.email ?? 'outsider@example.com', role: 'OWNER' } },
      expect: deniedFor(a, NOT_MEMBER),
    },
  ],
  'Mutation.revokeInvitation': (v, a) => [
    {
      query: 'mutation($i: RevokeInvitationInput!) { revokeInvitation(input: $i) { id status } }',
      variables: { i: { orgSlug: v.slug, invitationId: v.invitationId } },
      expect: deniedFor(a, NOT_MEMBER),
    },
    {
      query: 'mutation($i: RevokeInvitationInput!) { revokeInvitation(input: $i) { id status } }',
      variables: { i: { orgSlug: a.ownSlug, invitationId: v.invitationId } },
      expect: deniedFor(a, NOT_MEMBER),
    },
  ],
  'Mutation.updateMemberRole': (v, a) => [
    {
      query: 'mutation($i: UpdateMemberRoleInput!) { updateMemberRole(input: $i) { role } }',
      variables: { i: { orgSlug: v.slug, userId: v.editorUserId, role: 'OWNER' } },
      expect: deniedFor(a, NOT_MEMBER),
    },
    {
      query: 'mutation($i: UpdateMemberRoleInput!) { updateMemberRole(input: $i) { role } }',
      variables: { i: { orgSlug: a.ownSlug, userId: v.ownerUserId, role: 'VIEWER' } },
      expect: deniedFor(a, NOT_MEMBER),
    },
  ],
  'Mutation.removeMember': (v, a) => [
    {
      query: 'mutation($i: RemoveMemberInput!) { removeMember(input: $i) { role } }',
      variables: { i: { orgSlug: v.slug, userId: v.ownerUserId } },
      expect: deniedFor(a, NOT_MEMBER),
    },
    {
      query: 'mutation($i: RemoveMemberInput!) { removeMember(input: $i) { role } }',
      variables: { i: { orgSlug: a.ownSlug, userId: v.editorUserId } },
      expect: deniedFor(a, NOT_MEMBER),
    },
  ],
  'Mutation.leaveOrganization': (v, a) => [
    {
      query: 'mutation($i: LeaveOrganizationInput!) { leaveOrganization(input: $i) { role } }',
      variables: { i: { orgSlug: v.slug } },
      expect: deniedFor(a, NOT_MEMBER),
    },
  ],
  'Mutation.createApiToken': (v, a) => [
    {
      query: 'mutation($i: CreateApiTokenInput!) { createApiToken(input: $i) { secret } }',
      variables: { i: { orgSlug: v.slug, name: 'backdoor', role: 'OWNER' } },
      expect: deniedFor(a, NOT_MEMBER),
    },
  ],
  // Sessions and SCIM (issue 17): owner-only mutations of the victim, and the confused-deputy
  // variants with the attacker's own organisation and the victim's ids.
  'Mutation.revokeSession': (v, a) => [
    {
      query: 'mutation($i: RevokeSessionInput!) { revokeSession(input: $i) { id } }',
      variables: { i: { sessionId: v.sessionId } },
      expect:
        a.kind === 'anonymous'
          ? ['UNAUTHENTICATED']
          : a.kind === 'other-org-token'
            ? ['FORBIDDEN']
            : ['NOT_FOUND'],
    },
  ],
  'Mutation.endMemberSessions': (v, a) => [
    {
      query: 'mutation($i: EndMemberSessionsInput!) { endMemberSessions(input: $i) { endedSessions } }',
      variables: { i: { orgSlug: v.slug, userId: v.ownerUserId } },
      expect: deniedFor(a, NOT_MEMBER),
    },
    {
      query: 'mutation($i: EndMemberSessionsInput!) { endMemberSessions(input: $i) { endedSessions } }',
      variables: { i: { orgSlug: a.ownSlug, userId: v.ownerUserId } },
      expect: deniedFor(a, NOT_MEMBER),
    },
  ],
  'Mutation.updateSessionPolicy': (v, a) => [
    {
      query:
        'mutation($i: UpdateSessionPolicyInput!) { updateSessionPolicy(input: $i) { maxLifetimeMinutes } }',
      variables: { i: { orgSlug: v.slug, maxLifetimeMinutes: 15, idleTimeoutMinutes: 5 } },
      expect: deniedFor(a, NOT_MEMBER),
    },
  ],
  'Mutation.issueScimToken': (v, a) => [
    {
      query: 'mutation($i: ScimTokenInput!) { issueScimToken(input: $i) { secret } }',
      variables: { i: { orgSlug: v.slug } },
      expect: deniedFor(a, NOT_MEMBER),
    },
  ],
  'Mutation.revokeScimToken': (v, a) => [
    {
      query: 'mutation($i: ScimTokenInput!) { revokeScimToken(input: $i) { endpoint } }',
      variables: { i: { orgSlug: v.slug } },
      expect: deniedFor(a, NOT_MEMBER),
    },
  ],
  'Mutation.setScimGroupRole': (v, a) => [
    {
      query: 'mutation($i: SetScimGroupRoleInput!) { setScimGroupRole(input: $i) { id role } }',
      variables: { i: { orgSlug: v.slug, groupId: v.scimGroupId, role: 'OWNER' } },
      expect: deniedFor(a, NOT_MEMBER),
    },
    {
      query: 'mutation($i: SetScimGroupRoleInput!) { setScimGroupRole(input: $i) { id role } }',
      variables: { i: { orgSlug: a.ownSlug, groupId: v.scimGroupId, role: 'OWNER' } },
      expect: deniedFor(a, NOT_MEMBER),
    },
  ],
  'Mutation.revokeApiToken': (v, a) => [
    {
      query: 'mutation($i: RevokeApiTokenInput!) { revokeApiToken(input: $i) { id revokedAt } }',
      variables: { i: { orgSlug: v.slug, tokenId: v.tokenId } },
      expect: deniedFor(a, NOT_MEMBER),
    },
    {
      query: 'mutation($i: RevokeApiTokenInput!) { revokeApiToken(input: $i) { id revokedAt } }',
      variables: { i: { orgSlug: a.ownSlug, tokenId: v.tokenId } },
      expect: deniedFor(a, NOT_MEMBER),
    },
  ],
  'Mutation.updateOrganization': (v, a) => [
    {
      query: 'mutation($i: UpdateOrganizationInput!) { updateOrganization(input: $i) { name } }',
      variables: { i: { orgSlug: v.slug, name: 'Pwned' } },
      expect: deniedFor(a, NOT_MEMBER),
    },
  ],
  // Single sign-on (issue 17): owners only; another organisation's ids answer NOT_FOUND.
  'Organization.ssoRolePreview': (v, a) => [
    ...orgField(`ssoRolePreview(connectionId: "${v.ssoConnectionId}") { email }`)(v, a),
    {
      query:
        'query($s: String!, $c: ID!) { organization(slug: $s) { ssoRolePreview(connectionId: $c) { email } } }',
      variables: { s: a.ownSlug, c: v.ssoConnectionId },
      expect: deniedFor(a, NOT_MEMBER),
    },
  ],
  'Mutation.createSsoConnection': (v, a) => [
    {
      query: 'mutation($i: CreateSsoConnectionInput!) { createSsoConnection(input: $i) { id } }',
      variables: { i: { orgSlug: v.slug, name: 'evil', saml: { metadataXml: '<x/>' } } },
      expect: deniedFor(a, NOT_MEMBER),
    },
  ],
  ...Object.fromEntries(
    (
      [
        ['updateSsoConnection', 'UpdateSsoConnectionInput', { name: 'evil', enabled: false }],
        ['deleteSsoConnection', 'SsoConnectionRefInput', {}],
        [
          'setSsoGroupMappings',
          'SetSsoGroupMappingsInput',
          { mappings: [{ groupName: 'x', role: 'ADMIN' }] },
        ],
      ] as const
    ).map(([field, type, extra]) => [
      `Mutation.${field}`,
      (v: Victim, a: Attacker): Attempt[] =>
        [v.slug, a.ownSlug].map((orgSlug) => ({
          query: `mutation($i: ${type}!) { ${field}(input: $i) { id } }`,
          variables: { i: { orgSlug, connectionId: v.ssoConnectionId, ...extra } },
          expect: deniedFor(a, NOT_MEMBER),
        })),
    ]),
  ),
  'Mutation.addSsoDomain': (v, a) => [
    {
      query: 'mutation($i: AddSsoDomainInput!) { addSsoDomain(input: $i) { id } }',
      variables: { i: { orgSlug: v.slug, domain: 'evil.test' } },
      expect: deniedFor(a, NOT_MEMBER),
    },
  ],
  ...Object.fromEntries(
    (
      [
        ['verifySsoDomain', 'SsoDomainRefInput', {}],
        ['updateSsoDomain', 'UpdateSsoDomainInput', { requireSso: false }],
        ['removeSsoDomain', 'SsoDomainRefInput', {}],
      ] as const
    ).map(([field, type, extra]) => [
      `Mutation.${field}`,
      (v: Victim, a: Attacker): Attempt[] =>
        [v.slug, a.ownSlug].map((orgSlug) => ({
          query: `mutation($i: ${type}!) { ${field}(input: $i) { id } }`,
          variables: { i: { orgSlug, domainId: v.ssoDomainId, ...extra } },
          expect: deniedFor(a, NOT_MEMBER),
        })),
    ]),
  ),
  'Organization.members': orgField(
    'members(first: 100) { totalCount edges { node { user { id email } role } } }',
  ),
  'Organization.invitations': orgField(
    'invitations(first: 100) { totalCount edges { node { id email role } } }',
  ),
  'Organization.apiTokens': orgField(
    'apiTokens(first: 100) { totalCount edges { node { id name prefix } } }',
  ),
  'Organization.auditEvents': orgField(
    'auditEvents(first: 50, filter: { action: "member." }) { totalCount edges { node { seq action targetId } } }',
  ),
  'Organization.auditChain': orgField('auditChain { valid checkedEvents headHash }'),
  // Cluster.nodes and Organization.encryptionCoverage (no arguments) ride along with the cluster.
  'Organization.cluster': orgField(
    'cluster(name: "prod") { id name labels { key value } nodes { name encrypting } } encryptionCoverage { nodes encryptingNodes clusters { clusterName } }',
  ),
  'Organization.clusters': orgField('clusters(first: 100) { totalCount edges { node { id name } } }'),
  // Re-registering an existing name would hand out a fresh enrollment token for the victim's cluster.
  'Mutation.registerCluster': (v, a) => [
    {
      query:
        'mutation($i: RegisterClusterInput!) { registerCluster(input: $i) { enrollmentToken cluster { id } } }',
      variables: { i: { orgSlug: v.slug, name: 'prod' } },
      expect: deniedFor(a, NOT_MEMBER),
    },
  ],
  'Mutation.updateClusterLabels': (v, a) => [
    {
      query: 'mutation($i: UpdateClusterLabelsInput!) { updateClusterLabels(input: $i) { id } }',
      variables: { i: { orgSlug: v.slug, name: 'prod', labels: [{ key: 'owned', value: 'yes' }] } },
      expect: deniedFor(a, NOT_MEMBER),
    },
  ],
  'Mutation.deleteCluster': (v, a) => [
    {
      query: 'mutation($i: DeleteClusterInput!) { deleteCluster(input: $i) { id } }',
      variables: { i: { orgSlug: v.slug, name: 'prod' } },
      expect: deniedFor(a, NOT_MEMBER),
    },
  ],
  // Tried over WebSocket (graphql-ws), the transport subscriptions use; see subscribe() below.
  'Subscription.clusterStatusChanged': (v, a) => [
    {
      query: 'subscription($s: String!) { clusterStatusChanged(orgSlug: $s) { clusterId name status } }',
      variables: { s: v.slug },
      expect: deniedFor(a, NOT_MEMBER),
    },
  ],
  // Policies: every organisation has the built-in `default` tier, so these name a real resource.
  'Organization.policyResources': orgField(
    'policyResources(first: 100, filter: { kind: Tier }) { totalCount edges { node { id name yaml } } }',
  ),
  'Organization.policyResource': orgField(
    'policyResource(kind: Tier, name: "default") { id revision revisions(first: 10) { totalCount } clusterStatus { status } }',
  ),
  'Organization.policyRevisionDiff': orgField(
    'policyRevisionDiff(resource: { kind: Tier, name: "default" }, from: 1, to: 1) { unified }',
  ),
  'Query.exportResources': (v, a) => [
    {
      query: 'query($s: String!) { exportResources(orgSlug: $s) }',
      variables: { s: v.slug },
      expect: deniedFor(a, NOT_MEMBER),
    },
  ],
  'Query.previewPolicyChanges': (v, a) => [
    {
      query: `query($i: PreviewPolicyChangesInput!) { previewPolicyChanges(input: $i) {
        clusters totals { newlyDenied } byNamespace { namespace }
        flows(first: 100) { totalCount edges { node { id cluster sourceName before { trace } } } } } }`,
      variables: {
        i: {
          orgSlug: v.slug,
          yaml: 'apiVersion: projectcalico.org/v3\nkind: GlobalNetworkPolicy\nmetadata:\n  name: planted\nspec:\n  selector: all()\n  types: [Ingress]\n',
          filter: { clusters: ['prod'] },
        },
      },
      expect: deniedFor(a, NOT_MEMBER),
    },
  ],
  'Organization.policyRecommendations': orgField(
    'policyRecommendations(first: 100) { totalCount edges { node { id cluster namespace yaml } } }',
  ),
  'Mutation.refreshPolicyRecommendations': (v, a) => [
    {
      query:
        'mutation($i: RefreshPolicyRecommendationsInput!) { refreshPolicyRecommendations(input: $i) { id yaml } }',
      variables: { i: { orgSlug: v.slug, cluster: 'prod' } },
      expect: deniedFor(a, NOT_MEMBER),
    },
  ],
  'Mutation.acceptPolicyRecommendation': (v, a) => [
    {
      query: 'mutation($i: PolicyRecommendationRefInput!) { acceptPolicyRecommendation(input: $i) { id } }',
      variables: { i: { orgSlug: v.slug, id: '00000000-0000-4000-8000-000000000000' } },
      expect: deniedFor(a, NOT_MEMBER),
    },
  ],
  'Mutation.dismissPolicyRecommendation': (v, a) => [
    {
      query: 'mutation($i: PolicyRecommendationRefInput!) { dismissPolicyRecommendation(input: $i) { id } }',
      variables: { i: { orgSlug: v.slug, id: '00000000-0000-4000-8000-000000000000' } },
      expect: deniedFor(a, NOT_MEMBER),
    },
  ],
  'Mutation.setRecommendationScope': (v, a) => [
    {
      query: 'mutation($i: SetRecommendationScopeInput!) { setRecommendationScope(input: $i) { enabled } }',
      variables: { i: { orgSlug: v.slug, enabled: true } },
      expect: deniedFor(a, NOT_MEMBER),
    },
  ],
  'Mutation.createPolicyResource': (v, a) => [
    {
      query: 'mutation($i: CreatePolicyResourceInput!) { createPolicyResource(input: $i) { id } }',
      variables: {
        i: {
          orgSlug: v.slug,
          yaml: 'apiVersion: projectcalico.org/v3\nkind: Tier\nmetadata:\n  name: planted\n',
        },
      },
      expect: deniedFor(a, NOT_MEMBER),
    },
  ],
  'Mutation.updatePolicyResource': (v, a) => [
    {
      query: 'mutation($i: UpdatePolicyResourceInput!) { updatePolicyResource(input: $i) { id } }',
      variables: {
        i: {
          orgSlug: v.slug,
          object: { apiVersion: 'projectcalico.org/v3', kind: 'Tier', metadata: { name: 'default' } },
          clusterSelector: 'env == "nowhere"',
        },
      },
      expect: deniedFor(a, NOT_MEMBER),
    },
  ],
  'Mutation.deletePolicyResource': (v, a) => [
    {
      query: 'mutation($i: DeletePolicyResourceInput!) { deletePolicyResource(input: $i) { id } }',
      variables: { i: { orgSlug: v.slug, kind: 'Tier', name: 'default' } },
      expect: deniedFor(a, NOT_MEMBER),
    },
  ],
  'Mutation.applyResources': (v, a) => [
    {
      query: 'mutation($i: ApplyResourcesInput!) { applyResources(input: $i) { applied } }',
      variables: {
        i: {
          orgSlug: v.slug,
          yaml: 'apiVersion: projectcalico.org/v3\nkind: Tier\nmetadata:\n  name: planted\n',
        },
      },
      expect: deniedFor(a, NOT_MEMBER),
    },
  ],
  'Mutation.reorderTierPolicies': (v, a) => [
    {
      query: 'mutation($i: ReorderTierPoliciesInput!) { reorderTierPolicies(input: $i) { id } }',
      variables: { i: { orgSlug: v.slug, tier: 'default', order: [] } },
      expect: deniedFor(a, NOT_MEMBER),
    },
  ],
  'Mutation.promoteStagedPolicy': (v, a) => [
    {
      query: 'mutation($i: PromoteStagedPolicyInput!) { promoteStagedPolicy(input: $i) { enforcedKind } }',
      variables: { i: { orgSlug: v.slug, kind: 'StagedNetworkPolicy', namespace: 'prod', name: 'x' } },
      expect: deniedFor(a, NOT_MEMBER),
    },
  ],
  'Mutation.rollbackPolicyResource': (v, a) => [
    {
      query: 'mutation($i: RollbackPolicyResourceInput!) { rollbackPolicyResource(input: $i) { id } }',
      variables: { i: { orgSlug: v.slug, kind: 'Tier', name: 'default', revision: 1 } },
      expect: deniedFor(a, NOT_MEMBER),
    },
  ],
  'Mutation.setDriftMode': (v, a) => [
    {
      query: 'mutation($i: SetDriftModeInput!) { setDriftMode(input: $i) { defaultDriftMode } }',
      variables: { i: { orgSlug: v.slug, mode: 'REVERT' } },
      expect: deniedFor(a, NOT_MEMBER),
    },
  ],
  // Flows: the victim has one stored flow (see beforeAll), so an answer would have something to leak.
  'Organization.flows': orgField(
    'flows(first: 100) { totalCount edges { node { id cluster { id name } sourceName enforcedTrace } } }',
  ),
  'Organization.flowFilterHints': orgField(
    'flowFilterHints(type: SOURCE_NAME, first: 100) { totalCount edges { node { value } } }',
  ),
  'Organization.policyStatistics': orgField(
    'policyStatistics(first: 100, groupBy: RULE) { totalCount edges { node { name allowed { packetsIn } } } }',
  ),
  'Organization.serviceGraph': orgField(
    'serviceGraph(clusters: ["prod"]) { nodes { id name cluster } edges { sourceId destId } }',
  ),
  'Mutation.setFlowRetention': (v, a) => [
    {
      query: 'mutation($i: SetFlowRetentionInput!) { setFlowRetention(input: $i) { days } }',
      variables: { i: { orgSlug: v.slug, days: 1 } },
      expect: deniedFor(a, NOT_MEMBER),
    },
  ],
  'Subscription.flowsLive': (v, a) => [
    {
      query: 'subscription($s: String!) { flowsLive(orgSlug: $s) { cluster { id } flows { id } } }',
      variables: { s: v.slug },
      expect: deniedFor(a, NOT_MEMBER),
    },
  ],
  // Compliance reports: the victim has a definition `victim-report` and one run of it.
  'Organization.reportDefinitions': orgField(
    'reportDefinitions(first: 10) { totalCount edges { node { id name yaml lastSuccessfulRuns { id } activeRuns { id } } } }',
  ),
  'Organization.reportDefinition': orgField(
    'reportDefinition(name: "victim-report") { id nextRunTimes(count: 2) runs(first: 5) { totalCount } revisions(first: 5) { totalCount } }',
  ),
  'Organization.reportScopeCount': orgField(
    'reportScopeCount(scope: { namespaceNames: ["default"] }) { endpoints namespaces serviceAccounts clusters { cluster endpoints } }',
  ),
  'Organization.reportRun': (v, a) => [
    ...orgField(`reportRun(id: "${v.reportRunId}") { id status }`)(v, a),
    // Naming the victim's run id in the attacker's own organisation finds nothing either.
    {
      query: 'query($s: String!, $id: String!) { organization(slug: $s) { reportRun(id: $id) { id } } }',
      variables: { s: a.ownSlug, id: v.reportRunId },
      expect: deniedFor(a, NOT_MEMBER),
    },
  ],
  'Mutation.createReportDefinition': (v, a) => [
    {
      query: 'mutation($i: CreateReportDefinitionInput!) { createReportDefinition(input: $i) { id } }',
      variables: { i: { orgSlug: v.slug, name: 'planted', type: 'INVENTORY', schedule: '0 0 * * *' } },
      expect: deniedFor(a, NOT_MEMBER),
    },
  ],
  'Mutation.updateReportDefinition': (v, a) => [
    {
      query: 'mutation($i: UpdateReportDefinitionInput!) { updateReportDefinition(input: $i) { id } }',
      variables: { i: { orgSlug: v.slug, name: 'victim-report', suspend: true } },
      expect: deniedFor(a, NOT_MEMBER),
    },
  ],
  'Mutation.deleteReportDefinition': (v, a) => [
    {
      query: 'mutation($i: DeleteReportDefinitionInput!) { deleteReportDefinition(input: $i) { id } }',
      variables: { i: { orgSlug: v.slug, name: 'victim-report' } },
      expect: deniedFor(a, NOT_MEMBER),
    },
  ],
  'Mutation.applyGlobalReports': (v, a) => [
    {
      query: 'mutation($i: ApplyGlobalReportsInput!) { applyGlobalReports(input: $i) { name } }',
      variables: {
        i: {
          orgSlug: v.slug,
          yaml: 'apiVersion: projectcalico.org/v3\nkind: GlobalReport\nmetadata:\n  name: victim-report\nspec:\n  reportType: inventory\n  schedule: "0 1 * * *"\n',
        },
      },
      expect: deniedFor(a, NOT_MEMBER),
    },
  ],
  'Mutation.runReport': (v, a) => [
    {
      query: 'mutation($i: RunReportInput!) { runReport(input: $i) { id } }',
      variables: {
        i: {
          orgSlug: v.slug,
          name: 'victim-report',
          start: '2026-01-01T00:00:00Z',
          end: '2026-01-02T00:00:00Z',
        },
      },
      expect: deniedFor(a, NOT_MEMBER),
    },
  ],
  // Evidence: keys are public; a run's archive and the audit export belong to their organisation.
  'Query.evidenceSigningKeys': () => [
    {
      query: '{ evidenceSigningKeys { id algorithm publicKeyPem notBefore notAfter } }',
      variables: {},
      expect: 'allowed',
    },
  ],
  'Mutation.downloadReportRun': (v, a) => [
    {
      query: 'mutation($i: DownloadReportRunInput!) { downloadReportRun(input: $i) { sha256 base64 } }',
      variables: { i: { orgSlug: v.slug, runId: v.reportRunId } },
      expect: deniedFor(a, NOT_MEMBER),
    },
    {
      query: 'mutation($i: DownloadReportRunInput!) { downloadReportRun(input: $i) { sha256 base64 } }',
      variables: { i: { orgSlug: a.ownSlug, runId: v.reportRunId } },
      expect: deniedFor(a, NOT_MEMBER),
    },
  ],
  'Mutation.exportAuditLog': (v, a) => [
    {
      query: 'mutation($i: ExportAuditLogInput!) { exportAuditLog(input: $i) { sha256 base64 } }',
      variables: { i: { orgSlug: v.slug, from: '2020-01-01T00:00:00Z', to: new Date().toISOString() } },
      expect: deniedFor(a, NOT_MEMBER),
    },
  ],
  'Subscription.reportRunChanged': (v, a) => [
    {
      query: 'subscription($s: String!) { reportRunChanged(orgSlug: $s) { id status } }',
      variables: { s: v.slug },
      expect: deniedFor(a, NOT_MEMBER),
    },
  ],
  'Subscription.policySyncChanged': (v, a) => [
    {
      query:
        'subscription($s: String!) { policySyncChanged(orgSlug: $s) { clusterId policySync { status } } }',
      variables: { s: v.slug },
      expect: deniedFor(a, NOT_MEMBER),
    },
  ],
};

/** The fields the table must cover: Query, Mutation and Subscription fields, and Organization's. */
function coveredFields(schema: GraphQLSchema): string[] {
  const out: string[] = [];
  const query = schema.getQueryType();
  const mutation = schema.getMutationType();
  for (const f of Object.keys(query?.getFields() ?? {})) out.push(`Query.${f}`);
  for (const f of Object.keys(mutation?.getFields() ?? {})) out.push(`Mutation.${f}`);
  for (const f of Object.keys(schema.getSubscriptionType()?.getFields() ?? {})) out.push(`Subscription.${f}`);
  const orgFieldDef = query?.getFields()['organization'];
  if (!orgFieldDef)
    throw new Error('Query.organization is gone: the table needs a new way to reach Organization');
  const orgType = getNamedType(orgFieldDef.type);
  if (!('getFields' in orgType)) throw new Error('Query.organization no longer returns an object type');
  for (const [name, field] of Object.entries(orgType.getFields())) {
    const returnsConnection = getNamedType(field.type).name.endsWith('Connection');
    if (field.args.length > 0 || returnsConnection) out.push(`Organization.${name}`);
  }
  return out.sort();
}

/**
 * Every field of every type reachable from Organization or Viewer (through connections, edges and
 * nested objects). Each must be in ATTACKS, or in THROUGH_PARENT below (issue 20).
 */
function reachableFields(schema: GraphQLSchema): string[] {
  const out = new Set<string>();
  const seen = new Set<string>();
  const queue = ['Organization', 'Viewer'];
  for (let name = queue.shift(); name !== undefined; name = queue.shift()) {
    if (seen.has(name)) continue;
    seen.add(name);
    const type = schema.getType(name);
    if (isUnionType(type)) queue.push(...type.getTypes().map((t) => t.name));
    if (!isObjectType(type) && !isInterfaceType(type)) continue;
    for (const [field, def] of Object.entries(type.getFields())) {
      out.add(`${name}.${field}`);
      queue.push(getNamedType(def.type).name);
    }
  }
  return [...out].sort();
}

/**
 * Fields whose isolation is their parent's: they read only the object they hang off (its own
 * columns, or rows of that object selected by paging and filters), take no id or name of anything
 * outside it, and so are reached by an outsider only if an entry of ATTACKS lets the parent through.
 * A new field goes here only after checking that; one that takes an id, a name or a slug of its
 * own needs an entry in ATTACKS instead.
 */
const THROUGH_PARENT = new Set([
  // Sessions (issue 17): the viewer's own sessions; the organisation's policy has no arguments.
  'Viewer.sessions',
  'Session.createdAt',
  'Session.current',
  'Session.expiresAt',
  'Session.id',
  'Session.ip',
  'Session.lastSeenAt',
  'Session.userAgent',
  'Organization.sessionPolicy',
  'SessionPolicy.idleTimeoutMinutes',
  'SessionPolicy.maxLifetimeMinutes',
  'SessionPolicy.updatedAt',
  // SCIM settings (issue 17): owners only, no arguments; every row read is the parent's org's.
  'Organization.scim',
  'ScimSettings.endpoint',
  'ScimSettings.groups',
  'ScimSettings.token',
  'ScimGroup.displayName',
  'ScimGroup.id',
  'ScimGroup.memberCount',
  'ScimGroup.role',
  'ScimToken.createdAt',
  'ScimToken.createdBy',
  'ScimToken.id',
  'ScimToken.lastUsedAt',
  'ScimToken.prefix',
  // Single sign-on: owner-only Organization fields without arguments, and what they return.
  'Organization.ssoConnections',
  'Organization.ssoDomains',
  'SsoIdentityProvider.id',
  'SsoIdentityProvider.kind',
  'SsoIdentityProvider.name',
  'SsoIdentityProvider.enabled',
  'SsoIdentityProvider.groupsClaim',
  'SsoIdentityProvider.oidc',
  'SsoIdentityProvider.saml',
  'SsoIdentityProvider.groupMappings',
  'SsoIdentityProvider.createdAt',
  'SsoIdentityProvider.updatedAt',
  'SsoOidcSettings.issuer',
  'SsoOidcSettings.clientId',
  'SsoOidcSettings.scopes',
  'SsoOidcSettings.redirectUri',
  'SsoSamlSettings.idpEntityId',
  'SsoSamlSettings.idpSsoUrl',
  'SsoSamlSettings.metadataUrl',
  'SsoSamlSettings.clockSkewSeconds',
  'SsoSamlSettings.spEntityId',
  'SsoSamlSettings.spMetadataUrl',
  'SsoSamlSettings.acsUrl',
  'SsoGroupMapping.groupName',
  'SsoGroupMapping.role',
  'SsoDomain.id',
  'SsoDomain.domain',
  'SsoDomain.verified',
  'SsoDomain.verifiedAt',
  'SsoDomain.proofRecordName',
  'SsoDomain.proofRecordValue',
  'SsoDomain.connectionId',
  'SsoDomain.requireSso',
  'SsoDomain.createdAt',
  'SsoRolePreviewRow.email',
  'SsoRolePreviewRow.groups',
  'SsoRolePreviewRow.currentRole',
  'SsoRolePreviewRow.resultingRole',
  'SsoRolePreviewRow.change',
  // Scoped bindings (issue 17): a binding's own scope, shown on the member, invitation or token it
  // belongs to, and the caller's own (Organization.viewerAccess, Viewer.token); no arguments.
  'AccessScope.clusterSelector',
  'AccessScope.organizationWide',
  'AccessScope.tiers',
  'ApiToken.scope',
  'Invitation.scope',
  'Member.scope',
  'Organization.viewerAccess',
  'ViewerAccess.permissions',
  'ViewerAccess.scope',
  'ViewerToken.scope',
  // Compliance reports (issue 15): under Organization.reportDefinitions, reportDefinition and
  // reportRun, which ATTACKS try; their arguments (first, count) only page within the parent.
  // reportScopeCount's answer: counts of the organisation's own inventory, no argument of its own.
  'ReportScopeClusterCount.cluster',
  'ReportScopeClusterCount.endpoints',
  'ReportScopeCount.clusters',
  'ReportScopeCount.endpoints',
  'ReportScopeCount.namespaces',
  'ReportScopeCount.serviceAccounts',
  'ReportDefinition.activeRuns',
  'ReportDefinition.createdAt',
  'ReportDefinition.globalReport',
  'ReportDefinition.id',
  'ReportDefinition.lastFailedRuns',
  'ReportDefinition.lastSuccessfulRuns',
  'ReportDefinition.name',
  'ReportDefinition.nextRunTimes',
  'ReportDefinition.revision',
  'ReportDefinition.revisions',
  'ReportDefinition.runs',
  'ReportDefinition.schedule',
  'ReportDefinition.scope',
  'ReportDefinition.suspend',
  'ReportDefinition.type',
  'ReportDefinition.updatedAt',
  'ReportDefinition.yaml',
  'ReportDefinitionConnection.edges',
  'ReportDefinitionConnection.pageInfo',
  'ReportDefinitionConnection.totalCount',
  'ReportDefinitionEdge.cursor',
  'ReportDefinitionEdge.node',
  'ReportDefinitionRevision.actor',
  'ReportDefinitionRevision.change',
  'ReportDefinitionRevision.createdAt',
  'ReportDefinitionRevision.globalReport',
  'ReportDefinitionRevision.revision',
  'ReportDefinitionRevisionConnection.edges',
  'ReportDefinitionRevisionConnection.pageInfo',
  'ReportDefinitionRevisionConnection.totalCount',
  'ReportDefinitionRevisionEdge.cursor',
  'ReportDefinitionRevisionEdge.node',
  'ReportRun.attempts',
  'ReportRun.createdAt',
  'ReportRun.definitionName',
  'ReportRun.error',
  'ReportRun.finishedAt',
  'ReportRun.id',
  'ReportRun.intervalEnd',
  'ReportRun.intervalStart',
  'ReportRun.progress',
  'ReportRun.requestedBy',
  'ReportRun.scope',
  'ReportRun.startedAt',
  'ReportRun.status',
  'ReportRun.trigger',
  'ReportRun.type',
  'ReportRunConnection.edges',
  'ReportRunConnection.pageInfo',
  'ReportRunConnection.totalCount',
  'ReportRunEdge.cursor',
  'ReportRunEdge.node',
  'ReportScope.clusterSelector',
  'ReportScope.endpointSelector',
  'ReportScope.namespaceNames',
  'ReportScope.namespaceSelector',
  'ReportScope.serviceAccountNames',
  'ReportScope.serviceAccountSelector',
  // Fleet configuration (issue 18): under Cluster (nodes) and PolicyResource, or the organisation's
  // own encryption coverage (no argument of its own).
  'Cluster.nodes',
  'ClusterEncryption.clusterName',
  'ClusterEncryption.encryptingNodes',
  'ClusterEncryption.nodes',
  'ClusterNode.calicoVersion',
  'ClusterNode.dataplane',
  'ClusterNode.encrypting',
  'ClusterNode.mtu',
  'ClusterNode.name',
  'ClusterNode.reportedAt',
  'ClusterNode.wireguardEnabled',
  'ClusterNode.wireguardPublicKey',
  'EncryptionCoverage.clusters',
  'EncryptionCoverage.encryptingNodes',
  'EncryptionCoverage.nodes',
  'Organization.encryptionCoverage',
  'PolicyResource.unvalidatedFields',
  // Recommendations (issue 14): under Organization.policyRecommendations, which ATTACKS try, or
  // Organization.recommendationScope, the organisation's own settings (no argument of its own).
  'Organization.recommendationScope',
  'PolicyRecommendation.changedAt',
  'PolicyRecommendation.cluster',
  'PolicyRecommendation.id',
  'PolicyRecommendation.namespace',
  'PolicyRecommendation.rules',
  'PolicyRecommendation.stable',
  'PolicyRecommendation.state',
  'PolicyRecommendation.unmatchedFlows',
  'PolicyRecommendation.windowFrom',
  'PolicyRecommendation.windowTo',
  'PolicyRecommendation.yaml',
  'PolicyRecommendationConnection.edges',
  'PolicyRecommendationConnection.pageInfo',
  'PolicyRecommendationConnection.totalCount',
  'PolicyRecommendationEdge.cursor',
  'PolicyRecommendationEdge.node',
  'RecommendationScope.enabled',
  'RecommendationScope.excludedNamespacePrefixes',
  'RecommendationScope.initialLookbackSeconds',
  'RecommendationScope.intervalSeconds',
  'RecommendationScope.intraNamespace',
  'RecommendationScope.refreshedAt',
  'RecommendationScope.stabilizationSeconds',
  'RecommendedRuleSource.direction',
  'RecommendedRuleSource.flowKeys',
  'RecommendedRuleSource.index',
  // Flows (issue 13): every field below sits under Organization.flows, flowFilterHints,
  // policyStatistics, serviceGraph or flowRetention, or Cluster, which ATTACKS try as an outsider.
  'Cluster.flowIngestion',
  'Flow.action',
  'Flow.bytesIn',
  'Flow.bytesOut',
  'Flow.cluster',
  'Flow.destLabels',
  'Flow.destName',
  'Flow.destNamespace',
  'Flow.destPort',
  'Flow.destServiceName',
  'Flow.destServiceNamespace',
  'Flow.destServicePort',
  'Flow.destServicePortName',
  'Flow.destType',
  'Flow.endTime',
  'Flow.enforcedPolicies',
  'Flow.enforcedTrace',
  'Flow.id',
  'Flow.numFlows',
  'Flow.numFlowsCompleted',
  'Flow.numFlowsStarted',
  'Flow.packetsIn',
  'Flow.packetsOut',
  'Flow.pendingAction',
  'Flow.pendingPolicies',
  'Flow.pendingTrace',
  'Flow.proto',
  'Flow.reporter',
  'Flow.sourceLabels',
  'Flow.sourceName',
  'Flow.sourceNamespace',
  'Flow.sourceType',
  'Flow.startTime',
  'FlowConnection.edges',
  'FlowConnection.pageInfo',
  'FlowConnection.totalCount',
  'FlowConnection.totalCountExact',
  'FlowEdge.cursor',
  'FlowEdge.node',
  'FlowFilterHint.value',
  'FlowFilterHintConnection.edges',
  'FlowFilterHintConnection.pageInfo',
  'FlowFilterHintConnection.totalCount',
  'FlowFilterHintEdge.cursor',
  'FlowFilterHintEdge.node',
  'FlowIngestionStatus.droppedTotal',
  'FlowIngestionStatus.lastBatchAt',
  'FlowIngestionStatus.recordsAccepted',
  'FlowIngestionStatus.recordsPerSecond',
  'FlowIngestionStatus.recordsRejected',
  'FlowIngestionStatus.rejected',
  'FlowRejection.count',
  'FlowRejection.reason',
  'FlowRetention.days',
  'FlowRetention.oldestVisible',
  'Organization.flowRetention',
  'PolicyHit.action',
  'PolicyHit.kind',
  'PolicyHit.name',
  'PolicyHit.namespace',
  'PolicyHit.policyIndex',
  'PolicyHit.ruleIndex',
  'PolicyHit.tier',
  'PolicyHit.trace',
  'PolicyHit.trigger',
  'PolicyStatistics.allowed',
  'PolicyStatistics.denied',
  'PolicyStatistics.kind',
  'PolicyStatistics.name',
  'PolicyStatistics.namespace',
  'PolicyStatistics.passed',
  'PolicyStatistics.ruleIndex',
  'PolicyStatistics.tier',
  'PolicyStatisticsConnection.edges',
  'PolicyStatisticsConnection.pageInfo',
  'PolicyStatisticsConnection.totalCount',
  'PolicyStatisticsEdge.cursor',
  'PolicyStatisticsEdge.node',
  'PolicyTrigger.kind',
  'PolicyTrigger.name',
  'PolicyTrigger.namespace',
  'ServiceGraph.edges',
  'ServiceGraph.from',
  'ServiceGraph.nodes',
  'ServiceGraph.to',
  'ServiceGraph.truncated',
  'ServiceGraphEdge.allowed',
  'ServiceGraphEdge.deniedAtDest',
  'ServiceGraphEdge.deniedAtSource',
  'ServiceGraphEdge.destId',
  'ServiceGraphEdge.sourceId',
  'ServiceGraphNode.cluster',
  'ServiceGraphNode.id',
  'ServiceGraphNode.name',
  'ServiceGraphNode.namespace',
  'ServiceGraphNode.parentId',
  'ServiceGraphNode.type',
  'TrafficCounters.bytesIn',
  'TrafficCounters.bytesOut',
  'TrafficCounters.connectionsCompleted',
  'TrafficCounters.connectionsStarted',
  'TrafficCounters.packetsIn',
  'TrafficCounters.packetsOut',
  'AgentHealth.receivedAt',
  'AgentHealth.report',
  'ApiToken.createdAt',
  'ApiToken.createdBy',
  'ApiToken.expiresAt',
  'ApiToken.id',
  'ApiToken.lastUsedAt',
  'ApiToken.name',
  'ApiToken.prefix',
  'ApiToken.revokedAt',
  'ApiToken.role',
  'ApiTokenConnection.edges',
  'ApiTokenConnection.pageInfo',
  'ApiTokenConnection.totalCount',
  'ApiTokenEdge.cursor',
  'ApiTokenEdge.node',
  'AuditActor.id',
  'AuditActor.label',
  'AuditActor.type',
  'AuditChainVerification.checkedEvents',
  'AuditChainVerification.firstInvalidSeq',
  'AuditChainVerification.headHash',
  'AuditChainVerification.valid',
  'AuditEvent.action',
  'AuditEvent.actor',
  'AuditEvent.after',
  'AuditEvent.before',
  'AuditEvent.hash',
  'AuditEvent.occurredAt',
  'AuditEvent.prevHash',
  'AuditEvent.seq',
  'AuditEvent.targetId',
  'AuditEvent.targetType',
  'AuditEventConnection.edges',
  'AuditEventConnection.pageInfo',
  'AuditEventConnection.totalCount',
  'AuditEventEdge.cursor',
  'AuditEventEdge.node',
  'Cluster.agentHealth',
  'Cluster.agentVersion',
  'Cluster.calicoVersion',
  'Cluster.connectedSince',
  'Cluster.createdAt',
  'Cluster.endpoints',
  'Cluster.id',
  'Cluster.inventoryUpdatedAt',
  'Cluster.kubernetesVersion',
  'Cluster.labels',
  'Cluster.lastSeenAt',
  'Cluster.name',
  'Cluster.namespaces',
  'Cluster.policySync',
  'Cluster.provider',
  'Cluster.status',
  'ClusterConnection.edges',
  'ClusterConnection.pageInfo',
  'ClusterConnection.totalCount',
  'ClusterEdge.cursor',
  'ClusterEdge.node',
  'ClusterNamespace.endpointCount',
  'ClusterNamespace.labels',
  'ClusterNamespace.name',
  'ClusterNamespaceConnection.edges',
  'ClusterNamespaceConnection.pageInfo',
  'ClusterNamespaceConnection.totalCount',
  'ClusterNamespaceEdge.cursor',
  'ClusterNamespaceEdge.node',
  'ClusterPolicyResourceStatus.diff',
  'ClusterPolicyResourceStatus.generation',
  'ClusterPolicyResourceStatus.kind',
  'ClusterPolicyResourceStatus.message',
  'ClusterPolicyResourceStatus.name',
  'ClusterPolicyResourceStatus.namespace',
  'ClusterPolicyResourceStatus.reportedAt',
  'ClusterPolicyResourceStatus.status',
  'ClusterPolicySync.appliedGeneration',
  'ClusterPolicySync.error',
  'ClusterPolicySync.generation',
  'ClusterPolicySync.reportedAt',
  'ClusterPolicySync.resources',
  'ClusterPolicySync.status',
  'EndpointPort.name',
  'EndpointPort.port',
  'EndpointPort.protocol',
  'Invitation.createdAt',
  'Invitation.email',
  'Invitation.expiresAt',
  'Invitation.id',
  'Invitation.invitedBy',
  'Invitation.organization',
  'Invitation.role',
  'Invitation.status',
  'InvitationConnection.edges',
  'InvitationConnection.pageInfo',
  'InvitationConnection.totalCount',
  'InvitationEdge.cursor',
  'InvitationEdge.node',
  'InvitationOrganization.name',
  'InvitationOrganization.slug',
  'Label.key',
  'Label.value',
  'Member.joinedAt',
  'Member.role',
  'Member.user',
  'MemberConnection.edges',
  'MemberConnection.pageInfo',
  'MemberConnection.totalCount',
  'MemberEdge.cursor',
  'MemberEdge.node',
  'Organization.createdAt',
  'Organization.defaultDriftMode',
  'Organization.id',
  'Organization.name',
  'Organization.slug',
  'Organization.tiers',
  'Organization.viewerRole',
  'OrganizationConnection.edges',
  'OrganizationConnection.pageInfo',
  'OrganizationConnection.totalCount',
  'OrganizationEdge.cursor',
  'OrganizationEdge.node',
  'PageInfo.endCursor',
  'PageInfo.hasNextPage',
  'PageInfo.hasPreviousPage',
  'PageInfo.startCursor',
  'PolicyClusterStatus.cluster',
  'PolicyClusterStatus.diff',
  'PolicyClusterStatus.message',
  'PolicyClusterStatus.status',
  'PolicyFieldChange.after',
  'PolicyFieldChange.before',
  'PolicyFieldChange.op',
  'PolicyFieldChange.path',
  'PolicyResource.builtIn',
  'PolicyResource.clusterSelector',
  'PolicyResource.clusterStatus',
  'PolicyResource.createdAt',
  'PolicyResource.driftMode',
  'PolicyResource.effectiveDriftMode',
  'PolicyResource.id',
  'PolicyResource.kind',
  'PolicyResource.name',
  'PolicyResource.namespace',
  'PolicyResource.object',
  'PolicyResource.revision',
  'PolicyResource.revisions',
  'PolicyResource.tier',
  'PolicyResource.updatedAt',
  'PolicyResource.yaml',
  'PolicyResourceConnection.edges',
  'PolicyResourceConnection.pageInfo',
  'PolicyResourceConnection.totalCount',
  'PolicyResourceEdge.cursor',
  'PolicyResourceEdge.node',
  'PolicyRevision.actor',
  'PolicyRevision.change',
  'PolicyRevision.createdAt',
  'PolicyRevision.object',
  'PolicyRevision.revision',
  'PolicyRevision.yaml',
  'PolicyRevisionConnection.edges',
  'PolicyRevisionConnection.pageInfo',
  'PolicyRevisionConnection.totalCount',
  'PolicyRevisionDiff.changes',
  'PolicyRevisionDiff.from',
  'PolicyRevisionDiff.to',
  'PolicyRevisionDiff.unified',
  'PolicyRevisionEdge.cursor',
  'PolicyRevisionEdge.node',
  'Tier.builtIn',
  'Tier.defaultAction',
  'Tier.name',
  'Tier.order',
  'Tier.policyCount',
  'Tier.resource',
  'User.email',
  'User.id',
  'User.name',
  'Viewer.invitations',
  'Viewer.kind',
  'Viewer.organizations',
  'Viewer.token',
  'Viewer.user',
  'ViewerToken.id',
  'ViewerToken.name',
  'ViewerToken.role',
  'WorkloadEndpoint.ips',
  'WorkloadEndpoint.labels',
  'WorkloadEndpoint.name',
  'WorkloadEndpoint.namespace',
  'WorkloadEndpoint.node',
  'WorkloadEndpoint.ports',
  'WorkloadEndpoint.serviceAccount',
  'WorkloadEndpointConnection.edges',
  'WorkloadEndpointConnection.pageInfo',
  'WorkloadEndpointConnection.totalCount',
  'WorkloadEndpointEdge.cursor',
  'WorkloadEndpointEdge.node',
]);

/** An SSO connection, a verified domain, a mapping and an identity, written as the system role. */
async function seedSso(orgId: string, tag: string, userId: string) {
  const [c] = await ctx.sql<{ id: string }>(
    `INSERT INTO sso_connections (org_id, kind, name, saml_metadata_xml, saml_idp_entity_id, saml_idp_sso_url, saml_idp_certs)
     VALUES ($1, 'saml', $2, '<EntityDescriptor/>', $3, $3, '["cert"]') RETURNING id`,
    [orgId, `${tag}-idp`, `https://idp.${tag}.test/`],
  );
  const [d] = await ctx.sql<{ id: string }>(
    `INSERT INTO sso_domains (org_id, domain, proof_token, verified_at, connection_id)
     VALUES ($1, $2, 'proof', now(), $3) RETURNING id`,
    [orgId, `${tag}-corp.test`, c!.id],
  );
  await ctx.sql(
    `INSERT INTO sso_group_mappings (org_id, connection_id, group_name, role) VALUES ($1, $2, 'eng', 'editor')`,
    [orgId, c!.id],
  );
  await ctx.sql(
    `INSERT INTO sso_identities (org_id, connection_id, subject, user_id, last_groups) VALUES ($1, $2, $3, $4, '["eng"]')`,
    [orgId, c!.id, `${tag}-subject`, userId],
  );
  return { ssoConnectionId: c!.id, ssoDomainId: d!.id };
}

async function snapshot(ctx: TestContext, orgId: string) {
  const q = (text: string) => ctx.sql(text, [orgId]);
  return {
    organization: await q('SELECT * FROM organizations WHERE id = $1'),
    memberships: await q('SELECT * FROM memberships WHERE org_id = $1 ORDER BY user_id'),
    invitations: await q('SELECT * FROM invitations WHERE org_id = $1 ORDER BY id'),
    apiTokens: await q('SELECT * FROM api_tokens WHERE org_id = $1 ORDER BY id'),
    clusters: await q('SELECT * FROM clusters WHERE org_id = $1 ORDER BY id'),
    policyResources: await q('SELECT * FROM policy_resources WHERE org_id = $1 ORDER BY id'),
    policyRevisions: await count(ctx, 'policy_revisions', 'org_id = $1', [orgId]),
    policySettings: await q('SELECT * FROM org_policy_settings WHERE org_id = $1'),
    auditEvents: await count(ctx, 'audit_events', 'org_id = $1', [orgId]),
    auditHead: await q('SELECT * FROM audit_heads WHERE org_id = $1'),
    reportDefinitions: await q('SELECT * FROM report_definitions WHERE org_id = $1 ORDER BY id'),
    reportRevisions: await count(ctx, 'report_definition_revisions', 'org_id = $1', [orgId]),
    reportRuns: await q('SELECT * FROM report_runs WHERE org_id = $1 ORDER BY id'),
    ssoConnections: await q('SELECT * FROM sso_connections WHERE org_id = $1 ORDER BY id'),
    ssoDomains: await q('SELECT * FROM sso_domains WHERE org_id = $1 ORDER BY id'),
    ssoMappings: await q('SELECT * FROM sso_group_mappings WHERE org_id = $1 ORDER BY id'),
    ssoIdentities: await q('SELECT * FROM sso_identities WHERE org_id = $1 ORDER BY subject'),
    // Nothing may be created anywhere by a refused attempt either.
    totals:
      await ctx.sql(`SELECT (SELECT count(*) FROM organizations) AS orgs, (SELECT count(*) FROM memberships) AS members,
      (SELECT count(*) FROM invitations) AS invitations, (SELECT count(*) FROM api_tokens) AS tokens,
      (SELECT count(*) FROM audit_events) AS events`),
  };
}

/**
 * One subscription attempt over graphql-ws, authenticated as the API expects: a token in the
 * connection_init payload, a browser session by its cookie from the console's origin. Resolves with
 * the first message (an error, or an event) in the shape of an HTTP GraphQL result.
 */
async function subscribe(
  a: Pick<Attacker, 'caller'>,
  query: string,
  variables: Record<string, unknown>,
  waitMs = 5000,
): Promise<GqlResult> {
  const headers: Record<string, string> = {};
  const cookie = a.caller?.headers['cookie'];
  if (cookie) Object.assign(headers, { cookie, origin: new URL(ctx.env.PUBLIC_ORIGIN).origin });
  const authorization = a.caller?.headers['authorization'];
  class AuthedWebSocket extends WebSocket {
    constructor(address: string, protocols?: string | string[]) {
      super(address, protocols, { headers });
    }
  }
  const client = createClient({
    url: `${ctx.origin.replace('http', 'ws')}/graphql`,
    webSocketImpl: AuthedWebSocket,
    connectionParams: authorization ? { authorization } : {},
    retryAttempts: 0,
    lazy: true,
  });
  try {
    return await new Promise<GqlResult>((resolve) => {
      const timer = setTimeout(
        () =>
          resolve({
            status: 0,
            data: null,
            errors: [{ message: 'no answer', extensions: { code: 'NO_ANSWER' } }],
          }),
        waitMs,
      );
      client.subscribe(
        { query, variables },
        {
          next: (value) => {
            clearTimeout(timer);
            const r: GqlResult = { status: 101, data: value.data ?? null };
            if (value.errors) r.errors = value.errors as NonNullable<GqlResult['errors']>;
            resolve(r);
          },
          error: (err) => {
            clearTimeout(timer);
            const errors = Array.isArray(err)
              ? (err as NonNullable<GqlResult['errors']>)
              : [
                  {
                    message: String((err as { reason?: string }).reason ?? err),
                    // The API refuses a socket without a valid credential with graphql-ws's 4401.
                    extensions: { code: CLOSE_CODES[(err as { code?: number }).code ?? 0] ?? 'CLOSED' },
                  },
                ];
            resolve({ status: 101, data: null, errors });
          },
          complete: () => undefined,
        },
      );
    });
  } finally {
    await client.dispose();
  }
}

let ctx: TestContext;
let victim: Victim;
let attackers: Attacker[];
let attackerOrgId: string;
let before: Awaited<ReturnType<typeof snapshot>>;
let fileSchema: GraphQLSchema;
let liveSchema: GraphQLSchema;
let scoped: { victim: ScopedVictim; insiders: Insider[] };

beforeAll(async () => {
  ctx = await TestContext.start();

  // The victim: owner alice, an editor, a pending invitation (to dave) and an owner token.
  const v = await ctx.newOrg('victim-org', 'alice@example.com');
  const alice = await signedInMember(ctx, v.slug, 'owner', 'alice@example.com');
  const editorEmail = await ctx.newMember(v.slug, 'editor', 'victim-editor@example.com');
  const token = await ctx.tokenCaller(v.slug, 'owner');
  const invited = expectData(
    await ctx.gql<{ inviteMember: { id: string } }>(
      alice,
      'mutation($i: InviteMemberInput!) { inviteMember(input: $i) { id } }',
      { i: { orgSlug: v.slug, email: 'dave@example.com', role: 'VIEWER' } },
    ),
  );
  const cluster = expectData(
    await ctx.gql<{ registerCluster: { cluster: { id: string } } }>(
      alice,
      'mutation($i: RegisterClusterInput!) { registerCluster(input: $i) { cluster { id } } }',
      { i: { orgSlug: v.slug, name: 'prod', labels: [{ key: 'env', value: 'prod' }] } },
    ),
  );
  // One stored flow of the victim's cluster, with a trace, for the flow fields to (not) reveal.
  await storeFlows(ctx, v.orgId, cluster.registerCluster.cluster.id, [record({ start_time: bucketAgo(5) })]);
  const definition = expectData(
    await ctx.gql<{ createReportDefinition: { id: string } }>(
      alice,
      'mutation($i: CreateReportDefinitionInput!) { createReportDefinition(input: $i) { id } }',
      { i: { orgSlug: v.slug, name: 'victim-report', type: 'NETWORK_ACCESS', schedule: '0 0 * * *' } },
    ),
  );
  const run = expectData(
    await ctx.gql<{ runReport: { id: string } }>(
      alice,
      'mutation($i: RunReportInput!) { runReport(input: $i) { id } }',
      {
        i: {
          orgSlug: v.slug,
          name: 'victim-report',
          start: '2026-01-01T00:00:00Z',
          end: '2026-01-02T00:00:00Z',
        },
      },
    ),
  );
  const tokenRows = await ctx.sql<{ id: string }>('SELECT id FROM api_tokens WHERE org_id = $1', [v.orgId]);
  victim = {
    slug: v.slug,
    name: `Org ${v.slug}`,
    orgId: v.orgId,
    ownerUserId: alice.userId,
    editorUserId: await userIdOf(ctx, editorEmail),
    editorEmail,
    tokenId: tokenRows[0]!.id,
    invitationId: invited.inviteMember.id,
    clusterId: cluster.registerCluster.cluster.id,
    reportDefinitionId: definition.createReportDefinition.id,
    reportRunId: run.runReport.id,
    sessionId: (
      await ctx.sql<{ id: string }>('SELECT id FROM sessions WHERE user_id = $1 LIMIT 1', [alice.userId])
    )[0]!.id,
    scimGroupId: (
      await ctx.sql<{ id: string }>(
        "INSERT INTO scim_groups (org_id, display_name) VALUES ($1, 'Victim Admins') RETURNING id",
        [v.orgId],
      )
    )[0]!.id,
    ...(await seedSso(v.orgId, 'victim', alice.userId)),
  };
  expect(token.secret).toMatch(/^pal_/);

  // The attackers: bob owns another organisation (which also has a pending invitation), that
  // organisation's owner token, mallory who belongs to nothing, and an anonymous caller.
  const other = await ctx.newOrg('attacker-org', 'bob@example.com');
  attackerOrgId = other.orgId;
  const bob = await signedInMember(ctx, other.slug, 'owner', 'bob@example.com');
  await seedSso(other.orgId, 'attacker', bob.userId);
  expectData(
    await ctx.gql(bob, 'mutation($i: InviteMemberInput!) { inviteMember(input: $i) { id } }', {
      i: { orgSlug: other.slug, email: 'erin@example.com', role: 'VIEWER' },
    }),
  );
  expectData(
    await ctx.gql(
      bob,
      'mutation($i: RegisterClusterInput!) { registerCluster(input: $i) { cluster { id } } }',
      {
        i: { orgSlug: other.slug, name: 'prod' },
      },
    ),
  );
  expectData(
    await ctx.gql(bob, 'mutation($i: ApplyGlobalReportsInput!) { applyGlobalReports(input: $i) { name } }', {
      i: {
        orgSlug: other.slug,
        yaml: 'apiVersion: projectcalico.org/v3\nkind: GlobalReport\nmetadata:\n  name: bobs-report\nspec:\n  reportType: policy-audit\n  schedule: "0 0 * * *"\n',
      },
    }),
  );
  expectData(
    await ctx.gql(bob, 'mutation($i: RunReportInput!) { runReport(input: $i) { id } }', {
      i: {
        orgSlug: other.slug,
        name: 'bobs-report',
        start: '2026-01-01T00:00:00Z',
        end: '2026-01-01T01:00:00Z',
      },
    }),
  );
  const otherToken = await ctx.tokenCaller(other.slug, 'owner');
  const mallory = await signedInUser(ctx, 'mallory@example.com');
  attackers = [
    { kind: 'other-org-owner', caller: bob, ownSlug: other.slug, email: bob.email },
    { kind: 'other-org-token', caller: otherToken, ownSlug: other.slug, email: null },
    { kind: 'member-of-nothing', caller: mallory, ownSlug: other.slug, email: mallory.email },
    { kind: 'anonymous', caller: null, ownSlug: other.slug, email: null },
  ];

  fileSchema = buildSchema(readFileSync(new URL('../schema.graphql', import.meta.url), 'utf8'));
  const introspection = await ctx.gql<IntrospectionQuery>(null, getIntrospectionQuery());
  liveSchema = buildClientSchema(expectData(introspection));

  scoped = await setUpScopedInsiders(ctx, victim, alice);

  before = await snapshot(ctx, victim.orgId);
});
afterAll(async () => ctx?.close());

describe('the isolation table covers the schema', () => {
  it('has an entry for every Query and Mutation field and every Organization field with arguments or a connection', () => {
    const required = [...new Set([...coveredFields(fileSchema), ...coveredFields(liveSchema)])].sort();
    const missing = required.filter((f) => !(f in ATTACKS));
    expect(missing, 'add these fields to ATTACKS in tenant-isolation.test.ts').toEqual([]);
    // Sanity: the walk found the API the issue names.
    expect(required).toEqual(
      expect.arrayContaining([
        'Query.organization',
        'Query.viewer',
        'Mutation.createApiToken',
        'Organization.members',
      ]),
    );
  });

  it('has an entry for every field of every type reachable from an organisation or the viewer', () => {
    const reachable = [...new Set([...reachableFields(fileSchema), ...reachableFields(liveSchema)])].sort();
    const missing = reachable.filter((f) => !(f in ATTACKS) && !THROUGH_PARENT.has(f));
    expect(missing, 'add these to ATTACKS, or to THROUGH_PARENT once checked').toEqual([]);
    expect(
      [...THROUGH_PARENT].filter((f) => !reachable.includes(f)),
      'stale THROUGH_PARENT entries',
    ).toEqual([]);
    expect(reachable).toEqual(
      expect.arrayContaining(['Viewer.organizations', 'Cluster.endpoints', 'Tier.name']),
    );
  });

  it('has no stale entries, and the committed schema lists the live operations', () => {
    const present = new Set([...coveredFields(fileSchema), ...coveredFields(liveSchema)]);
    expect(Object.keys(ATTACKS).filter((k) => !present.has(k) && k !== 'Organization.auditChain')).toEqual(
      [],
    );
    expect(coveredFields(fileSchema)).toEqual(coveredFields(liveSchema));
  });
});

describe.each([['other-org-owner'], ['other-org-token'], ['member-of-nothing'], ['anonymous']] as const)(
  'as %s',
  (kind) => {
    it.each(Object.keys(ATTACKS).sort())('%s reveals and changes nothing of the victim', async (field) => {
      const attacker = attackers.find((a) => a.kind === kind)!;
      for (const attempt of ATTACKS[field]!(victim, attacker)) {
        const r: GqlResult = field.startsWith('Subscription.')
          ? await subscribe(attacker, attempt.query, attempt.variables)
          : await ctx.gql(attacker.caller, attempt.query, attempt.variables);
        const shown = JSON.stringify(r);
        if (attempt.expect === 'allowed') {
          expect(r.errors, shown).toBeUndefined();
        } else {
          expect(r.errors?.length, shown).toBeGreaterThan(0);
          for (const e of r.errors ?? []) expect(attempt.expect, shown).toContain(e.extensions?.code);
          for (const value of Object.values(r.data ?? {})) expect(value, shown).toBeNull();
        }
        for (const s of secretsOf(victim)) {
          // createOrganization echoes nothing but the refusal of the taken slug, which names it.
          if (field === 'Mutation.createOrganization' && s === victim.slug) continue;
          expect(shown, `${field} leaked ${s}`).not.toContain(s);
        }
      }
    });
  },
);

describe('an outsider cannot tell a foreign organisation from a missing one', () => {
  it('answers organization(slug) identically for the victim and for a slug that does not exist', async () => {
    const bob = attackers.find((a) => a.kind === 'other-org-owner')!;
    const q = 'query($s: String!) { organization(slug: $s) { id } }';
    const foreign = await ctx.gql(bob.caller, q, { s: victim.slug });
    const missing = await ctx.gql(bob.caller, q, { s: 'no-such-org' });
    expect(foreign).toEqual(missing);
  });
});

describe('after every attempt', () => {
  it("the victim's organisation, members, invitations, tokens and audit log are unchanged", async () => {
    const after = await snapshot(ctx, victim.orgId);
    expect(after).toEqual(before);
    // And the victim still works: its owner token can read its own organisation.
    const valid = await ctx.sql<{ n: string }>(
      'SELECT count(*)::text AS n FROM memberships WHERE org_id = $1',
      [victim.orgId],
    );
    expect(valid[0]?.n).toBe('4'); // alice, the editor and the two scoped insiders
  });
});

describe('row-level security, talking to Postgres as the API role', () => {
  const TENANT_TABLES = [
    'memberships',
    'api_tokens',
    'invitations',
    'audit_events',
    'audit_heads',
    'clusters',
    'policy_resources',
    'policy_revisions',
    'org_policy_settings',
    // What agents report and what the API computes for them: checked behaviourally too, since
    // "RLS enabled and forced" alone would pass a USING (true) policy (issue 20).
    'cluster_inventory',
    // Written by cluster_inventory's triggers (decision 0151), so the rows above give it both orgs.
    'cluster_inventory_history',
    'cluster_desired_state',
    'cluster_sync_status',
    'cluster_resource_status',
    'report_definitions',
    'report_definition_revisions',
    'report_runs',
    // SCIM provisioning and session policies (issue 17).
    'scim_tokens',
    'scim_users',
    'scim_groups',
    'scim_group_members',
    'session_policies',
    'sso_connections',
    'sso_domains',
    'sso_group_mappings',
    'sso_identities',
  ];

  // Both organisations get a SCIM token, a provisioned user in a group, and a session policy.
  beforeAll(async () => {
    for (const [orgId, email] of [
      [victim.orgId, victim.editorEmail],
      [attackerOrgId, 'bob@example.com'],
    ] as const) {
      await ctx.sql(
        "INSERT INTO scim_tokens (org_id, token_prefix, token_hash) VALUES ($1, 'scim_x', decode(md5(random()::text), 'hex'))",
        [orgId],
      );
      const [u] = await ctx.sql<{ id: string }>(
        `INSERT INTO scim_users (org_id, user_id, user_name, resource)
         SELECT $1, id, email, '{}'::jsonb FROM users WHERE email = $2 RETURNING id`,
        [orgId, email],
      );
      const [g] = await ctx.sql<{ id: string }>(
        "INSERT INTO scim_groups (org_id, display_name) VALUES ($1, 'RLS group') RETURNING id",
        [orgId],
      );
      await ctx.sql('INSERT INTO scim_group_members (org_id, group_id, scim_user_id) VALUES ($1, $2, $3)', [
        orgId,
        g!.id,
        u!.id,
      ]);
      await ctx.sql('INSERT INTO session_policies (org_id, idle_timeout_seconds) VALUES ($1, 3600)', [orgId]);
    }
  });

  // Each organisation's cluster gets the rows an agent's reports and a rollout would leave, written
  // as the system role, so an unfiltered read as the API role would show both organisations.
  beforeAll(async () => {
    const clusters = await ctx.sql<{ id: string; org_id: string }>(
      'SELECT id, org_id FROM clusters WHERE org_id = ANY($1::uuid[])',
      [[victim.orgId, attackerOrgId]],
    );
    for (const c of clusters) {
      await ctx.sql(
        `INSERT INTO cluster_inventory (org_id, cluster_id, kind, namespace, name, labels, data)
         VALUES ($1, $2, 'namespace', '', 'shop', '{}', '{}') ON CONFLICT DO NOTHING`,
        [c.org_id, c.id],
      );
      await ctx.sql(
        `INSERT INTO cluster_desired_state (cluster_id, org_id, generation, resource_set_hash, resources)
         VALUES ($1, $2, 1, 'h', '[]') ON CONFLICT DO NOTHING`,
        [c.id, c.org_id],
      );
      await ctx.sql(
        `INSERT INTO cluster_sync_status (cluster_id, org_id, applied_generation, status)
         VALUES ($1, $2, 1, 'IN_SYNC') ON CONFLICT DO NOTHING`,
        [c.id, c.org_id],
      );
      await ctx.sql(
        `INSERT INTO cluster_resource_status (cluster_id, org_id, resource_kind, namespace, name, generation, status)
         VALUES ($1, $2, 'NetworkPolicy', 'shop', 'p', 1, 'IN_SYNC') ON CONFLICT DO NOTHING`,
        [c.id, c.org_id],
      );
    }
  });

  async function asApp<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
    const c = new pg.Client({ connectionString: ctx.env.DATABASE_URL });
    await c.connect();
    try {
      return await fn(c);
    } finally {
      await c.end();
    }
  }

  /** Runs `sql` in a transaction scoped to `orgId` and rolls back; returns rows or the error. */
  async function inOrg(orgId: string | null, sql: string, params: unknown[] = []) {
    return asApp(async (c) => {
      await c.query('BEGIN');
      try {
        if (orgId) await c.query("SELECT set_config('app.org_id', $1, true)", [orgId]);
        const r = await c.query(sql, params);
        return {
          rows: r.rows as Record<string, unknown>[],
          rowCount: r.rowCount,
          error: null as null | { code?: string },
        };
      } catch (err) {
        return { rows: [], rowCount: 0, error: err as { code?: string } };
      } finally {
        await c.query('ROLLBACK');
      }
    });
  }

  it('the API connects as palisade_app', async () => {
    const r = await inOrg(null, 'SELECT current_user AS who');
    expect(r.rows[0]?.['who']).toBe('palisade_app');
  });

  it.each(TENANT_TABLES)(
    'SELECT * FROM %s without WHERE returns only the scoped organisation',
    async (table) => {
      // Both organisations really have rows in this table, so an unfiltered read would show both.
      expect(await count(ctx, table, 'org_id = $1', [victim.orgId])).toBeGreaterThan(0);
      expect(await count(ctx, table, 'org_id = $1', [attackerOrgId])).toBeGreaterThan(0);
      for (const [mine, theirs] of [
        [victim.orgId, attackerOrgId],
        [attackerOrgId, victim.orgId],
      ] as const) {
        const r = await inOrg(mine, `SELECT * FROM ${table}`);
        expect(r.error).toBeNull();
        expect(r.rows.length).toBe(await count(ctx, table, 'org_id = $1', [mine]));
        expect(r.rows.every((row) => row['org_id'] === mine)).toBe(true);
        expect(JSON.stringify(r.rows)).not.toContain(theirs);
      }
    },
  );

  it('SELECT * FROM organizations without WHERE returns only the scoped organisation', async () => {
    const r = await inOrg(victim.orgId, 'SELECT * FROM organizations');
    expect(r.rows.map((o) => o['id'])).toEqual([victim.orgId]);
  });

  it.each([...TENANT_TABLES, 'organizations'])(
    'with no organisation set, %s reads as empty',
    async (table) => {
      const r = await inOrg(null, `SELECT * FROM ${table}`);
      expect(r.error).toBeNull();
      expect(r.rows).toEqual([]);
    },
  );

  it("inserting a row for another organisation is rejected while scoped to one's own", async () => {
    const userId = victim.editorUserId;
    const attempts: [string, unknown[]][] = [
      ["INSERT INTO memberships (org_id, user_id, role) VALUES ($1, $2, 'owner')", [victim.orgId, userId]],
      [
        "INSERT INTO invitations (org_id, email, role, expires_at) VALUES ($1, 'x@example.com', 'owner', now() + interval '1 day')",
        [victim.orgId],
      ],
      [
        "INSERT INTO api_tokens (org_id, name, role, token_prefix, token_hash) VALUES ($1, 'x', 'owner', 'pal_x', '\\x00')",
        [victim.orgId],
      ],
      [
        `INSERT INTO audit_events (org_id, seq, occurred_at, actor_type, actor_label, action, target_type, target_id, prev_hash, hash)
         VALUES ($1, 999, now(), 'system', 'x', 'forged', 'x', 'x', '\\x00', '\\x00')`,
        [victim.orgId],
      ],
      ["INSERT INTO audit_heads (org_id, seq, hash) VALUES ($1, 0, '\\x00')", [victim.orgId]],
      ["INSERT INTO organizations (slug, name) VALUES ('sneaky', 'Sneaky')", []],
    ];
    for (const [sql, params] of attempts) {
      const r = await inOrg(attackerOrgId, sql, params);
      expect(r.error?.code, sql).toBe('42501'); // insufficient_privilege: new row violates row-level security
    }
  });

  it("another organisation's rows cannot be updated or deleted, nor rows moved into it", async () => {
    const u = await inOrg(attackerOrgId, "UPDATE memberships SET role = 'viewer' WHERE org_id = $1", [
      victim.orgId,
    ]);
    expect(u.error).toBeNull();
    expect(u.rowCount).toBe(0);
    const d = await inOrg(attackerOrgId, 'DELETE FROM memberships');
    expect(d.error).toBeNull();
    expect(d.rowCount).toBe(await count(ctx, 'memberships', 'org_id = $1', [attackerOrgId]));
    const t = await inOrg(attackerOrgId, 'UPDATE api_tokens SET revoked_at = now() WHERE id = $1', [
      victim.tokenId,
    ]);
    expect(t.rowCount).toBe(0);
    const moved = await inOrg(attackerOrgId, 'UPDATE invitations SET org_id = $1', [victim.orgId]);
    expect(moved.error?.code).toBe('42501');
    const renamed = await inOrg(attackerOrgId, "UPDATE organizations SET name = 'x' WHERE id = $1", [
      victim.orgId,
    ]);
    expect(renamed.rowCount).toBe(0);
  });

  it('audit events cannot be updated or deleted even within their own organisation', async () => {
    const upd = await inOrg(victim.orgId, "UPDATE audit_events SET action = 'x'");
    expect(upd.error?.code).toBe('42501');
    const del = await inOrg(victim.orgId, 'DELETE FROM audit_events');
    expect(del.error?.code).toBe('42501');
  });

  it('the app role owns no table and cannot bypass row-level security', async () => {
    const owners = await ctx.sql<{ tableowner: string }>(
      "SELECT DISTINCT tableowner FROM pg_tables WHERE schemaname = 'public'",
    );
    expect(owners.length).toBeGreaterThan(0);
    expect(owners.map((o) => o.tableowner)).not.toContain('palisade_app');
    const role = await ctx.sql<{ rolbypassrls: boolean; rolsuper: boolean }>(
      "SELECT rolbypassrls, rolsuper FROM pg_roles WHERE rolname = 'palisade_app'",
    );
    expect(role).toEqual([{ rolbypassrls: false, rolsuper: false }]);
  });

  it('every table with an org_id column has row-level security enabled and forced', async () => {
    const tables = await ctx.sql<{ relname: string; relrowsecurity: boolean; relforcerowsecurity: boolean }>(
      `SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')
          AND (c.relname = 'organizations' OR EXISTS (
                SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'org_id' AND NOT a.attisdropped))
        ORDER BY c.relname`,
    );
    expect(tables.map((t) => t.relname)).toEqual(expect.arrayContaining([...TENANT_TABLES, 'organizations']));
    for (const t of tables)
      expect(t, t.relname).toMatchObject({ relrowsecurity: true, relforcerowsecurity: true });
  });
});

// ── The scope dimension (issue 17 item 3) ─────────────────────────────────────────────────────
// Members and tokens of the victim organisation whose role is limited to other clusters or tiers
// than the victim's `prod` objects. For every entry of ATTACKS, SCOPED says how such an insider is
// tried (its own attempts: an insider reaches the organisation, so it aims at what lies outside
// its scope) or why the field has nothing to do with clusters and tiers. A field of ATTACKS
// without an entry here fails the suite, as a field without an entry in ATTACKS does. Every
// answer is searched for the ids and names of what lies outside the insider's scope, and the
// victim's rows must be unchanged after all of them.

type InsiderKind = 'cluster-limited editor' | 'tier-limited editor' | 'cluster-limited token';

interface Insider {
  kind: InsiderKind;
  caller: Caller;
  /** What the binding is limited by: the victim's prod objects lie outside either way. */
  limit: 'clusters' | 'tiers';
  userId: string | null;
}

interface ScopedVictim {
  slug: string;
  prodClusterId: string;
  stagingClusterId: string;
  prodPolicyId: string;
  stagingPolicyId: string;
  securityTierId: string;
  reportDefinitionId: string;
  reportRunId: string;
  stagingReportId: string;
}

/** 'ALLOWED': answers without error; 'SILENT': a subscription that sends nothing (or answers). */
interface ScopedAttempt {
  query: string;
  variables: Record<string, unknown>;
  expect: readonly string[];
  /** For answers that refuse in their payload rather than with an error (applyResources). */
  refusedIn?: (data: Record<string, unknown> | null) => boolean;
}

type ScopedEntry = { attempts: (v: ScopedVictim, i: Insider) => ScopedAttempt[] } | { notScoped: string };

const ALLOWED = 'ALLOWED';
const SILENT = 'SILENT';
const PROD_POLICY = 'security.prod-lockdown';

/** What lies outside an insider's scope: none of it may appear in any answer. */
const outsideOf = (v: ScopedVictim, i: Insider): string[] =>
  i.limit === 'clusters'
    ? [v.prodClusterId, v.prodPolicyId, PROD_POLICY, v.reportDefinitionId, v.reportRunId]
    : [v.prodPolicyId, PROD_POLICY, v.securityTierId, v.reportDefinitionId, v.reportRunId];

/** Codes by limit: what a cluster-limited and a tier-limited binding get. */
const by =
  (clusters: readonly string[], tiers: readonly string[]) =>
  (i: Insider): readonly string[] =>
    i.limit === 'clusters' ? clusters : tiers;

const read =
  (selection: string, expect: (i: Insider) => readonly string[] = () => [ALLOWED]) =>
  (v: ScopedVictim, i: Insider): ScopedAttempt[] => [
    {
      query: `query($s: String!) { organization(slug: $s) { ${selection} } }`,
      variables: { s: v.slug },
      expect: expect(i),
    },
  ];

const mutate =
  (
    name: string,
    inputType: string,
    selection: string,
    input: (v: ScopedVictim, i: Insider) => Record<string, unknown>,
    expect: (i: Insider) => readonly string[],
  ) =>
  (v: ScopedVictim, i: Insider): ScopedAttempt[] => [
    {
      query: `mutation($i: ${inputType}!) { ${name}(input: $i) { ${selection} } }`,
      variables: { i: { orgSlug: v.slug, ...input(v, i) } },
      expect: expect(i),
    },
  ];

const FORBIDDEN = (): readonly string[] => ['FORBIDDEN'];
const NOT_FOUND = (): readonly string[] => ['NOT_FOUND'];
const PROD_GNP = (selector: string) =>
  `apiVersion: projectcalico.org/v3\nkind: GlobalNetworkPolicy\nmetadata:\n  name: ${PROD_POLICY}\n  annotations:\n    palisade.io/cluster-selector: '${selector}'\nspec:\n  tier: security\n  selector: all()\n  types: [Ingress]\n`;

const SCOPED: Record<string, ScopedEntry> = {
  'Query.organization': {
    attempts: read('id slug name viewerRole viewerAccess { permissions scope { clusterSelector tiers } }'),
  },
  'Query.viewer': {
    attempts: () => [
      {
        query: '{ viewer { kind token { id role scope { clusterSelector tiers organizationWide } } } }',
        variables: {},
        expect: [ALLOWED],
      },
    ],
  },
  'Mutation.createOrganization': { notScoped: 'creates another organisation; nothing of this one is named' },
  // Sessions, SCIM and single sign-on (issue 17) are owners' alone; a limited binding is never an
  // owner (decision 0121), so each answers FORBIDDEN. Ending one's own session names nothing else.
  'Mutation.revokeSession': { notScoped: "ends one of the caller's own sessions" },
  'Mutation.endMemberSessions': {
    attempts: mutate(
      'endMemberSessions',
      'EndMemberSessionsInput',
      'endedSessions',
      () => ({ userId: victim.ownerUserId }),
      FORBIDDEN,
    ),
  },
  'Mutation.updateSessionPolicy': {
    attempts: mutate(
      'updateSessionPolicy',
      'UpdateSessionPolicyInput',
      'updatedAt',
      () => ({ idleTimeoutMinutes: 5 }),
      FORBIDDEN,
    ),
  },
  'Mutation.issueScimToken': {
    attempts: mutate('issueScimToken', 'ScimTokenInput', 'secret', () => ({}), FORBIDDEN),
  },
  'Mutation.revokeScimToken': {
    attempts: mutate('revokeScimToken', 'ScimTokenInput', 'endpoint', () => ({}), FORBIDDEN),
  },
  'Mutation.setScimGroupRole': {
    attempts: mutate(
      'setScimGroupRole',
      'SetScimGroupRoleInput',
      'id',
      () => ({ groupId: victim.scimGroupId, role: 'ADMIN' }),
      FORBIDDEN,
    ),
  },
  'Organization.ssoRolePreview': {
    attempts: read(
      `ssoRolePreview(connectionId: "00000000-0000-0000-0000-000000000000") { email }`,
      FORBIDDEN,
    ),
  },
  'Mutation.createSsoConnection': {
    attempts: mutate(
      'createSsoConnection',
      'CreateSsoConnectionInput',
      'id',
      () => ({ name: 'wide', saml: { metadataXml: '<x/>' } }),
      FORBIDDEN,
    ),
  },
  'Mutation.updateSsoConnection': {
    attempts: mutate(
      'updateSsoConnection',
      'UpdateSsoConnectionInput',
      'id',
      () => ({ connectionId: victim.ssoConnectionId, enabled: false }),
      FORBIDDEN,
    ),
  },
  'Mutation.deleteSsoConnection': {
    attempts: mutate(
      'deleteSsoConnection',
      'SsoConnectionRefInput',
      'id',
      () => ({ connectionId: victim.ssoConnectionId }),
      FORBIDDEN,
    ),
  },
  'Mutation.setSsoGroupMappings': {
    attempts: mutate(
      'setSsoGroupMappings',
      'SetSsoGroupMappingsInput',
      'id',
      () => ({ connectionId: victim.ssoConnectionId, mappings: [] }),
      FORBIDDEN,
    ),
  },
  'Mutation.addSsoDomain': {
    attempts: mutate(
      'addSsoDomain',
      'AddSsoDomainInput',
      'id',
      () => ({ domain: 'wide.example.com' }),
      FORBIDDEN,
    ),
  },
  'Mutation.verifySsoDomain': {
    attempts: mutate(
      'verifySsoDomain',
      'SsoDomainRefInput',
      'id',
      () => ({ domainId: victim.ssoDomainId }),
      FORBIDDEN,
    ),
  },
  'Mutation.updateSsoDomain': {
    attempts: mutate(
      'updateSsoDomain',
      'UpdateSsoDomainInput',
      'id',
      () => ({ domainId: victim.ssoDomainId, requireSso: true }),
      FORBIDDEN,
    ),
  },
  'Mutation.removeSsoDomain': {
    attempts: mutate(
      'removeSsoDomain',
      'SsoDomainRefInput',
      'id',
      () => ({ domainId: victim.ssoDomainId }),
      FORBIDDEN,
    ),
  },
  // A report scope's live count: a cluster-limited binding counts only its clusters (prod is never
  // named); a tier-limited one reads no reports (decision 0122).
  'Organization.reportScopeCount': {
    attempts: read(
      'reportScopeCount { endpoints clusters { cluster endpoints } }',
      by([ALLOWED], ['FORBIDDEN']),
    ),
  },
  'Mutation.acceptInvitation': { notScoped: "accepts an invitation addressed to the caller's own email" },
  'Mutation.leaveOrganization': { notScoped: "ends only the caller's own membership" },
  'Query.evidenceSigningKeys': { notScoped: 'platform-wide public keys, the same for every caller' },
  // Organisation-wide objects: a limited binding never holds their permissions.
  'Mutation.inviteMember': {
    attempts: mutate(
      'inviteMember',
      'InviteMemberInput',
      'id',
      () => ({ email: 'wide@example.com', role: 'EDITOR' }),
      FORBIDDEN,
    ),
  },
  'Mutation.revokeInvitation': {
    attempts: mutate(
      'revokeInvitation',
      'RevokeInvitationInput',
      'id',
      () => ({ invitationId: victim.invitationId }),
      FORBIDDEN,
    ),
  },
  // Widening one's own binding to the whole organisation.
  'Mutation.updateMemberRole': {
    attempts: mutate(
      'updateMemberRole',
      'UpdateMemberRoleInput',
      'role',
      (_v, i) => ({
        userId: i.userId ?? victim.editorUserId,
        role: 'EDITOR',
        scope: { clusterSelector: '' },
      }),
      FORBIDDEN,
    ),
  },
  'Mutation.removeMember': {
    attempts: mutate(
      'removeMember',
      'RemoveMemberInput',
      'role',
      () => ({ userId: victim.ownerUserId }),
      FORBIDDEN,
    ),
  },
  'Mutation.createApiToken': {
    attempts: mutate(
      'createApiToken',
      'CreateApiTokenInput',
      'secret',
      () => ({ name: 'wide', role: 'EDITOR' }),
      FORBIDDEN,
    ),
  },
  'Mutation.revokeApiToken': {
    attempts: mutate(
      'revokeApiToken',
      'RevokeApiTokenInput',
      'id',
      () => ({ tokenId: victim.tokenId }),
      FORBIDDEN,
    ),
  },
  'Mutation.updateOrganization': {
    attempts: mutate(
      'updateOrganization',
      'UpdateOrganizationInput',
      'name',
      () => ({ name: 'Narrowed' }),
      FORBIDDEN,
    ),
  },
  'Organization.members': {
    attempts: read('members(first: 100) { totalCount edges { node { role scope { tiers } } } }'),
  },
  'Organization.invitations': { attempts: read('invitations(first: 10) { totalCount }', FORBIDDEN) },
  'Organization.apiTokens': { attempts: read('apiTokens(first: 10) { totalCount }', FORBIDDEN) },
  'Organization.auditEvents': {
    attempts: read('auditEvents(first: 50) { totalCount edges { node { targetId after } } }', FORBIDDEN),
  },
  'Organization.auditChain': { attempts: read('auditChain { valid }', FORBIDDEN) },
  // Clusters: a cluster-limited binding does not find prod; a tier-limited one reads clusters but
  // changes none (registering, relabelling or deleting one changes what every tier enforces).
  'Organization.cluster': {
    attempts: read(
      'cluster(name: "prod") { id name nodes { name } } encryptionCoverage { clusters { clusterName } }',
      by(['NOT_FOUND'], [ALLOWED]),
    ),
  },
  'Organization.clusters': {
    attempts: read('clusters(first: 100) { totalCount edges { node { id name labels { value } } } }'),
  },
  'Mutation.registerCluster': {
    attempts: (v, i) => [
      ...mutate(
        'registerCluster',
        'RegisterClusterInput',
        'enrollmentToken',
        () => ({ name: 'prod' }),
        by(['FORBIDDEN', 'CONFLICT'], ['FORBIDDEN']),
      )(v, i),
      ...mutate(
        'registerCluster',
        'RegisterClusterInput',
        'enrollmentToken',
        () => ({ name: 'rogue', labels: [{ key: 'env', value: 'prod' }] }),
        FORBIDDEN,
      )(v, i),
    ],
  },
  'Mutation.updateClusterLabels': {
    attempts: (v, i) => [
      ...mutate(
        'updateClusterLabels',
        'UpdateClusterLabelsInput',
        'id',
        () => ({ name: 'prod', labels: [{ key: 'env', value: 'staging' }] }),
        by(['NOT_FOUND'], ['FORBIDDEN']),
      )(v, i),
      // Moving an own cluster out of the scope.
      ...mutate(
        'updateClusterLabels',
        'UpdateClusterLabelsInput',
        'id',
        () => ({ name: 'staging', labels: [{ key: 'env', value: 'prod' }] }),
        FORBIDDEN,
      )(v, i),
    ],
  },
  'Mutation.deleteCluster': {
    attempts: mutate(
      'deleteCluster',
      'DeleteClusterInput',
      'id',
      () => ({ name: 'prod' }),
      by(['NOT_FOUND'], ['FORBIDDEN']),
    ),
  },
  'Subscription.clusterStatusChanged': {
    attempts: (v) => [
      {
        query: 'subscription($s: String!) { clusterStatusChanged(orgSlug: $s) { clusterId name } }',
        variables: { s: v.slug },
        expect: [SILENT],
      },
    ],
  },
  // Policies: prod-lockdown (tier security, clusters env == "prod") is outside every insider.
  'Organization.policyResources': {
    attempts: read(
      'policyResources(first: 100) { totalCount edges { node { id name tier clusterSelector yaml } } }',
    ),
  },
  'Organization.policyResource': {
    attempts: read(
      `policyResource(kind: GlobalNetworkPolicy, name: "${PROD_POLICY}") { id yaml }`,
      NOT_FOUND,
    ),
  },
  'Organization.policyRevisionDiff': {
    attempts: read(
      `policyRevisionDiff(resource: { kind: GlobalNetworkPolicy, name: "${PROD_POLICY}" }, from: 1, to: 1) { unified }`,
      NOT_FOUND,
    ),
  },
  'Query.exportResources': {
    attempts: (v) => [
      {
        query: 'query($s: String!) { exportResources(orgSlug: $s) }',
        variables: { s: v.slug },
        expect: [ALLOWED],
      },
    ],
  },
  'Query.previewPolicyChanges': {
    attempts: (v, i) => [
      {
        query: `query($i: PreviewPolicyChangesInput!) { previewPolicyChanges(input: $i) {
          clusters flows(first: 100) { totalCount edges { node { id cluster before { trace } } } } } }`,
        variables: { i: { orgSlug: v.slug, yaml: PROD_GNP('env == "prod"') } },
        expect: by([ALLOWED], ['FORBIDDEN'])(i),
      },
    ],
  },
  'Organization.policyRecommendations': {
    attempts: read('policyRecommendations(first: 100) { totalCount edges { node { id cluster yaml } } }'),
  },
  'Mutation.refreshPolicyRecommendations': {
    attempts: mutate(
      'refreshPolicyRecommendations',
      'RefreshPolicyRecommendationsInput',
      'id',
      () => ({ cluster: 'prod' }),
      by(['NOT_FOUND'], [ALLOWED]),
    ),
  },
  'Mutation.acceptPolicyRecommendation': {
    attempts: mutate(
      'acceptPolicyRecommendation',
      'PolicyRecommendationRefInput',
      'id',
      () => ({ id: '00000000-0000-4000-8000-000000000000' }),
      NOT_FOUND,
    ),
  },
  'Mutation.dismissPolicyRecommendation': {
    attempts: mutate(
      'dismissPolicyRecommendation',
      'PolicyRecommendationRefInput',
      'id',
      () => ({ id: '00000000-0000-4000-8000-000000000000' }),
      NOT_FOUND,
    ),
  },
  'Mutation.setRecommendationScope': {
    attempts: mutate(
      'setRecommendationScope',
      'SetRecommendationScopeInput',
      'enabled',
      () => ({ enabled: false }),
      FORBIDDEN,
    ),
  },
  'Mutation.createPolicyResource': {
    attempts: mutate(
      'createPolicyResource',
      'CreatePolicyResourceInput',
      'id',
      () => ({ yaml: PROD_GNP('env == "prod"').replace(PROD_POLICY, 'security.planted') }),
      // The security tier reads as missing to both (VALIDATION_FAILED naming spec.tier).
      () => ['FORBIDDEN', 'VALIDATION_FAILED'],
    ),
  },
  'Mutation.updatePolicyResource': {
    attempts: (v, i) => [
      ...mutate(
        'updatePolicyResource',
        'UpdatePolicyResourceInput',
        'id',
        () => ({
          object: {
            apiVersion: 'projectcalico.org/v3',
            kind: 'GlobalNetworkPolicy',
            metadata: { name: PROD_POLICY },
            spec: { tier: 'security', selector: 'all()', types: ['Ingress'] },
          },
          clusterSelector: 'env == "staging"',
        }),
        () => ['NOT_FOUND', 'FORBIDDEN', 'CONFLICT'],
      )(v, i),
      // The application tier is visible to a cluster-limited binding but reaches every cluster.
      ...mutate(
        'updatePolicyResource',
        'UpdatePolicyResourceInput',
        'id',
        (_v, ins) => ({
          object: {
            apiVersion: 'projectcalico.org/v3',
            kind: 'Tier',
            metadata: { name: ins.limit === 'clusters' ? 'application' : 'security' },
            spec: { order: 1 },
          },
        }),
        by(['FORBIDDEN'], ['NOT_FOUND', 'FORBIDDEN', 'CONFLICT']),
      )(v, i),
    ],
  },
  'Mutation.deletePolicyResource': {
    attempts: (v, i) => [
      ...mutate(
        'deletePolicyResource',
        'DeletePolicyResourceInput',
        'id',
        () => ({ kind: 'GlobalNetworkPolicy', name: PROD_POLICY }),
        NOT_FOUND,
      )(v, i),
      ...mutate(
        'deletePolicyResource',
        'DeletePolicyResourceInput',
        'id',
        (_v, ins) => ({ kind: 'Tier', name: ins.limit === 'clusters' ? 'application' : 'security' }),
        by(['FORBIDDEN', 'PRECONDITION_FAILED'], ['NOT_FOUND']),
      )(v, i),
    ],
  },
  'Mutation.applyResources': {
    attempts: (v) => [
      {
        query:
          'mutation($i: ApplyResourcesInput!) { applyResources(input: $i) { applied results { action errors { message } } } }',
        variables: { i: { orgSlug: v.slug, yaml: PROD_GNP('env == "staging"') } },
        expect: ['FORBIDDEN', 'CONFLICT'],
        refusedIn: (d) => (d?.['applyResources'] as { applied: boolean } | undefined)?.applied === false,
      },
    ],
  },
  'Mutation.reorderTierPolicies': {
    attempts: mutate(
      'reorderTierPolicies',
      'ReorderTierPoliciesInput',
      'id',
      () => ({ tier: 'security', order: [{ kind: 'GlobalNetworkPolicy', name: PROD_POLICY }] }),
      () => ['NOT_FOUND', 'FORBIDDEN', 'VALIDATION_FAILED'],
    ),
  },
  'Mutation.promoteStagedPolicy': {
    attempts: mutate(
      'promoteStagedPolicy',
      'PromoteStagedPolicyInput',
      'enforcedKind',
      () => ({ kind: 'StagedGlobalNetworkPolicy', name: PROD_POLICY }),
      NOT_FOUND,
    ),
  },
  'Mutation.rollbackPolicyResource': {
    attempts: mutate(
      'rollbackPolicyResource',
      'RollbackPolicyResourceInput',
      'id',
      () => ({ kind: 'GlobalNetworkPolicy', name: PROD_POLICY, revision: 1 }),
      NOT_FOUND,
    ),
  },
  'Mutation.setDriftMode': {
    attempts: (v, i) => [
      ...mutate(
        'setDriftMode',
        'SetDriftModeInput',
        'defaultDriftMode',
        () => ({ mode: 'REVERT' }),
        FORBIDDEN,
      )(v, i),
      ...mutate(
        'setDriftMode',
        'SetDriftModeInput',
        'defaultDriftMode',
        () => ({ mode: 'REVERT', resource: { kind: 'GlobalNetworkPolicy', name: PROD_POLICY } }),
        NOT_FOUND,
      )(v, i),
      // A tier the cluster-limited binding sees but that targets every cluster is read-only to it;
      // the tier-limited one does not see security at all.
      ...mutate(
        'setDriftMode',
        'SetDriftModeInput',
        'defaultDriftMode',
        (_v, ins) => ({
          mode: 'REVERT',
          resource: { kind: 'Tier', name: ins.limit === 'clusters' ? 'application' : 'security' },
        }),
        by(['FORBIDDEN'], ['NOT_FOUND']),
      )(v, i),
    ],
  },
  // Flows: prod's flow is hidden from a cluster-limited binding; a tier-limited one reads no flows.
  'Organization.flows': {
    attempts: read(
      'flows(first: 100) { totalCount edges { node { id cluster { id name } enforcedTrace } } }',
      by([ALLOWED], ['FORBIDDEN']),
    ),
  },
  'Organization.flowFilterHints': {
    attempts: read(
      'flowFilterHints(type: SOURCE_NAME, first: 100) { totalCount edges { node { value } } }',
      by([ALLOWED], ['FORBIDDEN']),
    ),
  },
  'Organization.policyStatistics': {
    attempts: read(
      'policyStatistics(first: 100, groupBy: RULE) { totalCount edges { node { name tier } } }',
      by([ALLOWED], ['FORBIDDEN']),
    ),
  },
  'Organization.serviceGraph': {
    attempts: read(
      'serviceGraph(clusters: ["prod"]) { nodes { id name cluster } edges { sourceId destId } }',
      by([ALLOWED, 'NOT_FOUND', 'VALIDATION_FAILED'], ['FORBIDDEN']),
    ),
  },
  'Mutation.setFlowRetention': {
    attempts: mutate('setFlowRetention', 'SetFlowRetentionInput', 'days', () => ({ days: 1 }), FORBIDDEN),
  },
  'Subscription.flowsLive': {
    attempts: (v, i) => [
      {
        query: 'subscription($s: String!) { flowsLive(orgSlug: $s) { cluster { id } flows { id } } }',
        variables: { s: v.slug },
        expect: by([SILENT], ['FORBIDDEN'])(i),
      },
    ],
  },
  // Compliance: victim-report covers every cluster, so it lies outside a cluster-limited binding;
  // a tier-limited one reads no reports.
  'Organization.reportDefinitions': {
    attempts: read(
      'reportDefinitions(first: 10) { totalCount edges { node { id name lastSuccessfulRuns { id } } } }',
      by([ALLOWED], ['FORBIDDEN']),
    ),
  },
  'Organization.reportDefinition': {
    attempts: read(
      'reportDefinition(name: "victim-report") { id runs(first: 5) { totalCount } }',
      by(['NOT_FOUND'], ['FORBIDDEN']),
    ),
  },
  'Organization.reportRun': {
    attempts: (v, i) =>
      read(`reportRun(id: "${v.reportRunId}") { id status }`, by(['NOT_FOUND'], ['FORBIDDEN']))(v, i),
  },
  'Mutation.createReportDefinition': {
    attempts: mutate(
      'createReportDefinition',
      'CreateReportDefinitionInput',
      'id',
      () => ({
        name: 'planted',
        type: 'INVENTORY',
        schedule: '0 0 * * *',
        scope: { clusterSelector: 'env == "prod"' },
      }),
      FORBIDDEN,
    ),
  },
  'Mutation.updateReportDefinition': {
    attempts: mutate(
      'updateReportDefinition',
      'UpdateReportDefinitionInput',
      'id',
      () => ({ name: 'victim-report', suspend: true }),
      by(['NOT_FOUND', 'FORBIDDEN'], ['FORBIDDEN']),
    ),
  },
  'Mutation.deleteReportDefinition': {
    attempts: mutate(
      'deleteReportDefinition',
      'DeleteReportDefinitionInput',
      'id',
      () => ({ name: 'victim-report' }),
      by(['NOT_FOUND', 'FORBIDDEN'], ['FORBIDDEN']),
    ),
  },
  'Mutation.applyGlobalReports': {
    attempts: mutate(
      'applyGlobalReports',
      'ApplyGlobalReportsInput',
      'name',
      () => ({
        yaml: 'apiVersion: projectcalico.org/v3\nkind: GlobalReport\nmetadata:\n  name: victim-report\nspec:\n  reportType: inventory\n  schedule: "0 1 * * *"\n',
      }),
      by(['CONFLICT', 'FORBIDDEN'], ['FORBIDDEN']),
    ),
  },
  'Mutation.runReport': {
    attempts: mutate(
      'runReport',
      'RunReportInput',
      'id',
      () => ({ name: 'victim-report', start: '2026-01-01T00:00:00Z', end: '2026-01-02T00:00:00Z' }),
      by(['NOT_FOUND', 'FORBIDDEN'], ['FORBIDDEN']),
    ),
  },
  'Mutation.downloadReportRun': {
    attempts: mutate(
      'downloadReportRun',
      'DownloadReportRunInput',
      'sha256',
      (v) => ({ runId: v.reportRunId }),
      by(['NOT_FOUND', 'FORBIDDEN'], ['FORBIDDEN']),
    ),
  },
  'Mutation.exportAuditLog': {
    attempts: mutate(
      'exportAuditLog',
      'ExportAuditLogInput',
      'sha256',
      () => ({ from: '2020-01-01T00:00:00Z', to: new Date().toISOString() }),
      FORBIDDEN,
    ),
  },
  'Subscription.reportRunChanged': {
    attempts: (v, i) => [
      {
        query: 'subscription($s: String!) { reportRunChanged(orgSlug: $s) { id status } }',
        variables: { s: v.slug },
        expect: by([SILENT], ['FORBIDDEN'])(i),
      },
    ],
  },
  'Subscription.policySyncChanged': {
    attempts: (v) => [
      {
        query: 'subscription($s: String!) { policySyncChanged(orgSlug: $s) { clusterId clusterName } }',
        variables: { s: v.slug },
        expect: [SILENT],
      },
    ],
  },
};

/**
 * The victim gets a staging cluster, tiers `application` and `security`, a policy in each (prod's
 * outside every insider, staging's inside), a report on staging and a flow on staging; then carol
 * (editor limited to env == "staging"), erin (editor limited to tier application) and an editor
 * token limited to env == "staging" join.
 */
async function setUpScopedInsiders(
  c: TestContext,
  v: Victim,
  owner: Caller,
): Promise<{ victim: ScopedVictim; insiders: Insider[] }> {
  const staging = expectData(
    await c.gql<{ registerCluster: { cluster: { id: string } } }>(
      owner,
      'mutation($i: RegisterClusterInput!) { registerCluster(input: $i) { cluster { id } } }',
      { i: { orgSlug: v.slug, name: 'staging', labels: [{ key: 'env', value: 'staging' }] } },
    ),
  ).registerCluster.cluster.id;
  await storeFlows(c, v.orgId, staging, [record({ start_time: bucketAgo(5) })]);
  const yaml = [
    'apiVersion: projectcalico.org/v3\nkind: Tier\nmetadata:\n  name: application\nspec:\n  order: 100\n',
    'apiVersion: projectcalico.org/v3\nkind: Tier\nmetadata:\n  name: security\nspec:\n  order: 50\n',
    PROD_GNP('env == "prod"'),
    PROD_GNP('env == "staging"')
      .replaceAll('security', 'application')
      .replace('prod-lockdown', 'staging-app'),
  ].join('---\n');
  expectData(
    await c.gql(owner, 'mutation($i: ApplyResourcesInput!) { applyResources(input: $i) { applied } }', {
      i: { orgSlug: v.slug, yaml },
    }),
  );
  expectData(
    await c.gql(
      owner,
      'mutation($i: CreateReportDefinitionInput!) { createReportDefinition(input: $i) { id } }',
      {
        i: {
          orgSlug: v.slug,
          name: 'staging-report',
          type: 'INVENTORY',
          schedule: '0 0 * * *',
          scope: { clusterSelector: 'env == "staging"' },
        },
      },
    ),
  );
  const ids = await c.sql<{ kind: string; name: string; id: string }>(
    `SELECT 'policy' AS kind, name, id::text FROM policy_resources WHERE org_id = $1
     UNION ALL SELECT 'report', name, id::text FROM report_definitions WHERE org_id = $1`,
    [v.orgId],
  );
  const idOf = (kind: string, name: string) => ids.find((r) => r.kind === kind && r.name === name)!.id;

  const limit = async (email: string, scope: Record<string, unknown>) => {
    const member = await signedInMember(c, v.slug, 'editor', email);
    expectData(
      await c.gql(owner, 'mutation($i: UpdateMemberRoleInput!) { updateMemberRole(input: $i) { role } }', {
        i: { orgSlug: v.slug, userId: member.userId, role: 'EDITOR', scope },
      }),
    );
    return member;
  };
  const carol = await limit('carol@example.com', { clusterSelector: 'env == "staging"' });
  const erin = await limit('erin@example.com', { tiers: ['application'] });
  const token = expectData(
    await c.gql<{ createApiToken: { secret: string } }>(
      owner,
      'mutation($i: CreateApiTokenInput!) { createApiToken(input: $i) { secret } }',
      {
        i: {
          orgSlug: v.slug,
          name: 'staging-ci',
          role: 'EDITOR',
          scope: { clusterSelector: 'env == "staging"' },
        },
      },
    ),
  ).createApiToken.secret;
  return {
    victim: {
      slug: v.slug,
      prodClusterId: v.clusterId,
      stagingClusterId: staging,
      prodPolicyId: idOf('policy', PROD_POLICY),
      stagingPolicyId: idOf('policy', 'application.staging-app'),
      securityTierId: idOf('policy', 'security'),
      reportDefinitionId: v.reportDefinitionId,
      reportRunId: v.reportRunId,
      stagingReportId: idOf('report', 'staging-report'),
    },
    insiders: [
      { kind: 'cluster-limited editor', caller: carol, limit: 'clusters', userId: carol.userId },
      { kind: 'tier-limited editor', caller: erin, limit: 'tiers', userId: erin.userId },
      {
        kind: 'cluster-limited token',
        caller: { label: 'token:staging-ci', headers: { authorization: `Bearer ${token}` } },
        limit: 'clusters',
        userId: null,
      },
    ],
  };
}

describe('the scope table covers every field of the isolation table', () => {
  it('has an entry for every field of ATTACKS, and none stale', () => {
    expect(
      Object.keys(ATTACKS).filter((f) => !(f in SCOPED)),
      'add these fields to SCOPED',
    ).toEqual([]);
    expect(
      Object.keys(SCOPED).filter((f) => !(f in ATTACKS)),
      'stale SCOPED entries',
    ).toEqual([]);
  });
});

describe.each([['cluster-limited editor'], ['tier-limited editor'], ['cluster-limited token']] as const)(
  'as a %s of the victim organisation',
  (kind) => {
    it.each(Object.keys(SCOPED).sort())('%s reveals and changes nothing outside the scope', async (field) => {
      const entry = SCOPED[field]!;
      if ('notScoped' in entry) return;
      const insider = scoped.insiders.find((i) => i.kind === kind)!;
      for (const attempt of entry.attempts(scoped.victim, insider)) {
        const r: GqlResult = field.startsWith('Subscription.')
          ? await subscribe(insider, attempt.query, attempt.variables, 1500)
          : await ctx.gql(insider.caller, attempt.query, attempt.variables);
        const shown = JSON.stringify(r);
        const codes = (r.errors ?? []).map((e) => e.extensions?.code);
        if (codes.length === 0 && attempt.refusedIn) {
          expect(attempt.refusedIn(r.data ?? null), shown).toBe(true);
        } else if (codes.length === 0) {
          expect(attempt.expect.includes(ALLOWED) || attempt.expect.includes(SILENT), shown).toBe(true);
        } else if (attempt.expect.includes(SILENT) && codes.every((c) => c === 'NO_ANSWER')) {
          // A subscription that had nothing in scope to send.
        } else {
          for (const code of codes) expect(attempt.expect, shown).toContain(code);
          for (const value of Object.values(r.data ?? {})) expect(value, shown).toBeNull();
        }
        // A name the attempt gives itself may be echoed back ("… not found"); nothing else may be.
        const asked = attempt.query + JSON.stringify(attempt.variables);
        for (const s of outsideOf(scoped.victim, insider))
          if (!asked.includes(s)) expect(shown, `${field} showed ${s}`).not.toContain(s);
      }
    });
  },
);

describe('after every scoped attempt', () => {
  it("the victim's rows are unchanged", async () => {
    // The scoped token's last use is recorded; nothing else may differ.
    const unused = (x: typeof before) => ({
      ...x,
      apiTokens: x.apiTokens.map((t) => ({ ...t, last_used_at: null })),
    });
    expect(unused(await snapshot(ctx, victim.orgId))).toEqual(unused(before));
  });
});

describe('a limited binding sees what lies inside its scope', () => {
  const q = `query($s: String!) { organization(slug: $s) {
    clusters(first: 100) { edges { node { id } } }
    policyResources(first: 100) { edges { node { id } } }
    viewerAccess { permissions scope { clusterSelector tiers organizationWide } } } }`;

  it('the cluster-limited editor sees staging, its policy, its report and its flow', async () => {
    const carol = scoped.insiders.find((i) => i.kind === 'cluster-limited editor')!;
    const r = await ctx.gql(
      carol.caller,
      `query($s: String!) { organization(slug: $s) {
      clusters(first: 100) { edges { node { id } } } policyResources(first: 100) { edges { node { id } } }
      reportDefinitions(first: 10) { edges { node { id } } } flows(first: 10) { edges { node { cluster { id } } } }
      viewerAccess { permissions scope { clusterSelector tiers organizationWide } } } }`,
      { s: scoped.victim.slug },
    );
    const shown = JSON.stringify(expectData(r));
    for (const id of [
      scoped.victim.stagingClusterId,
      scoped.victim.stagingPolicyId,
      scoped.victim.stagingReportId,
    ])
      expect(shown).toContain(id);
    expect(shown).toContain('"clusterSelector":"env == \\"staging\\""');
    expect(shown).toContain('"organizationWide":false');
    expect(shown).toContain('"flows:read"');
    expect(shown).not.toContain('"members:manage"');
  });

  it('the tier-limited editor sees every cluster, and of policies only tier application', async () => {
    const erin = scoped.insiders.find((i) => i.kind === 'tier-limited editor')!;
    const shown = JSON.stringify(expectData(await ctx.gql(erin.caller, q, { s: scoped.victim.slug })));
    for (const id of [
      scoped.victim.stagingClusterId,
      scoped.victim.prodClusterId,
      scoped.victim.stagingPolicyId,
    ])
      expect(shown).toContain(id);
    expect(shown).toContain('"tiers":["application"]');
    expect(shown).not.toContain('"flows:read"');
    expect(shown).not.toContain('"clusters:write"');
  });

  it("a cluster-limited editor's new policy without a cluster selector is held to its clusters", async () => {
    const carol = scoped.insiders.find((i) => i.kind === 'cluster-limited editor')!;
    const created = expectData(
      await ctx.gql<{ createPolicyResource: { clusterSelector: string } }>(
        carol.caller,
        'mutation($i: CreatePolicyResourceInput!) { createPolicyResource(input: $i) { clusterSelector } }',
        {
          i: {
            orgSlug: scoped.victim.slug,
            yaml: 'apiVersion: projectcalico.org/v3\nkind: GlobalNetworkPolicy\nmetadata:\n  name: carols\nspec:\n  selector: all()\n  types: [Ingress]\n',
          },
        },
      ),
    );
    expect(created.createPolicyResource.clusterSelector).toBe('env == "staging"');
    // Cleaned up, so the snapshot below compares the victim as it was.
    expectData(
      await ctx.gql(
        carol.caller,
        'mutation($i: DeletePolicyResourceInput!) { deletePolicyResource(input: $i) { id } }',
        {
          i: { orgSlug: scoped.victim.slug, kind: 'GlobalNetworkPolicy', name: 'carols' },
        },
      ),
    );
  });
});

describe('a scope given with bad input is refused, naming the field', () => {
  it.each([
    [{ tiers: ['no-such-tier'] }, 'EDITOR', ['input', 'scope', 'tiers'], 'no tier named no-such-tier'],
    [
      { clusterSelector: 'env == ' },
      'EDITOR',
      ['input', 'scope', 'clusterSelector'],
      'is not a valid selector',
    ],
    [{ clusterSelector: 'env == "staging"' }, 'ADMIN', ['input', 'role'], 'cannot be limited'],
    [{ tiers: ['application', 'application'] }, 'VIEWER', ['input', 'scope', 'tiers'], 'named twice'],
  ])('%j as %s', async (scope, role, path, message) => {
    const owner = await ctx.signIn('alice@example.com', 'palisade');
    const before = await ctx.sql('SELECT * FROM memberships WHERE org_id = $1 ORDER BY user_id', [
      victim.orgId,
    ]);
    for (const [mutation, type, input] of [
      [
        'updateMemberRole(input: $i) { role }',
        'UpdateMemberRoleInput',
        { userId: victim.editorUserId, role, scope },
      ],
      ['createApiToken(input: $i) { secret }', 'CreateApiTokenInput', { name: 'bad-scope', role, scope }],
    ] as const) {
      const r = await ctx.gql(owner, `mutation($i: ${type}!) { ${mutation} }`, {
        i: { orgSlug: victim.slug, ...input },
      });
      const e = r.errors?.[0];
      expect(e?.extensions?.code, JSON.stringify(r)).toBe('VALIDATION_FAILED');
      expect(e?.extensions?.['field']).toEqual(path);
      expect(e?.message).toContain(message);
    }
    expect(
      await ctx.sql('SELECT * FROM memberships WHERE org_id = $1 ORDER BY user_id', [victim.orgId]),
    ).toEqual(before);
  });

  it('a write outside the scope names the field that puts it outside', async () => {
    const carol = scoped.insiders.find((i) => i.kind === 'cluster-limited editor')!;
    const r = await ctx.gql(
      carol.caller,
      'mutation($i: UpdateClusterLabelsInput!) { updateClusterLabels(input: $i) { id } }',
      {
        i: { orgSlug: scoped.victim.slug, name: 'staging', labels: [{ key: 'env', value: 'prod' }] },
      },
    );
    expect(r.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(r.errors?.[0]?.extensions?.['field']).toEqual(['input', 'labels']);
  });
});
