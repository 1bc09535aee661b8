// Reads the session's CSRF secret from the readable `pal_csrf` cookie (decision 0003: double
// submit). Every GraphQL request and the sign-out call echo it in the `x-palisade-csrf` header.
export const CSRF_HEADER = 'x-palisade-csrf';
const CSRF_COOKIE = 'pal_csrf';

export function readCsrfToken(cookieHeader: string = document.cookie): string | undefined {
  for (const part of cookieHeader.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === CSRF_COOKIE) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return undefined;
}
