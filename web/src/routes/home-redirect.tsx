// "/" sends a member to their first organisation and someone without one to create it.
import { Navigate } from '@tanstack/react-router';
import { useViewer } from '../features/viewer/api';

export function HomeRedirect() {
  const { data } = useViewer();
  const first = data?.organizations.edges[0]?.node;
  if (!data) return null;
  if (!first || data.invitations.length > 0) return <Navigate to="/new-org" replace />;
  return <Navigate to="/o/$slug" params={{ slug: first.slug }} replace />;
}
