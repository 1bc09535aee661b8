// The audit log: every mutation in the schema writes exactly one event, in the same transaction as
// its change (a refused mutation writes none); events carry actor, target, before and after; the
// GraphQL list filters by actor, action (exact or prefix), target and time and pages with cursors;
// the hash chain verifies, and any edit made behind the API's back (as superuser, triggers off) is
// reported with the first bad sequence number. The API's role can neither update nor delete events.
import { readFileSync } from 'node:fs';
import { buildSchema } from 'graphql';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditHash } from '../src/platform/audit/audit-hash.js';
import { ComplianceReportsRepository } from '../src/modules/compliance-reports/compliance-reports.repository.js';
import { EvidenceRepository } from '../src/modules/compliance-reports/evidence.repository.js';
import { EvidenceKeys } from '../src/modules/compliance-reports/evidence-keys.js';
import { ComplianceReportComputer } from '../src/modules/compliance-reports/report-computer.js';
import { ReportSealer } from '../src/modules/compliance-reports/report-sealer.js';
import { Database } from '../src/platform/db/database.js';
import { type Caller, TestContext } from './context.js';
import { DomainProofResolver } from '../src/modules/sso/domain-proof.js';
import { TestSamlIdp } from './support/saml-idp.js';
import {
  count,
  expectData,
  expectError,
  orgIdOf,
  signedInMember,
  signedInUser,
  type SignedInMember,
} from './factories/members.js';

interface EventNode {
  seq: string;
  occurredAt: string;
  action: string;
  actor: { type: string; id: string | null; label: string };
  targetType: string;
  targetId: string;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  hash: string;
  prevHash: string;
}
interface Page {
  totalCount: number;
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; endCursor: string | null };
  edges: { cursor: string; node: EventNode }[];
}

const EVENTS = `query($s: String!, $f: AuditEventFilter, $first: Int, $after: String) {
  organization(slug: $s) { auditEvents(filter: $f, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage hasPreviousPage endCursor }
    edges { cursor node { seq occurredAt action actor { type id label } targetType targetId before after hash prevHash } } } } }`;
const CHAIN =
  'query($s: String!) { organization(slug: $s) { auditChain { valid checkedEvents firstInvalidSeq headHash } } }';

let ctx: TestContext;
let alice: SignedInMember;
let dave: SignedInMember;
let erin: SignedInMember;
let slug: string;
let orgId: string;

async function page(
  filter: Record<string, unknown> | null,
  first = 100,
  after?: string,
  s = slug,
): Promise<Page> {
  const r = await ctx.gql<{ organization: { auditEvents: Page } }>(alice, EVENTS, {
    s,
    f: filter,
    first,
    ...(after ? { after } : {}),
  });
  return expectData(r).organization.auditEvents;
}

async function chain(s: string) {
  const r = await ctx.gql<{
    organization: {
      auditChain: {
        valid: boolean;
        checkedEvents: number;
        firstInvalidSeq: string | null;
        headHash: string | null;
      };
    };
  }>(alice, CHAIN, { s });
  return expectData(r).organization.auditChain;
}

const totalEvents = () => count(ctx, 'audit_events');

beforeAll(async () => {
  ctx = await TestContext.start();
  ({ slug, orgId } = await ctx.newOrg('audited', 'alice@example.com'));
  alice = await signedInMember(ctx, slug, 'owner', 'alice@example.com');
  dave = await signedInUser(ctx, 'dave@example.com');
  erin = await signedInMember(ctx, slug, 'viewer', 'erin@example.com');
});
afterAll(async () => ctx?.close());

