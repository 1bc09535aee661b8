// Which proof of identity a hello carries. A stored credential is preferred, unless the agent was
// given an enrollment token other than the one that credential came from: that means the cluster was
// registered again and the user wants this agent to enroll with the new token.

import { createHash } from 'node:crypto';
import type { AgentAuth } from '@palisade/protocol';
import type { StoredCredential } from './credential-store.js';

export function tokenSha256(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export function chooseAuth(
  stored: StoredCredential | null,
  enrollmentToken: string | null,
): AgentAuth | null {
  if (
    enrollmentToken !== null &&
    (stored === null || stored.enrollmentTokenSha256 !== tokenSha256(enrollmentToken))
  ) {
    return { kind: 'enrollment', token: enrollmentToken };
  }
  if (stored !== null) return { kind: 'credential', credential: stored.credential };
  return null;
}
