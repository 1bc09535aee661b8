// The current organisation (name and the caller's role in it) and creating organisations.
import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { CreateOrganizationDocument, OrgHeaderDocument } from '../../generated/graphql';
import { gqlRequest } from '../../lib/graphql-client';
import { keys } from '../../lib/query-keys';

/** Also started by the route loader, with the viewer (decision 0200). */
export const orgHeaderQuery = (slug: string) =>
  queryOptions({
    queryKey: keys.orgHeader(slug),
    queryFn: ({ signal }) => gqlRequest(OrgHeaderDocument, { slug }, signal).then((d) => d.organization),
    staleTime: 60_000,
  });

export function useOrgHeader(slug: string) {
  return useQuery(orgHeaderQuery(slug));
}

export function useCreateOrganization() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: { name: string; slug: string }) =>
      gqlRequest(CreateOrganizationDocument, { input }).then((d) => d.createOrganization),
    onSuccess: () => qc.invalidateQueries({ queryKey: keys.viewer }),
  });
}
