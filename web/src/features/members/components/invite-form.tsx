// Invite someone by email with a role no higher than the inviter's own (the list offers only those),
// optionally limited to clusters and tiers.
import { useState, type FormEvent } from 'react';
import { Button } from '../../../components/ui/button';
import { errorMessage } from '../../../components/ui/error-state';
import { Field } from '../../../components/ui/field';
import { Input } from '../../../components/ui/input';
import { Select } from '../../../components/ui/select';
import { useToast } from '../../../components/ui/toast';
import type { Role } from '../../../generated/graphql';
import { grantableRoles, roleLabel } from '../../../lib/permissions';
import { useInviteMember } from '../api';
import { emailError } from '../validation';
import { EMPTY_SCOPE, scopeErrors, scopeInput, type ScopeForm } from '../../access/scope';
import { ScopeFields } from '../../access/scope-fields';

export function InviteForm({ slug, viewerRole }: { slug: string; viewerRole: Role }) {
  const invite = useInviteMember(slug);
  const toast = useToast();
  const roles = grantableRoles(viewerRole);
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<Role>(roles.includes('VIEWER') ? 'VIEWER' : (roles[0] ?? 'VIEWER'));
  const [submitted, setSubmitted] = useState(false);
  const [scope, setScope] = useState<ScopeForm>(EMPTY_SCOPE);
  const error = submitted ? emailError(email) : undefined;
  const limitErrors = submitted ? scopeErrors(role, scope) : {};
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setSubmitted(true);
    if (emailError(email) || Object.keys(scopeErrors(role, scope)).length > 0) return;
    invite.mutate(
      { email: email.trim(), role, scope: scopeInput(scope) },
      {
        onSuccess: (inv) => {
          toast.show({ title: `Invitation sent to ${inv.email}`, tone: 'ok' });
          setEmail('');
          setScope(EMPTY_SCOPE);
          setSubmitted(false);
        },
      },
    );
  };
  return (
    <form onSubmit={submit} noValidate aria-label="Invite a member" className="card">
      <h2>Invite a member</h2>
      <div style={{ display: 'grid', gridTemplateColumns: '2fr 1fr auto', gap: 12, alignItems: 'start' }}>
        <Field label="Email" error={error}>
          <Input type="email" value={email} onChange={(e) => setEmail(e.target.value)} autoComplete="off" />
        </Field>
        <Field label="Role" error={limitErrors.role}>
          <Select
            value={role}
            onChange={(e) => setRole(e.target.value as Role)}
            options={roles.map((r) => ({ value: r, label: roleLabel(r) }))}
          />
        </Field>
        <div style={{ paddingTop: 26 }}>
          <Button type="submit" variant="primary" busy={invite.isPending}>
            Send invitation
          </Button>
        </div>
      </div>
      <div style={{ display: 'grid', gridTemplateColumns: '1fr 1fr', gap: 12 }}>
        <ScopeFields value={scope} onChange={setScope} errors={limitErrors} />
      </div>
      {invite.error && (
        <p className="ui-field__error" role="alert">
          {errorMessage(invite.error)}
        </p>
      )}
    </form>
  );
}
