// Single sign-on settings (owners): connections, group mappings, domains, and the role dry run.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  AddSsoDomainDocument,
  CreateSsoConnectionDocument,
  DeleteSsoConnectionDocument,
  RemoveSsoDomainDocument,
  SetSsoGroupMappingsDocument,
  SsoRolePreviewDocument,
  SsoSettingsDocument,
  UpdateSsoConnectionDocument,
  UpdateSsoDomainDocument,
  VerifySsoDomainDocument,
  type CreateSsoConnectionInput,
  type SsoGroupMappingInput,
  type SsoSettingsQuery,
  type UpdateSsoConnectionInput,
  type UpdateSsoDomainInput,
} from '../../generated/graphql';
import { gqlRequest } from '../../lib/graphql-client';
import { keys } from '../../lib/query-keys';

export type SsoConnectionNode = SsoSettingsQuery['organization']['ssoConnections'][number];
export type SsoDomainNode = SsoSettingsQuery['organization']['ssoDomains'][number];

export function useSsoSettings(slug: string) {
  return useQuery({
    queryKey: keys.sso(slug),
    queryFn: ({ signal }) => gqlRequest(SsoSettingsDocument, { slug }, signal).then((d) => d.organization),
  });
}

export function useSsoRolePreview(
  slug: string,
  connectionId: string,
  mappings: SsoGroupMappingInput[] | null,
) {
  return useQuery({
    queryKey: [...keys.sso(slug), 'preview', connectionId, mappings],
    queryFn: ({ signal }) =>
      gqlRequest(SsoRolePreviewDocument, { slug, connectionId, mappings }, signal).then(
        (d) => d.organization.ssoRolePreview,
      ),
    enabled: mappings !== null,
  });
}

function useSsoMutation<V, R>(slug: string, run: (v: V) => Promise<R>) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: run,
    onSuccess: () => qc.invalidateQueries({ queryKey: keys.sso(slug) }),
  });
}

export const useCreateSsoConnection = (slug: string) =>
  useSsoMutation(slug, (input: Omit<CreateSsoConnectionInput, 'orgSlug'>) =>
    gqlRequest(CreateSsoConnectionDocument, { input: { orgSlug: slug, ...input } }),
  );
export const useUpdateSsoConnection = (slug: string) =>
  useSsoMutation(slug, (input: Omit<UpdateSsoConnectionInput, 'orgSlug'>) =>
    gqlRequest(UpdateSsoConnectionDocument, { input: { orgSlug: slug, ...input } }),
  );
export const useDeleteSsoConnection = (slug: string) =>
  useSsoMutation(slug, (connectionId: string) =>
    gqlRequest(DeleteSsoConnectionDocument, { input: { orgSlug: slug, connectionId } }),
  );
export const useSetSsoGroupMappings = (slug: string) =>
  useSsoMutation(slug, (v: { connectionId: string; mappings: SsoGroupMappingInput[] }) =>
    gqlRequest(SetSsoGroupMappingsDocument, { input: { orgSlug: slug, ...v } }),
  );
export const useAddSsoDomain = (slug: string) =>
  useSsoMutation(slug, (domain: string) =>
    gqlRequest(AddSsoDomainDocument, { input: { orgSlug: slug, domain } }),
  );
export const useVerifySsoDomain = (slug: string) =>
  useSsoMutation(slug, (domainId: string) =>
    gqlRequest(VerifySsoDomainDocument, { input: { orgSlug: slug, domainId } }),
  );
export const useUpdateSsoDomain = (slug: string) =>
  useSsoMutation(slug, (input: Omit<UpdateSsoDomainInput, 'orgSlug'>) =>
    gqlRequest(UpdateSsoDomainDocument, { input: { orgSlug: slug, ...input } }),
  );
export const useRemoveSsoDomain = (slug: string) =>
  useSsoMutation(slug, (domainId: string) =>
    gqlRequest(RemoveSsoDomainDocument, { input: { orgSlug: slug, domainId } }),
  );
