// Evidence signing keys (decision 0068): ECDSA P-256, signatures over SHA-256 in DER, which
// `openssl dgst -sha256 -verify key.pem -signature manifest.sig manifest.json` checks. Private
// keys are stored in Postgres encrypted with AES-256-GCM under EVIDENCE_KEY_ENCRYPTION_KEY (the key
// id is the additional data, so a ciphertext cannot be moved to another key's row). Exactly one
// key signs at a time; rotation retires it (not_after) and keeps it published, so every signature
// made before still verifies. The first signature creates the first key.
import { createPrivateKey, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import type { Database, Tx } from '../../platform/db/database.js';
import { openSecret, sealSecret } from '../../platform/auth/sealed-secrets.js';
import { EvidenceRepository } from './evidence.repository.js';

export const SIGNATURE_ALGORITHM = 'ECDSA-P256-SHA256';

export interface PublicKeyInfo {
  id: string;
  algorithm: string;
  publicKeyPem: string;
  notBefore: Date;
  notAfter: Date | null;
}

export interface Signature {
  keyId: string;
  /** The signed bytes, as built for the key. */
  data: Buffer;
  /** DER-encoded ECDSA signature over SHA-256 of the data. */
  der: Buffer;
}

function keyId(at: Date): string {
  const day = at.toISOString().slice(0, 10).replace(/-/g, '');
  return `pal-ev-${day}-${randomBytes(4).toString('hex')}`;
}

export class EvidenceKeys {
  private readonly repo = new EvidenceRepository();
  private cached: { id: string; key: KeyObject } | null = null;

  constructor(
    private readonly db: Database,
    private readonly encryptionKey: Buffer,
  ) {
    if (encryptionKey.length !== 32) throw new Error('the evidence key encryption key must be 32 bytes');
  }

  private encrypt(id: string, pem: string): Buffer {
    return sealSecret(this.encryptionKey, id, pem);
  }

  private decrypt(id: string, blob: Uint8Array): KeyObject {
    return createPrivateKey(openSecret(this.encryptionKey, id, blob));
  }

  private async create(tx: Tx, at: Date): Promise<string> {
    const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const id = keyId(at);
    await this.repo.addKey(tx, {
      id,
      publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      privateKeyEnc: this.encrypt(id, privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()),
      notBefore: at,
    });
    return id;
  }

  /**
   * Signs with the active key (creating the first key if there is none) the bytes `build` makes
   * for that key's id (a manifest names the key that signs it).
   */
  async sign(build: (keyId: string) => Buffer): Promise<Signature> {
    const active = await this.db.global(async (tx) => {
      let row = await this.repo.activeKey(tx);
      if (!row) {
        await this.repo.lockKeys(tx);
        row = (await this.repo.activeKey(tx)) ?? (await this.repo.key(tx, await this.create(tx, new Date())));
      }
      return row!;
    });
    let cached = this.cached;
    if (cached?.id !== active.id) {
      cached = { id: active.id, key: this.decrypt(active.id, active.privateKeyEnc) };
      this.cached = cached;
    }
    const data = build(active.id);
    return { keyId: active.id, data, der: sign('sha256', data, cached.key) };
  }

  /** Retires the active key (if any) and makes a new one; returns the new key's id. */
  rotate(at = new Date()): Promise<string> {
    return this.db.global(async (tx) => {
      await this.repo.lockKeys(tx);
      const current = await this.repo.activeKey(tx);
      if (current) await this.repo.retire(tx, current.id, at);
      return this.create(tx, at);
    });
  }

  /** Every key ever used, newest first; retired ones stay so old signatures verify. */
  publicKeys(): Promise<PublicKeyInfo[]> {
    return this.db.global((tx) => this.repo.keys(tx));
  }
}
