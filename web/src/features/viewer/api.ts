// The signed-in caller: who they are, their organisations (with their role in each) and the
// invitations waiting for them. Loaded once by the auth gate; everything else hangs off it.
import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { AcceptInvitationDocument, ViewerDocument, type ViewerQuery } from '../../generated/graphql';
import { gqlRequest } from '../../lib/graphql-client';
import { keys } from '../../lib/query-keys';

export type ViewerOrg = ViewerQuery['viewer']['organizations']['edges'][number]['node'];

/** Also started by the route loader, before the page's code has arrived (decision 0200). */
export const viewerQuery = queryOptions({
  queryKey: keys.viewer,
  queryFn: ({ signal }) => gqlRequest(ViewerDocument, {}, signal).then((d) => d.viewer),
  staleTime: 60_000,
});

export function useViewer() {
  return useQuery(viewerQuery);
}

export function useAcceptInvitation() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (invitationId: string) =>
      gqlRequest(AcceptInvitationDocument, { input: { invitationId } }).then((d) => d.acceptInvitation),
    onSuccess: () => qc.invalidateQueries({ queryKey: keys.viewer }),
  });
}
