// Secrets the platform must read back (evidence signing keys, an SSO connection's OIDC client
// secret) are stored sealed with AES-256-GCM under the platform's key-encryption key
// (EVIDENCE_KEY_ENCRYPTION_KEY, decision 0068; reused for SSO by decision 0101). The associated
// data names the row and purpose, so a ciphertext copied into another row or column does not open.
// Layout: iv (12 bytes) | tag (16 bytes) | ciphertext. The one home of this format.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

export function sealSecret(key: Buffer, associatedData: string, plaintext: string): Buffer {
  if (key.length !== 32) throw new Error('the key-encryption key must be 32 bytes');
  const iv = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', key, iv);
  c.setAAD(Buffer.from(associatedData));
  const body = Buffer.concat([c.update(plaintext, 'utf8'), c.final()]);
  return Buffer.concat([iv, c.getAuthTag(), body]);
}

export function openSecret(key: Buffer, associatedData: string, sealed: Uint8Array): string {
  if (key.length !== 32) throw new Error('the key-encryption key must be 32 bytes');
  const b = Buffer.from(sealed);
  const d = createDecipheriv('aes-256-gcm', key, b.subarray(0, 12));
  d.setAAD(Buffer.from(associatedData));
  d.setAuthTag(b.subarray(12, 28));
  return Buffer.concat([d.update(b.subarray(28)), d.final()]).toString('utf8');
}
