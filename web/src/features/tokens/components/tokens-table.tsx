// API tokens: prefix, role, creator, last use, expiry; revoke with a confirmation.
import { useState } from 'react';
import { Badge } from '../../../components/ui/badge';
import { Button } from '../../../components/ui/button';
import { Dialog } from '../../../components/ui/dialog';
import { errorMessage } from '../../../components/ui/error-state';
import { Table } from '../../../components/ui/table';
import { useToast } from '../../../components/ui/toast';
import { absoluteTime, relativeTime } from '../../../lib/format';
import { roleLabel } from '../../../lib/permissions';
import { useRevokeApiToken, type TokenNode } from '../api';
import { scopeLabel } from '../../access/scope-label';

function tokenState(t: TokenNode): { label: string; tone: 'ok' | 'neutral' | 'danger' } {
  if (t.revokedAt) return { label: 'revoked', tone: 'danger' };
  if (t.expiresAt && new Date(t.expiresAt).getTime() < Date.now())
    return { label: 'expired', tone: 'neutral' };
  return { label: 'active', tone: 'ok' };
}

export function TokensTable({
  slug,
  tokens,
  canManage,
}: {
  slug: string;
  tokens: readonly TokenNode[];
  canManage: boolean;
}) {
  const revoke = useRevokeApiToken(slug);
  const toast = useToast();
  const [target, setTarget] = useState<TokenNode | null>(null);
  return (
    <>
      <Table
        caption="API tokens"
        captionHidden
        columns={['Name', 'Prefix', 'Role', 'Access', 'State', 'Created by', 'Last used', 'Expires', '']}
      >
        {tokens.map((t) => {
          const state = tokenState(t);
          return (
            <tr key={t.id} data-token={t.name}>
              <td>{t.name}</td>
              <td className="mono">{t.prefix}…</td>
              <td>{roleLabel(t.role)}</td>
              <td>{scopeLabel(t.scope)}</td>
              <td>
                <Badge tone={state.tone}>{state.label}</Badge>
              </td>
              <td>{t.createdBy ?? '—'}</td>
              <td title={absoluteTime(t.lastUsedAt)}>{relativeTime(t.lastUsedAt)}</td>
              <td title={absoluteTime(t.expiresAt)}>{t.expiresAt ? relativeTime(t.expiresAt) : '—'}</td>
              <td>
                {canManage && state.label === 'active' && (
                  <Button
                    size="small"
                    variant="danger"
                    aria-label={`Revoke ${t.name}`}
                    onClick={() => setTarget(t)}
                  >
                    Revoke
                  </Button>
                )}
              </td>
            </tr>
          );
        })}
      </Table>
      <Dialog
        open={target !== null}
        title={`Revoke ${target?.name ?? ''}?`}
        onClose={() => setTarget(null)}
        actions={
          <>
            <Button onClick={() => setTarget(null)}>Cancel</Button>
            <Button
              variant="danger-solid"
              busy={revoke.isPending}
              onClick={() =>
                target &&
                revoke.mutate(target.id, {
                  onSuccess: () => {
                    toast.show({ title: `${target.name} revoked`, tone: 'ok' });
                    setTarget(null);
                  },
                  onError: (err) =>
                    toast.show({ title: 'Not revoked', body: errorMessage(err), tone: 'danger' }),
                })
              }
            >
              Revoke token
            </Button>
          </>
        }
      >
        <p>Anything using this token stops working immediately.</p>
      </Dialog>
    </>
  );
}
