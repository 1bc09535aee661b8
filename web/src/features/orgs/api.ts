// The current organisation (name and the caller's role in it) and creating organisations.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { CreateOrganizationDocument, OrgHeaderDocument } from '../../generated/graphql';
import { gqlRequest } from '../../lib/graphql-client';
import { keys } from '../../lib/query-keys';

export function useOrgHeader(slug: string) {
  return useQuery({
    queryKey: keys.orgHeader(slug),
    queryFn: ({ signal }) => gqlRequest(OrgHeaderDocument, { slug }, signal).then((d) => d.organization),
    staleTime: 60_000,
  });
}

export function useCreateOrganization() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: { name: string; slug: string }) =>
      gqlRequest(CreateOrganizationDocument, { input }).then((d) => d.createOrganization),
    onSuccess: () => qc.invalidateQueries({ queryKey: keys.viewer }),
  });
}
