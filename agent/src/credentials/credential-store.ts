// Where the agent keeps its cluster credential between runs: a file in simulated mode, a Secret in
// a cluster. A store is a single record; `save` must be durable when it resolves, because the agent
// presents that credential from then on, and its first use spends the enrollment token for good
// (decision 0012): until then a crash only costs a new enrollment with the same token.

export interface StoredCredential {
  readonly credential: string;
  /** The cluster the credential belongs to, as the gateway's welcome named it. */
  readonly clusterId: string | null;
  /**
   * SHA-256 (hex) of the enrollment token the credential was obtained with. A different token on a
   * later start means the cluster was registered again, so the agent enrolls anew instead.
   */
  readonly enrollmentTokenSha256: string | null;
}

export interface CredentialStore {
  /** For log lines, e.g. a file path or `secret palisade-system/palisade-agent-credential`. */
  readonly description: string;
  load(): Promise<StoredCredential | null>;
  save(credential: StoredCredential): Promise<void>;
}

/** Refuses records that are not what a store writes, so a corrupt file is an error rather than a bad credential. */
export function parseStoredCredential(value: unknown, where: string): StoredCredential {
  const record = value as Partial<Record<keyof StoredCredential, unknown>> | null;
  const optionalString = (v: unknown): v is string | null | undefined =>
    v === null || v === undefined || typeof v === 'string';
  if (
    typeof record !== 'object' ||
    record === null ||
    typeof record.credential !== 'string' ||
    record.credential === '' ||
    !optionalString(record.clusterId) ||
    !optionalString(record.enrollmentTokenSha256)
  ) {
    throw new Error(`${where} does not hold a valid agent credential record`);
  }
  return {
    credential: record.credential,
    clusterId: record.clusterId ?? null,
    enrollmentTokenSha256: record.enrollmentTokenSha256 ?? null,
  };
}
