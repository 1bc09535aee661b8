// Sign-in and sign-out against the API's browser endpoints (decision 0003). Sign-in is a full-page
// navigation to the OIDC flow; sign-out posts with the CSRF header and then follows the identity
// provider's end-session URL when it has one.
import { CSRF_HEADER, readCsrfToken } from './csrf';

export function signInUrl(returnTo: string): string {
  const safe = returnTo.startsWith('/') && !returnTo.startsWith('//') ? returnTo : '/';
  return `/auth/login?returnTo=${encodeURIComponent(safe)}`;
}

export async function signOut(): Promise<void> {
  const csrf = readCsrfToken();
  const res = await fetch('/auth/logout', {
    method: 'POST',
    credentials: 'same-origin',
    headers: csrf ? { [CSRF_HEADER]: csrf } : {},
  });
  const body = res.ok ? ((await res.json()) as { endSessionUrl?: string | null }) : {};
  window.location.assign(body.endSessionUrl ?? '/');
}
