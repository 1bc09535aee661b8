// In-band rotation of one tunnel's cluster credential (decision 0006): send `credential.rotate`
// with a fresh secret, and only when the agent answers that it persisted it, swap the stored hash.
// The swap is a compare-and-set on the hash this connection proved, so a credential that was
// revoked or rotated elsewhere meanwhile is never brought back. Until then the old credential stays
// valid, so a crash on either side between the two steps never locks the cluster out.
import { randomUUID } from 'node:crypto';
import type { CredentialRotateMessage, CredentialRotatedMessage } from '@palisade/protocol';
import type { Database } from '../store/database.js';
import { newCredential, secretHash } from './credentials.js';

const REPLACE = `
UPDATE clusters SET credential_hash = $3, credential_issued_at = now()
 WHERE id = $1 AND credential_hash = $2
RETURNING credential_issued_at`;

interface InFlight {
  readonly rotationId: string;
  readonly hash: Buffer;
  readonly deadline: number;
  readonly resolve: (rotated: boolean) => void;
}

export class CredentialRotation {
  readonly #db: Database;
  readonly #clusterId: string;
  readonly #maxAgeMs: number;
  readonly #ackTimeoutMs: number;
  #currentHash: Buffer;
  #dueAt: number;
  #inFlight: InFlight | undefined;

  constructor(
    db: Database,
    clusterId: string,
    current: { hash: Buffer; issuedAt: Date },
    timing: { maxAgeMs: number; ackTimeoutMs: number },
  ) {
    this.#db = db;
    this.#clusterId = clusterId;
    this.#currentHash = current.hash;
    this.#maxAgeMs = timing.maxAgeMs;
    this.#ackTimeoutMs = timing.ackTimeoutMs;
    this.#dueAt = current.issuedAt.getTime() + timing.maxAgeMs;
  }

  isDue(now: number): boolean {
    return this.#inFlight === undefined && now >= this.#dueAt;
  }

  /** Returns the frame to send; the promise says whether the stored credential was replaced. */
  start(now: number): { frame: CredentialRotateMessage; done: Promise<boolean> } | undefined {
    if (this.#inFlight !== undefined) return undefined;
    const credential = newCredential();
    const rotationId = randomUUID();
    let resolve: (rotated: boolean) => void = () => undefined;
    const done = new Promise<boolean>((r) => (resolve = r));
    this.#inFlight = {
      rotationId,
      hash: secretHash(credential),
      deadline: now + this.#ackTimeoutMs,
      resolve,
    };
    return { frame: { type: 'credential.rotate', rotationId, credential }, done };
  }

  /** False when the answer does not match the rotation in flight. */
  async answered(message: CredentialRotatedMessage, now: number): Promise<boolean> {
    const flight = this.#inFlight;
    if (flight === undefined || flight.rotationId !== message.rotationId) return false;
    this.#inFlight = undefined;
    if (!message.persisted) {
      this.#dueAt = now + this.#ackTimeoutMs;
      flight.resolve(false);
      return true;
    }
    try {
      const { rowCount } = await this.#db.query(REPLACE, [this.#clusterId, this.#currentHash, flight.hash]);
      if (rowCount) {
        this.#currentHash = flight.hash;
        this.#dueAt = now + this.#maxAgeMs;
      }
      flight.resolve(Boolean(rowCount));
    } catch (error) {
      this.#dueAt = now + this.#ackTimeoutMs;
      flight.resolve(false);
      throw error;
    }
    return true;
  }

  /** Gives up on an unanswered rotation; the next attempt waits one more ack timeout. */
  expire(now: number): void {
    const flight = this.#inFlight;
    if (flight === undefined || now < flight.deadline) return;
    this.#inFlight = undefined;
    this.#dueAt = now + this.#ackTimeoutMs;
    flight.resolve(false);
  }

  close(): void {
    this.#inFlight?.resolve(false);
    this.#inFlight = undefined;
  }
}
