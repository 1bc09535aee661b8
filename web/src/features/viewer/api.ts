// The signed-in caller: who they are, their organisations (with their role in each) and the
// invitations waiting for them. Loaded once by the auth gate; everything else hangs off it.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { AcceptInvitationDocument, ViewerDocument, type ViewerQuery } from '../../generated/graphql';
import { gqlRequest } from '../../lib/graphql-client';
import { keys } from '../../lib/query-keys';

export type ViewerOrg = ViewerQuery['viewer']['organizations']['edges'][number]['node'];

export function useViewer() {
  return useQuery({
    queryKey: keys.viewer,
    queryFn: ({ signal }) => gqlRequest(ViewerDocument, {}, signal).then((d) => d.viewer),
    staleTime: 60_000,
  });
}

export function useAcceptInvitation() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (invitationId: string) =>
      gqlRequest(AcceptInvitationDocument, { input: { invitationId } }).then((d) => d.acceptInvitation),
    onSuccess: () => qc.invalidateQueries({ queryKey: keys.viewer }),
  });
}
