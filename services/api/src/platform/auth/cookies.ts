// Minimal cookie parsing/serialising for the three cookies Palisade sets: the session (HttpOnly),
// the CSRF double-submit value (readable by the console) and the short-lived sign-in state.
export const SESSION_COOKIE = 'pal_session';
export const CSRF_COOKIE = 'pal_csrf';
export const LOGIN_COOKIE = 'pal_login';
/** The sign-in state of an SSO (OIDC) sign-in through an organisation's own IdP (modules/sso). */
export const SSO_LOGIN_COOKIE = 'pal_sso_login';
export const CSRF_HEADER = 'x-palisade-csrf';

export function parseCookies(header: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  if (!header) return out;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    const raw = part.slice(eq + 1).trim();
    try {
      out.set(name, decodeURIComponent(raw));
    } catch {
      out.set(name, raw);
    }
  }
  return out;
}

export interface CookieOptions {
  httpOnly: boolean;
  secure: boolean;
  maxAgeSeconds?: number;
  path?: string;
  sameSite?: 'Lax' | 'Strict';
}

export function serializeCookie(name: string, value: string, o: CookieOptions): string {
  const parts = [
    `${name}=${encodeURIComponent(value)}`,
    `Path=${o.path ?? '/'}`,
    `SameSite=${o.sameSite ?? 'Lax'}`,
  ];
  if (o.maxAgeSeconds !== undefined) parts.push(`Max-Age=${o.maxAgeSeconds}`);
  if (o.httpOnly) parts.push('HttpOnly');
  if (o.secure) parts.push('Secure');
  return parts.join('; ');
}

export function clearCookie(name: string, secure: boolean, httpOnly = true): string {
  return serializeCookie(name, '', { httpOnly, secure, maxAgeSeconds: 0 });
}
