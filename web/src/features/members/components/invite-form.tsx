// Invite someone by email with a role no higher than the inviter's own (the list offers only those).
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

export function InviteForm({ slug, viewerRole }: { slug: string; viewerRole: Role }) {
  const invite = useInviteMember(slug);
  const toast = useToast();
  const roles = grantableRoles(viewerRole);
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<Role>(roles.includes('VIEWER') ? 'VIEWER' : (roles[0] ?? 'VIEWER'));
  const [submitted, setSubmitted] = useState(false);
  const error = submitted ? emailError(email) : undefined;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setSubmitted(true);
    if (emailError(email)) return;
    invite.mutate(
      { email: email.trim(), role },
      {
        onSuccess: (inv) => {
          toast.show({ title: `Invitation sent to ${inv.email}`, tone: 'ok' });
          setEmail('');
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
        <Field label="Role">
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
      {invite.error && (
        <p className="ui-field__error" role="alert">
          {errorMessage(invite.error)}
        </p>
      )}
    </form>
  );
}