describe('every mutation writes exactly one audit event', () => {
  // Shared state between the steps, which run in order.
  const st: {
    invitationId?: string;
    revokedInvitationId?: string;
    tokenId?: string;
    recommendationId?: string;
    finishedRunId?: string;
    scimGroupId?: string;
    sessionsMemberId?: string;
    ssoConnectionId?: string;
    ssoDomainId?: string;
  } = {};
  let samlIdp: TestSamlIdp | undefined;
  afterAll(async () => samlIdp?.close());

  // Mutation field → how to perform it once (successfully) and the event it must write.
  const STEPS: Record<
    string,
    {
      caller: () => Caller;
      query: string;
      input: () => Record<string, unknown>;
      action: string;
      org?: string;
      /** Prepares what the mutation acts on (not through the API, so it writes no event). */
      before?: () => Promise<void>;
      after?: (d: unknown) => void;
    }
  > = {
    updateOrganization: {
      caller: () => alice,
      query: 'mutation($i: UpdateOrganizationInput!) { updateOrganization(input: $i) { name } }',
      input: () => ({ orgSlug: slug, name: 'Audited Inc' }),
      action: 'organization.update',
    },
    inviteMember: {
      caller: () => alice,
      query: 'mutation($i: InviteMemberInput!) { inviteMember(input: $i) { id } }',
      input: () => ({ orgSlug: slug, email: dave.email, role: 'VIEWER' }),
      action: 'member.invite',
      after: (d) => (st.invitationId = (d as { inviteMember: { id: string } }).inviteMember.id),
    },
    revokeInvitation: {
      caller: () => alice,
      query: 'mutation($i: RevokeInvitationInput!) { revokeInvitation(input: $i) { id } }',
      input: () => ({ orgSlug: slug, invitationId: st.revokedInvitationId }),
      action: 'member.invitation.revoke',
    },
    acceptInvitation: {
      caller: () => dave,
      query: 'mutation($i: AcceptInvitationInput!) { acceptInvitation(input: $i) { slug } }',
      input: () => ({ invitationId: st.invitationId }),
      action: 'member.join',
    },
    updateMemberRole: {
      caller: () => alice,
      query: 'mutation($i: UpdateMemberRoleInput!) { updateMemberRole(input: $i) { role } }',
      input: () => ({ orgSlug: slug, userId: dave.userId, role: 'EDITOR' }),
      action: 'member.role.update',
    },
    createApiToken: {
      caller: () => alice,
      query: 'mutation($i: CreateApiTokenInput!) { createApiToken(input: $i) { secret token { id } } }',
      input: () => ({ orgSlug: slug, name: 'ci-bot', role: 'ADMIN' }),
      action: 'api_token.create',
      after: (d) =>
        (st.tokenId = (d as { createApiToken: { token: { id: string } } }).createApiToken.token.id),
    },
    revokeApiToken: {
      caller: () => alice,
      query: 'mutation($i: RevokeApiTokenInput!) { revokeApiToken(input: $i) { id } }',
      input: () => ({ orgSlug: slug, tokenId: st.tokenId }),
      action: 'api_token.revoke',
    },
    endMemberSessions: {
      caller: () => alice,
      // A member of its own (added behind the API's back, so no event), not one later steps use.
      before: async () => {
        const [u] = await ctx.sql<{ id: string }>(
          "INSERT INTO users (email, name) VALUES ('frank@example.com', 'Frank') RETURNING id",
        );
        await ctx.sql("INSERT INTO memberships (org_id, user_id, role) VALUES ($1, $2, 'viewer')", [
          orgId,
          u!.id,
        ]);
        st.sessionsMemberId = u!.id;
      },
      query: 'mutation($i: EndMemberSessionsInput!) { endMemberSessions(input: $i) { endedSessions } }',
      input: () => ({ orgSlug: slug, userId: st.sessionsMemberId }),
      action: 'member.sessions.end',
    },
    updateSessionPolicy: {
      caller: () => alice,
      query:
        'mutation($i: UpdateSessionPolicyInput!) { updateSessionPolicy(input: $i) { maxLifetimeMinutes } }',
      input: () => ({ orgSlug: slug, maxLifetimeMinutes: 1440, idleTimeoutMinutes: 720 }),
      action: 'organization.session_policy.update',
    },
    issueScimToken: {
      caller: () => alice,
      query: 'mutation($i: ScimTokenInput!) { issueScimToken(input: $i) { secret } }',
      input: () => ({ orgSlug: slug }),
      action: 'scim.token.issue',
    },
    setScimGroupRole: {
      caller: () => alice,
      before: async () => {
        const [row] = await ctx.sql<{ id: string }>(
          "INSERT INTO scim_groups (org_id, display_name) VALUES ($1, 'Auditors') RETURNING id",
          [orgId],
        );
        st.scimGroupId = row!.id;
      },
      query: 'mutation($i: SetScimGroupRoleInput!) { setScimGroupRole(input: $i) { role } }',
      input: () => ({ orgSlug: slug, groupId: st.scimGroupId, role: 'AUDITOR' }),
      action: 'scim.group.role.update',
    },
    revokeScimToken: {
      caller: () => alice,
      query: 'mutation($i: ScimTokenInput!) { revokeScimToken(input: $i) { endpoint } }',
      input: () => ({ orgSlug: slug }),
      action: 'scim.token.revoke',
    },
    removeMember: {
      caller: () => alice,
      query: 'mutation($i: RemoveMemberInput!) { removeMember(input: $i) { role } }',
      input: () => ({ orgSlug: slug, userId: dave.userId }),
      action: 'member.remove',
    },
    leaveOrganization: {
      caller: () => erin,
      query: 'mutation($i: LeaveOrganizationInput!) { leaveOrganization(input: $i) { role } }',
      input: () => ({ orgSlug: slug }),
      action: 'member.remove',
    },
    registerCluster: {
      caller: () => alice,
      query: 'mutation($i: RegisterClusterInput!) { registerCluster(input: $i) { cluster { id } } }',
      input: () => ({ orgSlug: slug, name: 'audited-cluster' }),
      action: 'cluster.register',
    },
    updateClusterLabels: {
      caller: () => alice,
      query: 'mutation($i: UpdateClusterLabelsInput!) { updateClusterLabels(input: $i) { id } }',
      input: () => ({ orgSlug: slug, name: 'audited-cluster', labels: [{ key: 'env', value: 'prod' }] }),
      action: 'cluster.labels.update',
    },
    dismissPolicyRecommendation: {
      caller: () => alice,
      before: async () => {
        const [row] = await ctx.sql<{ id: string }>(
          `INSERT INTO policy_recommendations (org_id, cluster_id, namespace, state, policy, rules, window_from, window_to)
           SELECT org_id, id, 'shop', 'RECOMMENDED', '{}'::jsonb, '[]'::jsonb, now() - interval '1 day', now()
             FROM clusters WHERE org_id = $1 AND name = 'audited-cluster' RETURNING id`,
          [orgId],
        );
        st.recommendationId = row!.id;
      },
      query:
        'mutation($i: PolicyRecommendationRefInput!) { dismissPolicyRecommendation(input: $i) { state } }',
      input: () => ({ orgSlug: slug, id: st.recommendationId }),
      action: 'recommendation.dismiss',
    },
    deleteCluster: {
      caller: () => alice,
      query: 'mutation($i: DeleteClusterInput!) { deleteCluster(input: $i) { id } }',
      input: () => ({ orgSlug: slug, name: 'audited-cluster' }),
      action: 'cluster.delete',
    },
    // Policies: one event per changed resource; each step below changes exactly one.
    createPolicyResource: {
      caller: () => alice,
      query: 'mutation($i: CreatePolicyResourceInput!) { createPolicyResource(input: $i) { id } }',
      input: () => ({
        orgSlug: slug,
        yaml: 'apiVersion: projectcalico.org/v3\nkind: StagedNetworkPolicy\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  stagedAction: Set\n  selector: all()\n  types: [Ingress]\n',
      }),
      action: 'policy.create',
    },
    applyResources: {
      caller: () => alice,
      query: 'mutation($i: ApplyResourcesInput!) { applyResources(input: $i) { applied } }',
      input: () => ({
        orgSlug: slug,
        yaml: 'apiVersion: projectcalico.org/v3\nkind: Tier\nmetadata:\n  name: audited-tier\nspec:\n  order: 50\n',
      }),
      action: 'policy.create',
    },
    promoteStagedPolicy: {
      caller: () => alice,
      query: 'mutation($i: PromoteStagedPolicyInput!) { promoteStagedPolicy(input: $i) { enforcedKind } }',
      input: () => ({ orgSlug: slug, kind: 'StagedNetworkPolicy', namespace: 'shop', name: 'web' }),
      action: 'policy.promote',
    },
    updatePolicyResource: {
      caller: () => alice,
      query: 'mutation($i: UpdatePolicyResourceInput!) { updatePolicyResource(input: $i) { id } }',
      input: () => ({
        orgSlug: slug,
        yaml: 'apiVersion: projectcalico.org/v3\nkind: NetworkPolicy\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  order: 300\n  selector: all()\n  types: [Ingress]\n',
      }),
      action: 'policy.update',
    },
    reorderTierPolicies: {
      caller: () => alice,
      query: 'mutation($i: ReorderTierPoliciesInput!) { reorderTierPolicies(input: $i) { id } }',
      input: () => ({
        orgSlug: slug,
        tier: 'default',
        order: [{ kind: 'NetworkPolicy', namespace: 'shop', name: 'web' }],
      }),
      action: 'policy.reorder',
    },
    rollbackPolicyResource: {
      caller: () => alice,
      query: 'mutation($i: RollbackPolicyResourceInput!) { rollbackPolicyResource(input: $i) { id } }',
      input: () => ({ orgSlug: slug, kind: 'NetworkPolicy', namespace: 'shop', name: 'web', revision: 1 }),
      action: 'policy.rollback',
    },
    setDriftMode: {
      caller: () => alice,
      query: 'mutation($i: SetDriftModeInput!) { setDriftMode(input: $i) { defaultDriftMode } }',
      input: () => ({ orgSlug: slug, mode: 'REVERT' }),
      action: 'policy.default_drift_mode',
    },
    setFlowRetention: {
      caller: () => alice,
      query: 'mutation($i: SetFlowRetentionInput!) { setFlowRetention(input: $i) { days } }',
      input: () => ({ orgSlug: slug, days: 90 }),
      action: 'organization.flow_retention.update',
    },
    setRecommendationScope: {
      caller: () => alice,
      query: 'mutation($i: SetRecommendationScopeInput!) { setRecommendationScope(input: $i) { enabled } }',
      input: () => ({ orgSlug: slug, enabled: true }),
      action: 'recommendation.scope.update',
    },
    deletePolicyResource: {
      caller: () => alice,
      query: 'mutation($i: DeletePolicyResourceInput!) { deletePolicyResource(input: $i) { id } }',
      input: () => ({ orgSlug: slug, kind: 'Tier', name: 'audited-tier' }),
      action: 'policy.delete',
    },
    // Compliance reports and evidence.
    createReportDefinition: {
      caller: () => alice,
      query: 'mutation($i: CreateReportDefinitionInput!) { createReportDefinition(input: $i) { id } }',
      input: () => ({ orgSlug: slug, name: 'audited-report', type: 'INVENTORY', schedule: '0 0 * * *' }),
      action: 'report_definition.create',
    },
    updateReportDefinition: {
      caller: () => alice,
      query: 'mutation($i: UpdateReportDefinitionInput!) { updateReportDefinition(input: $i) { id } }',
      input: () => ({ orgSlug: slug, name: 'audited-report', schedule: '0 1 * * *' }),
      action: 'report_definition.update',
    },
    applyGlobalReports: {
      caller: () => alice,
      query: 'mutation($i: ApplyGlobalReportsInput!) { applyGlobalReports(input: $i) { name } }',
      input: () => ({
        orgSlug: slug,
        yaml: 'apiVersion: projectcalico.org/v3\nkind: GlobalReport\nmetadata:\n  name: audited-yaml\nspec:\n  reportType: policy-audit\n  schedule: 0 0 * * *\n',
      }),
      action: 'report_definition.create',
    },
    runReport: {
      caller: () => alice,
      query: 'mutation($i: RunReportInput!) { runReport(input: $i) { id } }',
      input: () => ({
        orgSlug: slug,
        name: 'audited-report',
        start: '2026-01-01T00:00:00Z',
        end: '2026-01-01T01:00:00Z',
      }),
      action: 'report_run.request',
    },
    downloadReportRun: {
      caller: () => alice,
      query: 'mutation($i: DownloadReportRunInput!) { downloadReportRun(input: $i) { sha256 } }',
      input: () => ({ orgSlug: slug, runId: st.finishedRunId }),
      action: 'report_run.download',
    },
    exportAuditLog: {
      caller: () => alice,
      query: 'mutation($i: ExportAuditLogInput!) { exportAuditLog(input: $i) { sha256 } }',
      input: () => ({ orgSlug: slug, from: '2020-01-01T00:00:00Z', to: new Date().toISOString() }),
      action: 'audit_log.export',
    },
    deleteReportDefinition: {
      caller: () => alice,
      query: 'mutation($i: DeleteReportDefinitionInput!) { deleteReportDefinition(input: $i) { id } }',
      input: () => ({ orgSlug: slug, name: 'audited-yaml' }),
      action: 'report_definition.delete',
    },
    // Single sign-on (issue 17): a SAML IdP from the test tooling gives real metadata; the DNS
    // proof is answered from the row's own token.
    createSsoConnection: {
      caller: () => alice,
      before: async () => {
        samlIdp = await TestSamlIdp.start();
      },
      query: 'mutation($i: CreateSsoConnectionInput!) { createSsoConnection(input: $i) { id } }',
      input: () => ({ orgSlug: slug, name: 'Audited IdP', saml: { metadataXml: samlIdp!.metadataXml } }),
      action: 'sso.connection.create',
      after: (d) =>
        (st.ssoConnectionId = (d as { createSsoConnection: { id: string } }).createSsoConnection.id),
    },
    updateSsoConnection: {
      caller: () => alice,
      query: 'mutation($i: UpdateSsoConnectionInput!) { updateSsoConnection(input: $i) { id } }',
      input: () => ({
        orgSlug: slug,
        connectionId: st.ssoConnectionId,
        name: 'Audited IdP 2',
        groupsClaim: 'memberOf',
      }),
      action: 'sso.connection.update',
    },
    setSsoGroupMappings: {
      caller: () => alice,
      query: 'mutation($i: SetSsoGroupMappingsInput!) { setSsoGroupMappings(input: $i) { id } }',
      input: () => ({
        orgSlug: slug,
        connectionId: st.ssoConnectionId,
        mappings: [{ groupName: 'eng', role: 'EDITOR' }],
      }),
      action: 'sso.group_mappings.set',
    },
    addSsoDomain: {
      caller: () => alice,
      query: 'mutation($i: AddSsoDomainInput!) { addSsoDomain(input: $i) { id } }',
      input: () => ({ orgSlug: slug, domain: 'audited.test' }),
      action: 'sso.domain.add',
      after: (d) => (st.ssoDomainId = (d as { addSsoDomain: { id: string } }).addSsoDomain.id),
    },
    verifySsoDomain: {
      caller: () => alice,
      before: async () => {
        const [row] = await ctx.sql<{ proof_token: string }>(
          'SELECT proof_token FROM sso_domains WHERE id = $1',
          [st.ssoDomainId],
        );
        ctx.app
          .get(DomainProofResolver)
          .use((name) =>
            Promise.resolve(
              name === '_palisade-challenge.audited.test'
                ? [[`palisade-domain-verification=${row!.proof_token}`]]
                : [],
            ),
          );
      },
      query: 'mutation($i: SsoDomainRefInput!) { verifySsoDomain(input: $i) { verified } }',
      input: () => ({ orgSlug: slug, domainId: st.ssoDomainId }),
      action: 'sso.domain.verify',
    },
    updateSsoDomain: {
      caller: () => alice,
      query: 'mutation($i: UpdateSsoDomainInput!) { updateSsoDomain(input: $i) { id } }',
      input: () => ({ orgSlug: slug, domainId: st.ssoDomainId, connectionId: st.ssoConnectionId }),
      action: 'sso.domain.update',
    },
    removeSsoDomain: {
      caller: () => alice,
      query: 'mutation($i: SsoDomainRefInput!) { removeSsoDomain(input: $i) { id } }',
      input: () => ({ orgSlug: slug, domainId: st.ssoDomainId }),
      action: 'sso.domain.remove',
    },
    deleteSsoConnection: {
      caller: () => alice,
      query: 'mutation($i: SsoConnectionRefInput!) { deleteSsoConnection(input: $i) { id } }',
      input: () => ({ orgSlug: slug, connectionId: st.ssoConnectionId }),
      action: 'sso.connection.delete',
    },
    createOrganization: {
      caller: () => alice,
      query: 'mutation($i: CreateOrganizationInput!) { createOrganization(input: $i) { id } }',
      input: () => ({ slug: 'audited-two', name: 'Audited Two' }),
      action: 'organization.create',
      org: 'audited-two',
    },
  };

  // Mutations that do not write exactly one event, and why. Each must still be a mutation.
  const NOT_ONE_EVENT: Record<string, string> = {
    revokeSession:
      "ends one of the caller's own sessions, which belong to the person rather than one organisation: it writes one session.revoke event in each organisation they belong to, in the same transaction (test/account-sessions)",
    acceptPolicyRecommendation:
      'writes the staged policy (and the namespace-isolation tier when missing) through applyResources, one policy event per resource it creates (test/recommendations)',
    refreshPolicyRecommendations:
      'recomputes derived recommendations from flows, as the repeatable job does; it changes no state a user owns',
  };

  it('covers every Mutation field of the schema', () => {
    const schema = buildSchema(readFileSync(new URL('../schema.graphql', import.meta.url), 'utf8'));
    const fields = Object.keys(schema.getMutationType()?.getFields() ?? {}).sort();
    expect(fields.filter((f) => !(f in STEPS) && !(f in NOT_ONE_EVENT))).toEqual([]);
    expect(Object.keys(NOT_ONE_EVENT).filter((f) => !fields.includes(f))).toEqual([]);
  });

  it('setup: a second invitation, to be revoked', async () => {
    const r = await ctx.gql<{ inviteMember: { id: string } }>(
      alice,
      'mutation($i: InviteMemberInput!) { inviteMember(input: $i) { id } }',
      { i: { orgSlug: slug, email: 'someone@example.com', role: 'EDITOR' } },
    );
    st.revokedInvitationId = expectData(r).inviteMember.id;
  });

  it('setup: a report run computed and sealed as the worker does, without any audit event', async () => {
    const db = new Database(ctx.env.DATABASE_URL, 2);
    try {
      const reports = new ComplianceReportsRepository();
      const definitionId = (
        await ctx.sql<{ id: string }>(
          `INSERT INTO report_definitions (org_id, name, report_type, schedule, revision, next_run_at)
           VALUES ($1, 'setup-report', 'inventory', '0 0 * * *', 1, now()) RETURNING id`,
          [orgId],
        )
      )[0]!.id;
      const spec = {
        reportType: 'inventory' as const,
        schedule: '0 0 * * *',
        suspend: false,
        scope: {
          endpointSelector: '',
          namespaceNames: [],
          namespaceSelector: '',
          serviceAccountNames: [],
          serviceAccountSelector: '',
          clusterSelector: '',
        },
      };
      const { run } = await db.inOrg({ orgId }, (tx) =>
        reports.upsertRun(tx, orgId, {
          definitionId,
          definitionName: 'setup-report',
          spec,
          trigger: 'on_demand',
          intervalStart: new Date('2026-01-01T00:00:00Z'),
          intervalEnd: new Date('2026-01-01T01:00:00Z'),
          requestedBy: 'setup',
        }),
      );
      const row = (await db.inOrg({ orgId }, (tx) => reports.runWithResult(tx, orgId, run.id)))!;
      const result = await new ComplianceReportComputer(db).compute(row, () => Promise.resolve());
      const sealed = await new ReportSealer(db, new EvidenceKeys(db, ctx.env.evidenceKeyEncryptionKey)).seal(
        row,
        result,
      );
      await db.inOrg({ orgId }, async (tx) => {
        await reports.succeed(tx, orgId, run.id, result);
        await new EvidenceRepository().addEvidence(tx, orgId, { runId: run.id, ...sealed });
      });
      st.finishedRunId = run.id;
    } finally {
      await db.close();
    }
  });

  it.each(Object.keys(STEPS))('%s', async (field) => {
    const step = STEPS[field]!;
    await step.before?.();
    const before = await totalEvents();
    const r = await ctx.gql(step.caller(), step.query, { i: step.input() });
    step.after?.(expectData(r));
    expect(await totalEvents()).toBe(before + 1);
    const target = step.org ?? slug;
    const latest = (await page(null, 1, undefined, target)).edges[0]!.node;
    expect(latest.action).toBe(step.action);
    expect(latest.actor.label).toBe(step.caller().label);
    // The head moved with the event, in the same transaction.
    const [head] = await ctx.sql<{ seq: string; hash: Buffer }>(
      'SELECT seq::text, hash FROM audit_heads WHERE org_id = $1',
      [await orgIdOf(ctx, target)],
    );
    expect(head!.seq).toBe(latest.seq);
    expect(head!.hash.toString('hex')).toBe(latest.hash);
  });

  it('a refused mutation writes no event and leaves the chain head alone', async () => {
    const head = await ctx.sql('SELECT * FROM audit_heads WHERE org_id = $1', [orgId]);
    const before = await totalEvents();
    const refusals: [Caller, string, Record<string, unknown>, string][] = [
      [
        alice,
        'mutation($i: UpdateMemberRoleInput!) { updateMemberRole(input: $i) { role } }',
        { orgSlug: slug, userId: alice.userId, role: 'ADMIN' },
        'PRECONDITION_FAILED',
      ],
      [
        alice,
        'mutation($i: InviteMemberInput!) { inviteMember(input: $i) { id } }',
        { orgSlug: slug, email: 'someone@example.com', role: 'EDITOR' },
        'CONFLICT',
      ],
      [
        alice,
        'mutation($i: CreateOrganizationInput!) { createOrganization(input: $i) { id } }',
        { slug, name: 'Taken' },
        'CONFLICT',
      ],
      [
        dave,
        'mutation($i: UpdateOrganizationInput!) { updateOrganization(input: $i) { name } }',
        { orgSlug: slug, name: 'X' },
        'NOT_FOUND',
      ],
      [
        alice,
        'mutation($i: UpdateOrganizationInput!) { updateOrganization(input: $i) { name } }',
        { orgSlug: slug, name: '' },
        'VALIDATION_FAILED',
      ],
    ];
    // The someone@ invitation was revoked above, so inviting them again succeeds: make it pending.
    expectData(
      await ctx.gql(alice, 'mutation($i: InviteMemberInput!) { inviteMember(input: $i) { id } }', {
        i: { orgSlug: slug, email: 'someone@example.com', role: 'EDITOR' },
      }),
    );
    const afterSetup = await totalEvents();
    expect(afterSetup).toBe(before + 1);
    const headAfterSetup = await ctx.sql('SELECT * FROM audit_heads WHERE org_id = $1', [orgId]);
    expect(headAfterSetup).not.toEqual(head);
    for (const [caller, query, input, code] of refusals) {
      const r = await ctx.gql(caller, query, { i: input });
      expectError(r, code);
    }
    expect(await totalEvents()).toBe(afterSetup);
    expect(await ctx.sql('SELECT * FROM audit_heads WHERE org_id = $1', [orgId])).toEqual(headAfterSetup);
  });
});

