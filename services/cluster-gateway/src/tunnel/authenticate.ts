// Who is on the other end of a hello, and taking ownership for it. An enrollment token is traded
// for a credential until that credential has been used once (decision 0012): each trade replaces
// the cluster's credential, so only the latest one issued for the token works, and the first hello
// with it confirms it and clears the token. Both are conditional UPDATEs on the cluster row. A trade
// keeps the row locked until its connection has taken ownership, so hellos racing with the same
// token serialise: the last credential issued always belongs to the connection with the newest
// epoch, which is the one that keeps the tunnel. A token racing the credential it produced cannot
// both win either: confirming clears the token, trading replaces the credential.
// Failures map to the protocol's reasons: an unknown or already used token, or an unknown or
// revoked credential, is `unauthenticated` (only the hash of the current secret is kept, so "used"
// and "wrong" look alike); a known token past its expiry is `token_expired`.
import { CLOSE_REASONS, type AgentAuth, type CloseReason } from '@palisade/protocol';
import type { Database } from '../store/database.js';
import {
  CREDENTIAL_PREFIX,
  ENROLLMENT_TOKEN_PREFIX,
  looksLike,
  newCredential,
  secretHash,
} from './credentials.js';

export interface AuthenticatedCluster {
  readonly clusterId: string;
  readonly orgId: string;
  readonly leaseEpoch: number;
  /** The hash this connection proved; rotation replaces it only if it is still the current one. */
  readonly credentialHash: Buffer;
  readonly credentialIssuedAt: Date;
}

/**
 * Takes ownership for an authenticated connection; null when the connection is already gone, in
 * which case a trade is rolled back (the token and the previous credential stay as they were).
 */
export type TakeOwnership<T> = (cluster: AuthenticatedCluster) => Promise<T | null>;

export type AuthOutcome<T> =
  | {
      readonly ok: true;
      readonly cluster: AuthenticatedCluster;
      readonly issuedCredential: string | null;
      readonly owned: T | null;
    }
  | { readonly ok: false; readonly reason: CloseReason; readonly detail: string };

interface ClusterRow {
  id: string;
  org_id: string;
  lease_epoch: string;
  credential_issued_at: Date;
  unconfirmed?: boolean;
}

// A credential whose hash was cleared while unconfirmed was revoked: its token must not bring it back.
const EXCHANGE = `
UPDATE clusters
   SET credential_hash = $2, credential_issued_at = now(), credential_token_hash = $1
 WHERE enrollment_token_hash = $1 AND enrollment_expires_at > now()
   AND (credential_hash IS NOT NULL OR credential_token_hash IS DISTINCT FROM $1)
RETURNING id, org_id, lease_epoch, credential_issued_at`;

const EXPIRED = `SELECT 1 FROM clusters WHERE enrollment_token_hash = $1 AND enrollment_expires_at <= now()`;

const LOOKUP = `
SELECT id, org_id, lease_epoch, credential_issued_at, credential_token_hash IS NOT NULL AS unconfirmed
  FROM clusters WHERE credential_hash = $1`;

// The enrollment token is cleared only if it is still the one this credential came from: a token
// issued by re-registering in the meantime belongs to whoever the user gave it to.
const CONFIRM = `
UPDATE clusters
   SET credential_token_hash = NULL,
       enrollment_token_hash = CASE WHEN enrollment_token_hash = credential_token_hash
                                    THEN NULL ELSE enrollment_token_hash END,
       enrollment_expires_at = CASE WHEN enrollment_token_hash = credential_token_hash
                                    THEN NULL ELSE enrollment_expires_at END
 WHERE credential_hash = $1 AND credential_token_hash IS NOT NULL
RETURNING id, org_id, lease_epoch, credential_issued_at, false AS unconfirmed`;

export async function authenticate<T>(
  db: Database,
  auth: AgentAuth,
  own: TakeOwnership<T>,
): Promise<AuthOutcome<T>> {
  return auth.kind === 'enrollment' ? enroll(db, auth.token, own) : lookUp(db, auth.credential, own);
}

async function enroll<T>(db: Database, token: string, own: TakeOwnership<T>): Promise<AuthOutcome<T>> {
  if (!looksLike(token, ENROLLMENT_TOKEN_PREFIX)) return refused('the enrollment token is not valid');
  const tokenHash = secretHash(token);
  const credential = newCredential();
  const credentialHash = secretHash(credential);
  const client = await db.connect();
  try {
    await client.query('BEGIN');
    const row = (await client.query<ClusterRow>(EXCHANGE, [tokenHash, credentialHash])).rows[0];
    if (row === undefined) {
      const expired = await client.query(EXPIRED, [tokenHash]);
      await client.query('ROLLBACK');
      return expired.rowCount
        ? { ok: false, reason: CLOSE_REASONS.TOKEN_EXPIRED, detail: 'the enrollment token has expired' }
        : refused('the enrollment token is not valid or was already used');
    }
    const cluster = toCluster(row, credentialHash);
    const owned = await own(cluster);
    await client.query(owned === null ? 'ROLLBACK' : 'COMMIT');
    return { ok: true, cluster, issuedCredential: credential, owned };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

async function lookUp<T>(db: Database, credential: string, own: TakeOwnership<T>): Promise<AuthOutcome<T>> {
  if (!looksLike(credential, CREDENTIAL_PREFIX)) return refused('the cluster credential is not valid');
  const credentialHash = secretHash(credential);
  let row = (await db.query<ClusterRow>(LOOKUP, [credentialHash])).rows[0];
  if (row?.unconfirmed === true) {
    // No row back: a concurrent hello confirmed it (still valid) or the token replaced it (gone).
    row =
      (await db.query<ClusterRow>(CONFIRM, [credentialHash])).rows[0] ??
      (await db.query<ClusterRow>(LOOKUP, [credentialHash])).rows[0];
  }
  if (row === undefined) return refused('the cluster credential is not valid or was revoked');
  const cluster = toCluster(row, credentialHash);
  return { ok: true, cluster, issuedCredential: null, owned: await own(cluster) };
}

/**
 * The agent stored the credential its enrollment issued (`credential.stored`, decision 0059): the
 * credential is confirmed and the token that produced it spent now, as its first use would. True
 * when it was still unconfirmed (a rotation or a newer trade in between leaves nothing to confirm).
 */
export async function confirmStored(db: Database, credentialHash: Buffer): Promise<boolean> {
  return ((await db.query(CONFIRM, [credentialHash])).rowCount ?? 0) > 0;
}

function toCluster(row: ClusterRow, credentialHash: Buffer): AuthenticatedCluster {
  return {
    clusterId: row.id,
    orgId: row.org_id,
    leaseEpoch: Number(row.lease_epoch),
    credentialHash,
    credentialIssuedAt: row.credential_issued_at,
  };
}

function refused(detail: string): { ok: false; reason: CloseReason; detail: string } {
  return { ok: false, reason: CLOSE_REASONS.UNAUTHENTICATED, detail };
}
