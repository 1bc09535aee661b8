// Members and invitations of the organisation: invite, change role, remove, revoke an invitation,
// leave.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  InviteMemberDocument,
  LeaveOrganizationDocument,
  MembersDocument,
  RemoveMemberDocument,
  RevokeInvitationDocument,
  UpdateMemberRoleDocument,
  type MembersQuery,
  type AccessScopeInput,
  type Role,
} from '../../generated/graphql';
import { gqlRequest } from '../../lib/graphql-client';
import { keys } from '../../lib/query-keys';

/** Leaving drops every cached answer: they were all about an organisation the user has left. */
export function useLeaveOrganization(slug: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () =>
      gqlRequest(LeaveOrganizationDocument, { input: { orgSlug: slug } }).then((d) => d.leaveOrganization),
    onSuccess: () => qc.clear(),
  });
}

export type MemberNode = MembersQuery['organization']['members']['edges'][number]['node'];
export type InvitationNode = NonNullable<
  MembersQuery['organization']['invitations']
>['edges'][number]['node'];

/** Invitations are only visible to members who may invite; others get the member list alone. */
export function useMembers(slug: string, withInvitations: boolean) {
  return useQuery({
    queryKey: [...keys.members(slug), withInvitations],
    queryFn: ({ signal }) =>
      gqlRequest(MembersDocument, { slug, withInvitations }, signal).then((d) => d.organization),
  });
}

function useMembersMutation<TArgs, TResult>(slug: string, fn: (args: TArgs) => Promise<TResult>) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSuccess: () => qc.invalidateQueries({ queryKey: keys.members(slug) }),
  });
}

export function useInviteMember(slug: string) {
  return useMembersMutation(slug, (input: { email: string; role: Role; scope?: AccessScopeInput | null }) =>
    gqlRequest(InviteMemberDocument, { input: { orgSlug: slug, ...input } }).then((d) => d.inviteMember),
  );
}

export function useUpdateMemberRole(slug: string) {
  return useMembersMutation(slug, (input: { userId: string; role: Role; scope?: AccessScopeInput | null }) =>
    gqlRequest(UpdateMemberRoleDocument, { input: { orgSlug: slug, ...input } }).then(
      (d) => d.updateMemberRole,
    ),
  );
}

export function useRemoveMember(slug: string) {
  return useMembersMutation(slug, (userId: string) =>
    gqlRequest(RemoveMemberDocument, { input: { orgSlug: slug, userId } }).then((d) => d.removeMember),
  );
}

export function useRevokeInvitation(slug: string) {
  return useMembersMutation(slug, (invitationId: string) =>
    gqlRequest(RevokeInvitationDocument, { input: { orgSlug: slug, invitationId } }).then(
      (d) => d.revokeInvitation,
    ),
  );
}