describe('event content', () => {
  it('updateMemberRole records the member before and after', async () => {
    const [e] = (await page({ action: 'member.role.update' })).edges.map((x) => x.node);
    expect(e).toMatchObject({
      action: 'member.role.update',
      actor: { type: 'USER', id: alice.userId, label: alice.email },
      targetType: 'member',
      targetId: dave.userId,
      before: { email: dave.email, role: 'viewer' },
      after: { email: dave.email, role: 'editor' },
    });
  });

  it('organization.update records the old and the new name; operator actions are SYSTEM', async () => {
    const [e] = (await page({ action: 'organization.update' })).edges.map((x) => x.node);
    expect(e).toMatchObject({
      before: { name: `Org ${slug}` },
      after: { name: 'Audited Inc' },
      targetId: orgId,
    });
    const [created] = (await page({ action: 'organization.create' })).edges.map((x) => x.node);
    expect(created).toMatchObject({ actor: { type: 'SYSTEM', id: null, label: 'admin-cli' }, seq: '1' });
  });
});

describe('filters', () => {
  let all: EventNode[];
  let tokenSecret: string;

  beforeAll(async () => {
    // One event by a token, so the actor filter has something to tell apart.
    const t = await ctx.gql<{ createApiToken: { secret: string } }>(
      alice,
      'mutation($i: CreateApiTokenInput!) { createApiToken(input: $i) { secret } }',
      { i: { orgSlug: slug, name: 'release-bot', role: 'ADMIN' } },
    );
    tokenSecret = expectData(t).createApiToken.secret;
    expectData(
      await ctx.gql(
        { label: 'bot', headers: { authorization: `Bearer ${tokenSecret}` } },
        'mutation($i: InviteMemberInput!) { inviteMember(input: $i) { id } }',
        { i: { orgSlug: slug, email: 'bot-invitee@example.com', role: 'VIEWER' } },
      ),
    );
    all = (await page(null)).edges.map((e) => e.node);
    expect(all.length).toBeGreaterThan(10);
  });

  it('lists newest first with seq counting down to 1', () => {
    expect(all.map((e) => Number(e.seq))).toEqual(all.map((_, i) => all.length - i));
  });

  it('by actor: email, user id, or token:<name>', async () => {
    const byEmail = await page({ actor: alice.email });
    expect(byEmail.totalCount).toBe(all.filter((e) => e.actor.label === alice.email).length);
    expect(byEmail.edges.every((e) => e.node.actor.label === alice.email)).toBe(true);
    const byId = await page({ actor: alice.userId });
    expect(byId.edges.map((e) => e.node.seq)).toEqual(byEmail.edges.map((e) => e.node.seq));
    const byToken = await page({ actor: 'token:release-bot' });
    expect(byToken.edges.map((e) => [e.node.action, e.node.actor.type, e.node.actor.label])).toEqual([
      ['member.invite', 'TOKEN', 'token:release-bot'],
    ]);
    expect((await page({ actor: 'nobody@example.com' })).totalCount).toBe(0);
  });

  it('by action: exact, or a prefix ending in "."', async () => {
    const exact = await page({ action: 'member.invite' });
    expect(exact.totalCount).toBe(all.filter((e) => e.action === 'member.invite').length);
    expect(exact.edges.every((e) => e.node.action === 'member.invite')).toBe(true);
    const prefix = await page({ action: 'member.' });
    expect(prefix.edges.map((e) => e.node.seq)).toEqual(
      all.filter((e) => e.action.startsWith('member.')).map((e) => e.seq),
    );
    expect(new Set(prefix.edges.map((e) => e.node.action)).size).toBeGreaterThan(3);
    // Without the dot it is an exact action, which no event has.
    expect((await page({ action: 'member' })).totalCount).toBe(0);
    expect((await page({ action: 'member.%' })).totalCount).toBe(0);
  });

  it('by target type and id', async () => {
    const r = await page({ targetType: 'member', targetId: dave.userId });
    expect(r.edges.map((e) => e.node.action)).toEqual(['member.remove', 'member.role.update', 'member.join']);
    const tokens = await page({ targetType: 'api_token' });
    expect(tokens.edges.every((e) => e.node.targetType === 'api_token')).toBe(true);
    expect(tokens.totalCount).toBe(all.filter((e) => e.targetType === 'api_token').length);
  });

  it('by time: from inclusive, to exclusive', async () => {
    const asc = [...all].reverse();
    const from = asc[2]!.occurredAt;
    const to = asc[asc.length - 3]!.occurredAt;
    const expected = all.filter((e) => e.occurredAt >= from && e.occurredAt < to).map((e) => e.seq);
    expect(expected.length).toBeGreaterThan(0);
    const r = await page({ from, to });
    expect(r.edges.map((e) => e.node.seq)).toEqual(expected);
    expect(r.edges.map((e) => e.node.seq)).toContain(asc[2]!.seq);
    expect(r.edges.map((e) => e.node.seq)).not.toContain(asc[asc.length - 3]!.seq);
    expect((await page({ from: '2000-01-01T00:00:00Z', to: '2000-01-02T00:00:00Z' })).totalCount).toBe(0);
  });

  it('filters combine', async () => {
    const r = await page({ actor: alice.email, action: 'api_token.' });
    expect(r.edges.map((e) => e.node.action).sort()).toEqual(
      all
        .filter((e) => e.actor.label === alice.email && e.action.startsWith('api_token.'))
        .map((e) => e.action)
        .sort(),
    );
  });

  it('pages with first/after, across pages, without gaps or repeats', async () => {
    for (const [filter, size] of [
      [null, 3],
      [{ action: 'member.' }, 2],
      [null, 1],
    ] as const) {
      const expected = (await page(filter)).edges.map((e) => e.node.seq);
      const seen: string[] = [];
      let after: string | undefined;
      for (let i = 0; i < 100; i++) {
        const p = await page(filter, size, after);
        expect(p.totalCount).toBe(expected.length);
        expect(p.pageInfo.hasPreviousPage).toBe(after !== undefined);
        seen.push(...p.edges.map((e) => e.node.seq));
        expect(p.pageInfo.endCursor).toBe(p.edges.at(-1)?.cursor ?? null);
        if (!p.pageInfo.hasNextPage) break;
        expect(p.edges).toHaveLength(size);
        after = p.pageInfo.endCursor!;
      }
      expect(seen).toEqual(expected);
    }
  });
});

