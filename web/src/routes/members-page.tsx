// Members: invite (if allowed), the member list with role changes and removal, invitations, and
// the session policy and your own sessions (decision 0110), and leaving the organisation.
import { PageHeader } from '../components/layout/page-header';
import { EmptyState } from '../components/ui/empty-state';
import { ErrorState } from '../components/ui/error-state';
import { SkeletonRows } from '../components/ui/skeleton';
import { useMembers } from '../features/members/api';
import { InvitationsTable } from '../features/members/components/invitations-table';
import { InviteForm } from '../features/members/components/invite-form';
import { LeaveOrganization } from '../features/members/components/leave-organization';
import { MembersTable } from '../features/members/components/members-table';
import { useOrgHeader } from '../features/orgs/api';
import { useOrgSlug, usePermissions } from '../features/orgs/hooks/use-permissions';
import { ScimSettingsSection } from '../features/scim/components/scim-settings';
import { SessionPolicy } from '../features/sessions/components/session-policy';
import { YourSessions } from '../features/sessions/components/your-sessions';
import { useViewer } from '../features/viewer/api';

export function MembersPage() {
  const slug = useOrgSlug();
  const perms = usePermissions();
  const viewer = useViewer();
  const org = useOrgHeader(slug);
  const q = useMembers(slug, perms.can('members:invite'));
  const role = perms.role;
  return (
    <>
      <PageHeader title="Members" />
      {q.isPending || !role ? (
        <SkeletonRows rows={4} />
      ) : q.isError ? (
        <ErrorState error={q.error} onRetry={() => void q.refetch()} />
      ) : (
        <div className="stack">
          {perms.can('members:invite') && <InviteForm slug={slug} viewerRole={role} />}
          <MembersTable
            slug={slug}
            members={q.data.members.edges.map((e) => e.node)}
            viewerRole={role}
            viewerId={viewer.data?.user?.id}
            canManage={perms.can('members:manage')}
            canEndSessions={perms.can('sessions:manage')}
          />
          {q.data.invitations &&
            (q.data.invitations.edges.length === 0 ? (
              <EmptyState title="No invitations">Invited people appear here until they join.</EmptyState>
            ) : (
              <InvitationsTable
                slug={slug}
                invitations={q.data.invitations.edges.map((e) => e.node)}
                canManage={perms.can('members:invite')}
              />
            ))}
          <SessionPolicy slug={slug} canManage={perms.can('sessions:manage')} />
          {perms.can('scim:manage') && <ScimSettingsSection slug={slug} />}
          {viewer.data?.user && <YourSessions />}
          <LeaveOrganization slug={slug} orgName={org.data?.name ?? slug} />
        </div>
      )}
    </>
  );
}
