// Pending and past invitations; managers may revoke a pending one.
import { Badge, type Tone } from '../../../components/ui/badge';
import { Button } from '../../../components/ui/button';
import { errorMessage } from '../../../components/ui/error-state';
import { Table } from '../../../components/ui/table';
import { useToast } from '../../../components/ui/toast';
import type { InvitationStatus } from '../../../generated/graphql';
import { absoluteTime, relativeTime } from '../../../lib/format';
import { roleLabel } from '../../../lib/permissions';
import { useRevokeInvitation, type InvitationNode } from '../api';

const TONE: Record<InvitationStatus, Tone> = {
  PENDING: 'info',
  ACCEPTED: 'ok',
  EXPIRED: 'neutral',
  REVOKED: 'neutral',
};

export function InvitationsTable({
  slug,
  invitations,
  canManage,
}: {
  slug: string;
  invitations: readonly InvitationNode[];
  canManage: boolean;
}) {
  const revoke = useRevokeInvitation(slug);
  const toast = useToast();
  return (
    <Table caption="Invitations" columns={['Email', 'Role', 'Status', 'Expires', 'Invited by', '']}>
      {invitations.map((i) => (
        <tr key={i.id} data-invitation={i.email}>
          <td>{i.email}</td>
          <td>{roleLabel(i.role)}</td>
          <td>
            <Badge tone={TONE[i.status]}>{i.status.toLowerCase()}</Badge>
          </td>
          <td title={absoluteTime(i.expiresAt)}>{relativeTime(i.expiresAt)}</td>
          <td>{i.invitedBy ?? '—'}</td>
          <td>
            {canManage && i.status === 'PENDING' && (
              <Button
                size="small"
                variant="danger"
                aria-label={`Revoke invitation of ${i.email}`}
                busy={revoke.isPending && revoke.variables === i.id}
                onClick={() =>
                  revoke.mutate(i.id, {
                    onError: (err) =>
                      toast.show({ title: 'Not revoked', body: errorMessage(err), tone: 'danger' }),
                  })
                }
              >
                Revoke
              </Button>
            )}
          </td>
        </tr>
      ))}
    </Table>
  );
}