describe('the hash chain', () => {
  it('verifies, with one link per event up to the head', async () => {
    const n = await count(ctx, 'audit_events', 'org_id = $1', [orgId]);
    const c = await chain(slug);
    const newest = (await page(null, 1)).edges[0]!.node;
    expect(c).toEqual({ valid: true, checkedEvents: n, firstInvalidSeq: null, headHash: newest.hash });
    const all = (await page(null)).edges.map((e) => e.node).reverse();
    expect(all[0]!.prevHash).toBe('0'.repeat(64));
    for (let i = 1; i < all.length; i++) expect(all[i]!.prevHash).toBe(all[i - 1]!.hash);
  });

  /** A fresh organisation owned by alice with four events. */
  async function chainOf(name: string): Promise<{ slug: string; orgId: string }> {
    const org = await ctx.newOrg(name, alice.email);
    for (const n of ['One', 'Two', 'Three']) {
      expectData(
        await ctx.gql(
          alice,
          'mutation($i: UpdateOrganizationInput!) { updateOrganization(input: $i) { name } }',
          {
            i: { orgSlug: org.slug, name: n },
          },
        ),
      );
    }
    expect(await chain(org.slug)).toMatchObject({ valid: true, checkedEvents: 4 });
    return org;
  }

  /** Runs statements as superuser with the append-only trigger switched off. */
  async function tamper(sql: string): Promise<void> {
    await ctx.sql(`BEGIN;
      ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update;
      ${sql};
      ALTER TABLE audit_events ENABLE TRIGGER audit_events_no_update;
      COMMIT`);
  }

  it('reports an edited event as the first invalid one', async () => {
    const org = await chainOf('tamper-edit');
    await tamper(
      `UPDATE audit_events SET after = '{"name": "Forged"}' WHERE org_id = '${org.orgId}' AND seq = 3`,
    );
    expect(await chain(org.slug)).toMatchObject({ valid: false, firstInvalidSeq: '3', checkedEvents: 2 });
    // Other organisations' chains are separate and still verify.
    expect((await chain(slug)).valid).toBe(true);
  });

  it('catches an edit whose own hash was recomputed, at the next link', async () => {
    const org = await chainOf('tamper-rehash');
    const [row] = await ctx.sql<{
      seq: string;
      occurred_at: Date;
      actor_type: string;
      actor_id: string | null;
      actor_label: string;
      action: string;
      target_type: string;
      target_id: string;
      before: unknown;
      prev_hash: Buffer;
    }>('SELECT * FROM audit_events WHERE org_id = $1 AND seq = 2', [org.orgId]);
    const forged = auditHash(row!.prev_hash, {
      orgId: org.orgId,
      seq: BigInt(row!.seq),
      occurredAt: row!.occurred_at,
      actorType: row!.actor_type,
      actorId: row!.actor_id,
      actorLabel: row!.actor_label,
      action: row!.action,
      targetType: row!.target_type,
      targetId: row!.target_id,
      before: row!.before,
      after: { name: 'Forged' },
    });
    await tamper(
      `UPDATE audit_events SET after = '{"name": "Forged"}', hash = '\\x${forged.toString('hex')}' WHERE org_id = '${org.orgId}' AND seq = 2`,
    );
    expect(await chain(org.slug)).toMatchObject({ valid: false, firstInvalidSeq: '3' });
  });

  it('reports a deleted event, in the middle or at the end', async () => {
    const middle = await chainOf('tamper-gap');
    await tamper(`DELETE FROM audit_events WHERE org_id = '${middle.orgId}' AND seq = 2`);
    expect(await chain(middle.slug)).toMatchObject({ valid: false, firstInvalidSeq: '2' });
    const tail = await chainOf('tamper-tail');
    await tamper(`DELETE FROM audit_events WHERE org_id = '${tail.orgId}' AND seq = 4`);
    expect(await chain(tail.slug)).toMatchObject({ valid: false, firstInvalidSeq: '4', checkedEvents: 3 });
  });
});

