// Members with their roles and what each role is limited to. Managers get a role picker, a
// "Limit…" dialog for the clusters and tiers, and a remove button per row (with a confirmation);
// everyone else sees the roles and limits as text.
import { useState } from 'react';
import { Badge } from '../../../components/ui/badge';
import { Button } from '../../../components/ui/button';
import { Dialog } from '../../../components/ui/dialog';
import { errorMessage } from '../../../components/ui/error-state';
import { Select } from '../../../components/ui/select';
import { Table } from '../../../components/ui/table';
import { useToast } from '../../../components/ui/toast';
import type { Role } from '../../../generated/graphql';
import { relativeTime } from '../../../lib/format';
import { grantableRoles, roleLabel } from '../../../lib/permissions';
import { useEndMemberSessions } from '../../sessions/api';
import { useRemoveMember, useUpdateMemberRole, type MemberNode } from '../api';
import { scopeErrors, scopeInput, type ScopeForm } from '../../access/scope';
import { scopeLabel } from '../../access/scope-label';
import { ScopeFields } from '../../access/scope-fields';

export function MembersTable({
  slug,
  members,
  viewerRole,
  viewerId,
  canManage,
  canEndSessions = false,
}: {
  slug: string;
  members: readonly MemberNode[];
  viewerRole: Role;
  viewerId: string | undefined;
  canManage: boolean;
  /** Owners may end every session of a member (decision 0110). */
  canEndSessions?: boolean;
}) {
  const update = useUpdateMemberRole(slug);
  const remove = useRemoveMember(slug);
  const toast = useToast();
  const [removing, setRemoving] = useState<MemberNode | null>(null);
  const endSessions = useEndMemberSessions(slug);
  const [signingOut, setSigningOut] = useState<MemberNode | null>(null);
  const endAll = async (m: MemberNode) => {
    try {
      const r = await endSessions.mutateAsync(m.user.id);
      toast.show({
        title: `${m.user.email} is signed out`,
        body: `${r.endedSessions} session${r.endedSessions === 1 ? '' : 's'} ended`,
        tone: 'ok',
      });
      setSigningOut(null);
    } catch (err) {
      setSigningOut(null);
      onError(err);
    }
  };
  const actions = canManage || canEndSessions;
  const [limiting, setLimiting] = useState<{
    member: MemberNode;
    form: ScopeForm;
    submitted: boolean;
  } | null>(null);
  const limitErrors = limiting?.submitted ? scopeErrors(limiting.member.role, limiting.form) : {};
  const saveLimit = async () => {
    if (!limiting) return;
    const { member, form } = limiting;
    setLimiting({ ...limiting, submitted: true });
    if (Object.keys(scopeErrors(member.role, form)).length > 0) return;
    try {
      // Given empty, the scope is lifted: the whole organisation.
      await update.mutateAsync({
        userId: member.user.id,
        role: member.role,
        scope: scopeInput(form) ?? { clusterSelector: '', tiers: null },
      });
      toast.show({ title: `Access of ${member.user.email} saved`, tone: 'ok' });
      setLimiting(null);
    } catch (err) {
      onError(err);
    }
  };
  const roles = grantableRoles(viewerRole);
  const onError = (err: unknown) =>
    toast.show({ title: 'Not saved', body: errorMessage(err), tone: 'danger' });
  // Awaited here rather than through mutate() callbacks, which were lost when the row re-rendered
  // from the refreshed list before they ran.
  const changeRole = async (m: MemberNode, role: Role) => {
    try {
      await update.mutateAsync({ userId: m.user.id, role });
      toast.show({ title: `${m.user.email} is now ${roleLabel(role)}`, tone: 'ok' });
    } catch (err) {
      onError(err);
    }
  };
  const removeMember = async (m: MemberNode) => {
    try {
      await remove.mutateAsync(m.user.id);
      toast.show({ title: `${m.user.email} removed`, tone: 'ok' });
      setRemoving(null);
    } catch (err) {
      onError(err);
    }
  };

  return (
    <>
      <Table
        caption="Members"
        columns={
          actions ? ['Member', 'Role', 'Access', 'Joined', ''] : ['Member', 'Role', 'Access', 'Joined']
        }
      >
        {members.map((m) => {
          const self = m.user.id === viewerId;
          const editable = canManage && !self && (m.role !== 'OWNER' || viewerRole === 'OWNER');
          return (
            <tr key={m.user.id} data-member={m.user.email}>
              <td>
                <div>{m.user.name || m.user.email}</div>
                <div className="muted">{m.user.email}</div>
              </td>
              <td>
                {editable ? (
                  <Select
                    aria-label={`Role of ${m.user.email}`}
                    value={m.role}
                    options={[...new Set([m.role, ...roles])].map((r) => ({ value: r, label: roleLabel(r) }))}
                    onChange={(e) => void changeRole(m, e.target.value as Role)}
                  />
                ) : (
                  <Badge>{roleLabel(m.role)}</Badge>
                )}
                {self && <span className="muted"> (you)</span>}
              </td>
              <td data-scope={scopeLabel(m.scope)}>
                <span className={m.scope.organizationWide ? 'muted' : undefined}>{scopeLabel(m.scope)}</span>
                {editable && (
                  <>
                    {' '}
                    <Button
                      size="small"
                      aria-label={`Limit access of ${m.user.email}`}
                      onClick={() =>
                        setLimiting({
                          member: m,
                          submitted: false,
                          form: {
                            clusterSelector: m.scope.clusterSelector,
                            tiers: (m.scope.tiers ?? []).join(', '),
                          },
                        })
                      }
                    >
                      Limit…
                    </Button>
                  </>
                )}
              </td>
              <td>{relativeTime(m.joinedAt)}</td>
              {actions && (
                <td>
                  {canEndSessions && !self && (
                    <Button
                      size="small"
                      aria-label={`End all sessions of ${m.user.email}`}
                      onClick={() => setSigningOut(m)}
                    >
                      End sessions
                    </Button>
                  )}{' '}
                  {editable && (
                    <Button
                      variant="danger"
                      size="small"
                      aria-label={`Remove ${m.user.email}`}
                      onClick={() => setRemoving(m)}
                    >
                      Remove
                    </Button>
                  )}
                </td>
              )}
            </tr>
          );
        })}
      </Table>
      <Dialog
        open={removing !== null}
        title={`Remove ${removing?.user.email ?? ''}?`}
        onClose={() => setRemoving(null)}
        actions={
          <>
            <Button onClick={() => setRemoving(null)}>Cancel</Button>
            <Button
              variant="danger-solid"
              busy={remove.isPending}
              onClick={() => removing && void removeMember(removing)}
            >
              Remove member
            </Button>
          </>
        }
      >
        <p>They lose access to this organisation at once.</p>
      </Dialog>
      <Dialog
        open={signingOut !== null}
        title={`End every session of ${signingOut?.user.email ?? ''}?`}
        onClose={() => setSigningOut(null)}
        actions={
          <>
            <Button onClick={() => setSigningOut(null)}>Cancel</Button>
            <Button
              variant="danger-solid"
              busy={endSessions.isPending}
              onClick={() => signingOut && void endAll(signingOut)}
            >
              End sessions
            </Button>
          </>
        }
      >
        <p>
          They are signed out of every browser at once, in every organisation they use, and must sign in
          again.
        </p>
      </Dialog>
      <Dialog
        open={limiting !== null}
        title={`Access of ${limiting?.member.user.email ?? ''}`}
        onClose={() => setLimiting(null)}
        actions={
          <>
            <Button onClick={() => setLimiting(null)}>Cancel</Button>
            <Button variant="primary" busy={update.isPending} onClick={() => void saveLimit()}>
              Save
            </Button>
          </>
        }
      >
        <p>
          Limit their role to some clusters and policy tiers; leave both empty for the whole organisation.
        </p>
        {limitErrors.role && (
          <p className="ui-field__error" role="alert">
            {limitErrors.role}
          </p>
        )}
        {limiting && (
          <ScopeFields
            value={limiting.form}
            onChange={(form) => setLimiting({ ...limiting, form })}
            errors={limitErrors}
          />
        )}
      </Dialog>
    </>
  );
}
