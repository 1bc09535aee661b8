// The pages oidc-provider itself renders: its error page and the two RP-initiated logout screens.
// They replace the library's defaults, which pull a web font from the internet, with the same
// self-contained shell as the login form. Error pages show the OAuth error code and description
// only — never a stack trace.
import type { ErrorOut, KoaContextWithOIDC } from 'oidc-provider';
import { escapeHtml, renderPage } from './html.js';

export function renderErrorPage(ctx: KoaContextWithOIDC, out: ErrorOut): void {
  const description =
    out.error_description === undefined ? '' : `<p>${escapeHtml(out.error_description)}</p>`;
  ctx.type = 'html';
  ctx.body = renderPage(
    'Sign-in error',
    `<h1>Sign-in error</h1><p class="error" role="alert">${escapeHtml(out.error)}</p>${description}`,
  );
}

/** `form` is the provider's own hidden logout form (it carries the xsrf token); it is trusted markup. */
export function renderLogoutPage(ctx: KoaContextWithOIDC, form: string): void {
  ctx.type = 'html';
  ctx.body = renderPage(
    'Sign out',
    [
      '<h1>Sign out?</h1>',
      form,
      '<button type="submit" form="op.logoutForm" name="logout" value="yes" autofocus>Sign out</button>',
      '<button type="submit" form="op.logoutForm">Stay signed in</button>',
    ].join('\n'),
  );
}

export function renderLogoutSuccessPage(ctx: KoaContextWithOIDC): void {
  ctx.type = 'html';
  ctx.body = renderPage('Signed out', '<h1>Signed out</h1><p>You have been signed out.</p>');
}
