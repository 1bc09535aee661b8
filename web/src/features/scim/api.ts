// SCIM provisioning settings, for owners: the endpoint, the token (issue = rotate, revoke) and the
// role each provisioned group maps to (decisions 0111, 0112).
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  IssueScimTokenDocument,
  RevokeScimTokenDocument,
  ScimSettingsDocument,
  SetScimGroupRoleDocument,
  type Role,
  type ScimSettingsQuery,
} from '../../generated/graphql';
import { gqlRequest } from '../../lib/graphql-client';
import { keys } from '../../lib/query-keys';

export type ScimSettings = ScimSettingsQuery['organization']['scim'];

export function useScimSettings(slug: string, enabled: boolean) {
  return useQuery({
    queryKey: keys.scim(slug),
    enabled,
    queryFn: ({ signal }) =>
      gqlRequest(ScimSettingsDocument, { slug }, signal).then((d) => d.organization.scim),
  });
}

function useScimMutation<TArgs, TResult>(slug: string, fn: (args: TArgs) => Promise<TResult>) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSuccess: () => qc.invalidateQueries({ queryKey: keys.scim(slug) }),
  });
}

export function useIssueScimToken(slug: string) {
  return useScimMutation(slug, () =>
    gqlRequest(IssueScimTokenDocument, { input: { orgSlug: slug } }).then((d) => d.issueScimToken),
  );
}

export function useRevokeScimToken(slug: string) {
  return useScimMutation(slug, () =>
    gqlRequest(RevokeScimTokenDocument, { input: { orgSlug: slug } }).then((d) => d.revokeScimToken),
  );
}

export function useSetScimGroupRole(slug: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: { groupId: string; role: Role | null }) =>
      gqlRequest(SetScimGroupRoleDocument, { input: { orgSlug: slug, ...input } }).then(
        (d) => d.setScimGroupRole,
      ),
    onSuccess: async () => {
      await qc.invalidateQueries({ queryKey: keys.scim(slug) });
      await qc.invalidateQueries({ queryKey: keys.members(slug) });
    },
  });
}
