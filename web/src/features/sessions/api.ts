// Sessions: your own (list, end one), an owner ending a member's, and the organisation's session
// policy (decision 0110).
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  EndMemberSessionsDocument,
  MySessionsDocument,
  RevokeSessionDocument,
  SessionPolicyDocument,
  UpdateSessionPolicyDocument,
  type MySessionsQuery,
} from '../../generated/graphql';
import { gqlRequest } from '../../lib/graphql-client';
import { keys } from '../../lib/query-keys';

export type SessionNode = MySessionsQuery['viewer']['sessions'][number];

export function useMySessions() {
  return useQuery({
    queryKey: keys.sessions,
    queryFn: ({ signal }) => gqlRequest(MySessionsDocument, {}, signal).then((d) => d.viewer.sessions),
  });
}

/** Ending the current session signs out: the whole cache goes and the console reloads to sign-in. */
export function useRevokeSession() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (sessionId: string) =>
      gqlRequest(RevokeSessionDocument, { input: { sessionId } }).then((d) => d.revokeSession),
    onSuccess: (s) => {
      if (s.current) qc.clear();
      else void qc.invalidateQueries({ queryKey: keys.sessions });
    },
  });
}

export function useEndMemberSessions(slug: string) {
  return useMutation({
    mutationFn: (userId: string) =>
      gqlRequest(EndMemberSessionsDocument, { input: { orgSlug: slug, userId } }).then(
        (d) => d.endMemberSessions,
      ),
  });
}

export function useSessionPolicy(slug: string) {
  return useQuery({
    queryKey: keys.sessionPolicy(slug),
    queryFn: ({ signal }) =>
      gqlRequest(SessionPolicyDocument, { slug }, signal).then((d) => d.organization.sessionPolicy),
  });
}

export function useUpdateSessionPolicy(slug: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: { maxLifetimeMinutes: number | null; idleTimeoutMinutes: number | null }) =>
      gqlRequest(UpdateSessionPolicyDocument, { input: { orgSlug: slug, ...input } }).then(
        (d) => d.updateSessionPolicy,
      ),
    onSuccess: () => qc.invalidateQueries({ queryKey: keys.sessionPolicy(slug) }),
  });
}
