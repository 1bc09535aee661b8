// Create an organisation, or join one through a pending invitation.
import { Link, useNavigate } from '@tanstack/react-router';
import { Button } from '../components/ui/button';
import { errorMessage } from '../components/ui/error-state';
import { roleLabel } from '../lib/permissions';
import { CreateOrgForm } from '../features/orgs/components/create-org-form';
import { useAcceptInvitation, useViewer } from '../features/viewer/api';
import { signOut } from '../lib/auth';

export function NewOrgPage() {
  const navigate = useNavigate();
  const viewer = useViewer();
  const accept = useAcceptInvitation();
  const orgs = viewer.data?.organizations.edges ?? [];
  const invitations = viewer.data?.invitations ?? [];
  const open = (slug: string) => void navigate({ to: '/o/$slug', params: { slug } });
  return (
    <main className="centered">
      <div className="sign-in__card stack" style={{ textAlign: 'left', maxWidth: 520 }}>
        <h1>{orgs.length ? 'Create another organisation' : 'Welcome to Palisade'}</h1>
        <p className="muted">Signed in as {viewer.data?.user?.email}.</p>
        {invitations.length > 0 && (
          <section aria-label="Invitations">
            <h2 style={{ fontSize: 15 }}>Invitations</h2>
            <ul>
              {invitations.map((inv) => (
                <li key={inv.id} className="row">
                  {inv.organization.name} as {roleLabel(inv.role)}
                  <Button
                    size="small"
                    variant="primary"
                    busy={accept.isPending}
                    onClick={() => accept.mutate(inv.id, { onSuccess: (org) => open(org.slug) })}
                  >
                    Join
                  </Button>
                </li>
              ))}
            </ul>
            {accept.error && <p className="ui-field__error">{errorMessage(accept.error)}</p>}
          </section>
        )}
        <CreateOrgForm onCreated={open} />
        <div className="row">
          {orgs.map(({ node }) => (
            <Link key={node.slug} to="/o/$slug" params={{ slug: node.slug }}>
              {node.name}
            </Link>
          ))}
          <Button variant="ghost" onClick={() => void signOut()}>
            Sign out
          </Button>
        </div>
      </div>
    </main>
  );
}
