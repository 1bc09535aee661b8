// Install codes (decision 0059): the install command's URL carries a short-lived, single-use code
// instead of the enrollment token, so the token lands in neither shell history nor proxy logs as
// a usable secret. The code is exchanged once (GETDEL) for the manifest, which holds the token.
// Redis keeps the token encrypted under a key derived from the code (AES-256-GCM, HKDF-SHA256) and
// indexed by the code's hash: Redis alone cannot reveal a token, only the holder of the code.
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { INSTALL_CODE_TTL_MS } from '../../config/limits.js';
import { randomSecret, sha256 } from '../../platform/auth/secrets.js';
import { RedisClient } from '../../platform/queue/redis.js';

export const INSTALL_CODE_PREFIX = 'pic_';
const INSTALL_CODE = /^pic_[A-Za-z0-9_-]{43}$/;

function keyOf(code: string): Buffer {
  return Buffer.from(hkdfSync('sha256', code, Buffer.alloc(0), 'palisade install code', 32));
}

@Injectable()
export class InstallCodes {
  constructor(@Inject(RedisClient) private readonly redis: RedisClient) {}

  /** A new code that yields `token` once, within INSTALL_CODE_TTL_MS. */
  async issue(token: string): Promise<string> {
    const code = `${INSTALL_CODE_PREFIX}${randomSecret(32)}`;
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', keyOf(code), iv);
    const sealed = Buffer.concat([iv, cipher.update(token, 'utf8'), cipher.final(), cipher.getAuthTag()]);
    await this.redis.redis.set(this.#key(code), sealed.toString('base64'), 'PX', INSTALL_CODE_TTL_MS);
    return code;
  }

  /** The token behind `code`, once; null for an unknown, used or expired code. */
  async redeem(code: string): Promise<string | null> {
    if (!INSTALL_CODE.test(code)) return null;
    const stored = await this.redis.redis.getdel(this.#key(code));
    if (stored === null) return null;
    const sealed = Buffer.from(stored, 'base64');
    const decipher = createDecipheriv('aes-256-gcm', keyOf(code), sealed.subarray(0, 12));
    decipher.setAuthTag(sealed.subarray(sealed.length - 16));
    return Buffer.concat([
      decipher.update(sealed.subarray(12, sealed.length - 16)),
      decipher.final(),
    ]).toString('utf8');
  }

  #key(code: string): string {
    return this.redis.key('install-code', sha256(code).toString('hex'));
  }
}
