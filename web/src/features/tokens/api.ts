// API tokens: list, create (the secret comes back once, here), revoke.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  ApiTokensDocument,
  CreateApiTokenDocument,
  RevokeApiTokenDocument,
  type ApiTokensQuery,
  type AccessScopeInput,
  type Role,
} from '../../generated/graphql';
import { gqlRequest } from '../../lib/graphql-client';
import { keys } from '../../lib/query-keys';

export type TokenNode = ApiTokensQuery['organization']['apiTokens']['edges'][number]['node'];

export function useApiTokens(slug: string, enabled = true) {
  return useQuery({
    queryKey: keys.tokens(slug),
    enabled,
    queryFn: ({ signal }) =>
      gqlRequest(ApiTokensDocument, { slug }, signal).then((d) => d.organization.apiTokens),
  });
}

export function useCreateApiToken(slug: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: {
      name: string;
      role: Role;
      expiresInDays: number;
      scope?: AccessScopeInput | null;
    }) =>
      gqlRequest(CreateApiTokenDocument, { input: { orgSlug: slug, ...input } }).then(
        (d) => d.createApiToken,
      ),
    onSuccess: () => qc.invalidateQueries({ queryKey: keys.tokens(slug) }),
  });
}

export function useRevokeApiToken(slug: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (tokenId: string) =>
      gqlRequest(RevokeApiTokenDocument, { input: { orgSlug: slug, tokenId } }).then((d) => d.revokeApiToken),
    onSuccess: () => qc.invalidateQueries({ queryKey: keys.tokens(slug) }),
  });
}
