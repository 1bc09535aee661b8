// Sign-in: one button into the OIDC flow (GET /auth/login?returnTo=…). The API sets the session
// and CSRF cookies on the callback and sends the browser back to where it was.
import { signInUrl } from '../lib/auth';
import { ThemeToggle } from '../components/layout/theme-toggle';

export function SignInPage({ returnTo }: { returnTo: string }) {
  return (
    <main className="centered sign-in">
      <div className="sign-in__card">
        <div className="brand brand--large" aria-hidden="true">
          ▥ Palisade
        </div>
        <h1>Sign in to Palisade</h1>
        <p>
          Network security for your whole Kubernetes fleet: clusters, policy tiers and audit in one place.
        </p>
        <a className="ui-button ui-button--primary sign-in__button" href={signInUrl(returnTo)}>
          Sign in with your identity provider
        </a>
        <div className="sign-in__theme">
          <ThemeToggle />
        </div>
      </div>
    </main>
  );
}
