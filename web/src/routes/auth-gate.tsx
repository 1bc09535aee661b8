// The auth gate: loads the viewer; without a session it shows the sign-in page (keeping the URL,
// so signing in returns here), otherwise the page.
import { Outlet, useLocation } from '@tanstack/react-router';
import { ErrorState } from '../components/ui/error-state';
import { SkeletonRows } from '../components/ui/skeleton';
import { useViewer } from '../features/viewer/api';
import { isApiError } from '../lib/graphql-client';
import { SignInPage } from './sign-in-page';

export function AuthGate() {
  const viewer = useViewer();
  const location = useLocation();
  if (viewer.isPending)
    return (
      <main className="centered">
        <SkeletonRows rows={3} label="Loading Palisade" />
      </main>
    );
  if (viewer.isError) {
    if (isApiError(viewer.error, 'UNAUTHENTICATED')) return <SignInPage returnTo={location.href} />;
    return (
      <main className="centered">
        <ErrorState title="Palisade cannot load" error={viewer.error} onRetry={() => void viewer.refetch()} />
      </main>
    );
  }
  return <Outlet />;
}
