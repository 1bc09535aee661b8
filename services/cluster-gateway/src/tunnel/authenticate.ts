// Who is on the other end of a hello. An enrollment token is traded for a credential in a single
// UPDATE (clear the token, set the credential hash), so two agents racing with the same token
// cannot both win. A credential is looked up by its hash. Failures map to the protocol's reasons:
// an unknown or already used token, or an unknown or revoked credential, is `unauthenticated`
// (only the hash of the current secret is kept, so "used" and "wrong" look alike); a known
// token past its expiry is `token_expired`.
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

export type AuthOutcome =
  | { readonly ok: true; readonly cluster: AuthenticatedCluster; readonly issuedCredential: string | null }
  | { readonly ok: false; readonly reason: CloseReason; readonly detail: string };

interface ClusterRow {
  id: string;
  org_id: string;
  lease_epoch: string;
  credential_issued_at: Date;
}

const EXCHANGE = `
UPDATE clusters
   SET enrollment_token_hash = NULL, enrollment_expires_at = NULL,
       credential_hash = $2, credential_issued_at = now()
 WHERE enrollment_token_hash = $1 AND enrollment_expires_at > now()
RETURNING id, org_id, lease_epoch, credential_issued_at`;

const EXPIRED = `SELECT 1 FROM clusters WHERE enrollment_token_hash = $1`;

const LOOKUP = `
SELECT id, org_id, lease_epoch, credential_issued_at
  FROM clusters WHERE credential_hash = $1`;

export async function authenticate(db: Database, auth: AgentAuth): Promise<AuthOutcome> {
  return auth.kind === 'enrollment' ? enroll(db, auth.token) : lookUp(db, auth.credential);
}

async function enroll(db: Database, token: string): Promise<AuthOutcome> {
  if (!looksLike(token, ENROLLMENT_TOKEN_PREFIX)) return refused('the enrollment token is not valid');
  const tokenHash = secretHash(token);
  const credential = newCredential();
  const credentialHash = secretHash(credential);
  const { rows } = await db.query<ClusterRow>(EXCHANGE, [tokenHash, credentialHash]);
  const row = rows[0];
  if (row !== undefined)
    return { ok: true, cluster: toCluster(row, credentialHash), issuedCredential: credential };
  const expired = await db.query(EXPIRED, [tokenHash]);
  return expired.rowCount
    ? { ok: false, reason: CLOSE_REASONS.TOKEN_EXPIRED, detail: 'the enrollment token has expired' }
    : refused('the enrollment token is not valid or was already used');
}

async function lookUp(db: Database, credential: string): Promise<AuthOutcome> {
  if (!looksLike(credential, CREDENTIAL_PREFIX)) return refused('the cluster credential is not valid');
  const credentialHash = secretHash(credential);
  const { rows } = await db.query<ClusterRow>(LOOKUP, [credentialHash]);
  const row = rows[0];
  if (row === undefined) return refused('the cluster credential is not valid or was revoked');
  return { ok: true, cluster: toCluster(row, credentialHash), issuedCredential: null };
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

function refused(detail: string): AuthOutcome {
  return { ok: false, reason: CLOSE_REASONS.UNAUTHENTICATED, detail };
}
