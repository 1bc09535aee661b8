// SCIM provisioning, for owners: the base URL and bearer token to give Okta or Entra ID (the secret
// is shown once; issuing again rotates it), turning provisioning off, and mapping each provisioned
// group to a role. Once any group is mapped, provisioned members' roles come from their groups.
import { useState } from 'react';
import { Badge } from '../../../components/ui/badge';
import { Button } from '../../../components/ui/button';
import { CopyableText } from '../../../components/ui/copy-button';
import { ErrorState, errorMessage } from '../../../components/ui/error-state';
import { Select } from '../../../components/ui/select';
import { SkeletonRows } from '../../../components/ui/skeleton';
import { Table } from '../../../components/ui/table';
import { useToast } from '../../../components/ui/toast';
import type { Role } from '../../../generated/graphql';
import { relativeTime } from '../../../lib/format';
import { roleLabel } from '../../../lib/permissions';
import { useIssueScimToken, useRevokeScimToken, useScimSettings, useSetScimGroupRole } from '../api';

const ROLES: Role[] = ['OWNER', 'ADMIN', 'EDITOR', 'AUDITOR', 'VIEWER'];

export function ScimSettingsSection({ slug }: { slug: string }) {
  const q = useScimSettings(slug, true);
  const issue = useIssueScimToken(slug);
  const revoke = useRevokeScimToken(slug);
  const setRole = useSetScimGroupRole(slug);
  const toast = useToast();
  const [secret, setSecret] = useState<string | null>(null);
  const fail = (title: string) => (err: unknown) =>
    toast.show({ title, body: errorMessage(err), tone: 'danger' });
  const issueToken = async () => {
    try {
      setSecret((await issue.mutateAsync(undefined)).secret);
    } catch (err) {
      fail('No token issued')(err);
    }
  };
  const revokeToken = async () => {
    try {
      await revoke.mutateAsync(undefined);
      setSecret(null);
      toast.show({ title: 'SCIM provisioning is off', tone: 'ok' });
    } catch (err) {
      fail('Not revoked')(err);
    }
  };
  const mapGroup = async (groupId: string, value: string) => {
    try {
      await setRole.mutateAsync({ groupId, role: value === '' ? null : (value as Role) });
      toast.show({ title: 'Group mapping saved', tone: 'ok' });
    } catch (err) {
      fail('Not saved')(err);
    }
  };
  if (q.isPending) return <SkeletonRows rows={2} />;
  if (q.isError) return <ErrorState error={q.error} onRetry={() => void q.refetch()} />;
  const { endpoint, token, groups } = q.data;
  return (
    <section aria-labelledby="scim" className="card stack">
      <h2 id="scim">SCIM provisioning</h2>
      <p className="muted">
        Let Okta or Entra ID create, update and deactivate members. Deactivated people lose access at once.
      </p>
      <CopyableText text={endpoint} label="SCIM base URL" />
      {token ? (
        <p>
          Token <Badge mono>{token.prefix}…</Badge> issued {relativeTime(token.createdAt)}
          {token.createdBy ? ` by ${token.createdBy}` : ''}; last used{' '}
          {token.lastUsedAt ? relativeTime(token.lastUsedAt) : 'never'}.
        </p>
      ) : (
        <p className="muted">Provisioning is off: no token.</p>
      )}
      {secret && (
        <div className="stack">
          <p>
            <strong>Copy the token now</strong> and paste it into your IdP. It is shown only once.
          </p>
          <CopyableText text={secret} label="SCIM token" />
        </div>
      )}
      <div>
        <Button variant="primary" busy={issue.isPending} onClick={() => void issueToken()}>
          {token ? 'Rotate token' : 'Issue token'}
        </Button>{' '}
        {token && (
          <Button variant="danger" busy={revoke.isPending} onClick={() => void revokeToken()}>
            Turn off
          </Button>
        )}
      </div>
      {groups.length > 0 && (
        <Table caption="Provisioned groups" columns={['Group', 'Members', 'Role']}>
          {groups.map((g) => (
            <tr key={g.id}>
              <td>{g.displayName}</td>
              <td>{g.memberCount}</td>
              <td>
                <Select
                  aria-label={`Role for ${g.displayName}`}
                  value={g.role ?? ''}
                  options={[
                    { value: '', label: 'Not mapped' },
                    ...ROLES.map((r) => ({ value: r, label: roleLabel(r) })),
                  ]}
                  onChange={(e) => void mapGroup(g.id, e.target.value)}
                />
              </td>
            </tr>
          ))}
        </Table>
      )}
      {groups.some((g) => g.role !== null) && (
        <p className="muted">
          Provisioned members get the highest role of their mapped groups, and Viewer when they are in none.
        </p>
      )}
    </section>
  );
}
