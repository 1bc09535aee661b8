// One SSO connection: what to give the IdP, switch it on or off, its group mappings with a dry run
// of who would get what, and delete.
import { useState } from 'react';
import { Badge, StatusPill } from '../../../components/ui/badge';
import { Button } from '../../../components/ui/button';
import { CopyableText } from '../../../components/ui/copy-button';
import { errorMessage } from '../../../components/ui/error-state';
import { Field } from '../../../components/ui/field';
import { Table } from '../../../components/ui/table';
import type { SsoGroupMappingInput } from '../../../generated/graphql';
import { roleLabel } from '../../../lib/permissions';
import {
  useDeleteSsoConnection,
  useSetSsoGroupMappings,
  useSsoRolePreview,
  useUpdateSsoConnection,
  type SsoConnectionNode,
} from '../api';
import { mappingsToText, parseMappingsText } from '../mappings-text';

export function ConnectionCard({ slug, connection }: { slug: string; connection: SsoConnectionNode }) {
  const update = useUpdateSsoConnection(slug);
  const remove = useDeleteSsoConnection(slug);
  const save = useSetSsoGroupMappings(slug);
  const [text, setText] = useState(mappingsToText(connection.groupMappings));
  const [preview, setPreview] = useState<SsoGroupMappingInput[] | null>(null);
  const parsed = parseMappingsText(text);
  const dryRun = useSsoRolePreview(slug, connection.id, preview);
  const failure = update.error ?? remove.error ?? save.error;

  return (
    <section className="card stack" aria-label={`Connection ${connection.name}`}>
      <header className="row">
        <h3>{connection.name}</h3>
        <Badge>{connection.kind}</Badge>
        <StatusPill
          tone={connection.enabled ? 'ok' : 'neutral'}
          label={connection.enabled ? 'Enabled' : 'Disabled'}
        />
      </header>
      {connection.oidc && (
        <>
          <p>
            Issuer <code>{connection.oidc.issuer}</code>, client <code>{connection.oidc.clientId}</code>,
            scopes <code>{connection.oidc.scopes.join(' ')}</code>, groups claim{' '}
            <code>{connection.groupsClaim}</code>.
          </p>
          <CopyableText text={connection.oidc.redirectUri} label="Redirect URI to register at the IdP" />
        </>
      )}
      {connection.saml && (
        <>
          <p>
            IdP <code>{connection.saml.idpEntityId}</code>, clock skew {connection.saml.clockSkewSeconds} s,
            groups attribute <code>{connection.groupsClaim}</code>.
          </p>
          <CopyableText text={connection.saml.spMetadataUrl} label="SP metadata URL to give the IdP" />
          <CopyableText text={connection.saml.acsUrl} label="Assertion consumer service URL" />
        </>
      )}
      <Field
        label="Group mappings"
        hint="One per line: group = ROLE (ADMIN, EDITOR, AUDITOR or VIEWER). Applied at each person's next sign-in; no mapping left means no membership."
        error={parsed.error ?? undefined}
      >
        <textarea
          className="ui-input"
          rows={4}
          value={text}
          onChange={(e) => setText(e.target.value)}
          spellCheck={false}
        />
      </Field>
      <div className="row">
        <Button disabled={parsed.error !== null} onClick={() => setPreview(parsed.mappings)}>
          Preview who gets what
        </Button>
        <Button
          variant="primary"
          busy={save.isPending}
          disabled={parsed.error !== null}
          onClick={() => save.mutate({ connectionId: connection.id, mappings: parsed.mappings })}
        >
          Save mappings
        </Button>
        <Button
          busy={update.isPending}
          onClick={() => update.mutate({ connectionId: connection.id, enabled: !connection.enabled })}
        >
          {connection.enabled ? 'Disable' : 'Enable'}
        </Button>
        <Button
          variant="danger"
          busy={remove.isPending}
          onClick={() => {
            if (window.confirm(`Delete ${connection.name}? People signed in through it keep their sessions.`))
              remove.mutate(connection.id);
          }}
        >
          Delete
        </Button>
      </div>
      {failure && <p role="alert">{errorMessage(failure)}</p>}
      {preview !== null &&
        (dryRun.isPending ? (
          <p>Working out the roles…</p>
        ) : dryRun.isError ? (
          <p role="alert">{errorMessage(dryRun.error)}</p>
        ) : dryRun.data.length === 0 ? (
          <p>Nobody has signed in through this connection yet.</p>
        ) : (
          <Table
            caption="Dry run: roles at the next sign-in"
            columns={['Email', 'Groups', 'Now', 'Next sign-in', 'Change']}
          >
            {dryRun.data.map((r) => (
              <tr key={r.email}>
                <td>{r.email}</td>
                <td>{r.groups.join(', ') || '—'}</td>
                <td>{r.currentRole ? roleLabel(r.currentRole) : '—'}</td>
                <td>{r.resultingRole ? roleLabel(r.resultingRole) : '—'}</td>
                <td>
                  <Badge
                    tone={
                      r.change === 'REMOVE'
                        ? 'danger'
                        : r.change === 'KEEP' || r.change === 'NONE'
                          ? 'neutral'
                          : 'info'
                    }
                  >
                    {r.change}
                  </Badge>
                </td>
              </tr>
            ))}
          </Table>
        ))}
    </section>
  );
}
