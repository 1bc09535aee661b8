// The agent command's exit codes: a contract with whatever runs it (`npm start` re-enrolls a demo
// cluster on CREDENTIAL_REFUSED; a Kubernetes restart policy needs nothing more than non-zero).

export const AGENT_EXIT = {
  /** Stopped after a signal. */
  OK: 0,
  /** Failed, or stopped on its own for a reason not listed below. */
  FAILED: 1,
  /** Bad flags, environment or cluster description. */
  USAGE: 2,
  /** The gateway refused the stored credential or the enrollment token: register the cluster again. */
  CREDENTIAL_REFUSED: 3,
} as const;

/** Stop reasons (close reason names) after which only a new registration helps. */
const REFUSALS: ReadonlySet<string> = new Set(['unauthenticated', 'credential_revoked', 'token_expired']);

export function exitCodeForStop(reason: string): number {
  return REFUSALS.has(reason) ? AGENT_EXIT.CREDENTIAL_REFUSED : AGENT_EXIT.FAILED;
}