describe('append-only', () => {
  it('the API role cannot update or delete audit events, even in its own organisation', async () => {
    const c = new pg.Client({ connectionString: ctx.env.DATABASE_URL });
    await c.connect();
    try {
      for (const sql of [
        "UPDATE audit_events SET action = 'x'",
        'DELETE FROM audit_events',
        'TRUNCATE audit_events',
      ]) {
        await c.query('BEGIN');
        await c.query("SELECT set_config('app.org_id', $1, true)", [orgId]);
        await expect(c.query(sql)).rejects.toMatchObject({ code: '42501' });
        await c.query('ROLLBACK');
      }
    } finally {
      await c.end();
    }
  });

  it('even the system role is stopped by the trigger while it is enabled', async () => {
    const n = await count(ctx, 'audit_events', 'org_id = $1', [orgId]);
    await expect(ctx.sql("UPDATE audit_events SET action = 'x' WHERE org_id = $1", [orgId])).rejects.toThrow(
      /append-only/,
    );
    await expect(ctx.sql('DELETE FROM audit_events WHERE org_id = $1', [orgId])).rejects.toThrow(
      /append-only/,
    );
    expect(await count(ctx, 'audit_events', 'org_id = $1', [orgId])).toBe(n);
    expect((await chain(slug)).valid).toBe(true);
  });
});
