// Secrets of the tunnel (decision 0006): the enrollment token (`pen_`) the API issues, usable until
// the credential obtained with it is first used (decision 0012), and the long-lived cluster
// credential (`pcc_`) the gateway issues, each 256 random bits. Only their SHA-256 is ever stored or
// compared; the credential itself exists once, in the welcome or credential.rotate frame that
// carries it to the agent.
import { createHash, randomBytes } from 'node:crypto';
import { MAX_SECRET_LENGTH } from '../limits.js';

export const ENROLLMENT_TOKEN_PREFIX = 'pen_';
export const CREDENTIAL_PREFIX = 'pcc_';

export function newCredential(): string {
  return `${CREDENTIAL_PREFIX}${randomBytes(32).toString('base64url')}`;
}

export function secretHash(secret: string): Buffer {
  return createHash('sha256').update(secret, 'utf8').digest();
}

/** A cheap shape check, so garbage never reaches the database. */
export function looksLike(secret: string, prefix: string): boolean {
  return secret.startsWith(prefix) && secret.length > prefix.length && secret.length <= MAX_SECRET_LENGTH;
}
