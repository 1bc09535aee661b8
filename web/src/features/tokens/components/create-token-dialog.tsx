// Create an API token: name, role (no higher than yours), lifetime, and optionally the clusters and
// tiers it is limited to. On success the secret is shown once with a copy button; closing the
// dialog forgets it.
import { DEFAULT_TOKEN_DAYS } from '@palisade/access';
import { useState, type FormEvent } from 'react';
import { Button } from '../../../components/ui/button';
import { CopyableText } from '../../../components/ui/copy-button';
import { Dialog } from '../../../components/ui/dialog';
import { errorMessage } from '../../../components/ui/error-state';
import { Field } from '../../../components/ui/field';
import { Input } from '../../../components/ui/input';
import { Select } from '../../../components/ui/select';
import type { Role } from '../../../generated/graphql';
import { grantableRoles, roleLabel } from '../../../lib/permissions';
import { useCreateApiToken } from '../api';
import { validateTokenForm } from '../validation';
import { EMPTY_SCOPE, scopeErrors, scopeInput, type ScopeForm } from '../../access/scope';
import { ScopeFields } from '../../access/scope-fields';

export function CreateTokenDialog({
  slug,
  viewerRole,
  open,
  onClose,
}: {
  slug: string;
  viewerRole: Role;
  open: boolean;
  onClose: () => void;
}) {
  const create = useCreateApiToken(slug);
  const roles = grantableRoles(viewerRole);
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>(roles.includes('VIEWER') ? 'VIEWER' : (roles[0] ?? 'VIEWER'));
  const [days, setDays] = useState(String(DEFAULT_TOKEN_DAYS));
  const [submitted, setSubmitted] = useState(false);
  const [secret, setSecret] = useState<string | null>(null);
  const [scope, setScope] = useState<ScopeForm>(EMPTY_SCOPE);
  const errors = submitted ? validateTokenForm(name, days) : {};
  const limitErrors = submitted ? scopeErrors(role, scope) : {};

  const close = () => {
    setSecret(null);
    setName('');
    setScope(EMPTY_SCOPE);
    setSubmitted(false);
    create.reset();
    onClose();
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setSubmitted(true);
    const found = validateTokenForm(name, days);
    if (found.name || found.days || Object.keys(scopeErrors(role, scope)).length > 0) return;
    create.mutate(
      { name: name.trim(), role, expiresInDays: Number(days), scope: scopeInput(scope) },
      { onSuccess: (r) => setSecret(r.secret) },
    );
  };

  return (
    <Dialog open={open} title={secret ? 'Token created' : 'Create an API token'} onClose={close}>
      {secret ? (
        <div className="stack">
          <p>
            <strong>Copy the secret now.</strong> It is shown only once; Palisade keeps only its hash.
          </p>
          <CopyableText text={secret} label="Token secret" />
          <div className="ui-dialog__actions">
            <Button variant="primary" onClick={close}>
              Done
            </Button>
          </div>
        </div>
      ) : (
        <form onSubmit={submit} noValidate>
          <Field label="Name" error={errors.name}>
            <Input value={name} onChange={(e) => setName(e.target.value)} autoFocus autoComplete="off" />
          </Field>
          <Field
            label="Role"
            hint="A token can do at most what its role allows; never more than your own role."
            error={limitErrors.role}
          >
            <Select
              value={role}
              onChange={(e) => setRole(e.target.value as Role)}
              options={roles.map((r) => ({ value: r, label: roleLabel(r) }))}
            />
          </Field>
          <ScopeFields value={scope} onChange={setScope} errors={limitErrors} />
          <Field label="Expires after (days)" error={errors.days}>
            <Input inputMode="numeric" value={days} onChange={(e) => setDays(e.target.value)} />
          </Field>
          {create.error && (
            <p className="ui-field__error" role="alert">
              {errorMessage(create.error)}
            </p>
          )}
          <div className="ui-dialog__actions">
            <Button onClick={close}>Cancel</Button>
            <Button type="submit" variant="primary" busy={create.isPending}>
              Create token
            </Button>
          </div>
        </form>
      )}
    </Dialog>
  );
}
