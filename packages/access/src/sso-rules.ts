// Rules for single sign-on settings (issue 17; decisions 0100–0104), shared by the API and the
// console: which roles an IdP group may grant and in which order they win, what an email domain
// and a group name look like, and the DNS name and value that prove a domain.
import type { Role } from './index.js';

/**
 * Roles a group mapping may grant, strongest first: when a person's groups match several
 * mappings, the first of these wins. Owner is never granted or removed by an IdP (decision 0103).
 */
export const SSO_MAPPABLE_ROLES = ['admin', 'editor', 'auditor', 'viewer'] as const satisfies readonly Role[];
export type SsoMappableRole = (typeof SSO_MAPPABLE_ROLES)[number];

export function isSsoMappableRole(v: string): v is SsoMappableRole {
  return (SSO_MAPPABLE_ROLES as readonly string[]).includes(v);
}

/** An email domain: lower-case DNS labels, at least two, 3–253 characters. */
export const EMAIL_DOMAIN_PATTERN =
  /^(?=.{3,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$/;

export function isEmailDomain(v: string): boolean {
  return EMAIL_DOMAIN_PATTERN.test(v);
}

/** The domain part of an email address, lower-cased; null when there is none. */
export function emailDomainOf(email: string): string | null {
  const at = email.lastIndexOf('@');
  if (at < 1 || at === email.length - 1) return null;
  return email
    .slice(at + 1)
    .trim()
    .toLowerCase();
}

/** A group name as the IdP sends it (Okta names, Entra object ids): 1–256 characters. */
export const SSO_GROUP_NAME_MAX_LENGTH = 256;
/** A connection's display name: 1–100 characters after trimming. */
export const SSO_CONNECTION_NAME_MAX_LENGTH = 100;

/** Where the domain proof lives: a TXT record at this name … */
export function domainProofRecordName(domain: string): string {
  return `_palisade-challenge.${domain}`;
}
/** … holding this value. */
export function domainProofRecordValue(token: string): string {
  return `palisade-domain-verification=${token}`;
}
