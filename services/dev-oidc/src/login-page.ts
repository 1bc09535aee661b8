// The sign-in form shown at /interaction/:uid. The form posts back to the same interaction uid it
// was rendered for; the route only accepts it when that uid matches the provider's interaction
// cookie, which is what makes the form CSRF-safe. Field names `email` and `password` and the error
// text are relied upon by test tooling (test-login.ts) and the browser tests.
import { escapeHtml, renderPage } from './html.js';
import { DEMO_PASSWORD } from './users.js';

export const INVALID_CREDENTIALS_MESSAGE = 'Invalid email or password';

export interface LoginPageModel {
  readonly uid: string;
  readonly clientName: string;
  readonly email?: string;
  readonly error?: string;
}

export function loginFormAction(uid: string): string {
  return `/interaction/${encodeURIComponent(uid)}/login`;
}

export function renderLoginPage(model: LoginPageModel): string {
  const error =
    model.error === undefined ? '' : `<p class="error" role="alert">${escapeHtml(model.error)}</p>`;
  return renderPage(
    'Sign in',
    [
      `<h1>Sign in to ${escapeHtml(model.clientName)}</h1>`,
      error,
      `<form method="post" action="${escapeHtml(loginFormAction(model.uid))}" autocomplete="on">`,
      '<label for="email">Email</label>',
      `<input id="email" name="email" type="email" autocomplete="username" required autofocus value="${escapeHtml(model.email ?? '')}">`,
      '<label for="password">Password</label>',
      '<input id="password" name="password" type="password" autocomplete="current-password" required>',
      '<button type="submit">Sign in</button>',
      '</form>',
      `<p class="hint">Development sign-in. Demo accounts (alice@example.com, bob@example.com, …) use the password “${escapeHtml(DEMO_PASSWORD)}”.</p>`,
    ].join('\n'),
  );
}
