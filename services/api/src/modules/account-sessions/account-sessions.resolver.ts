// GraphQL for sessions: Viewer.sessions and revokeSession (the caller's own), endMemberSessions
// (owners), Organization.sessionPolicy and updateSessionPolicy (owners change it).
import { Inject } from '@nestjs/common';
import { Args, Mutation, ResolveField, Resolver } from '@nestjs/graphql';
import {
  Authenticated,
  CurrentPrincipal,
  RequirePermission,
  Scope,
} from '../../platform/access/decorators.js';
import type { OrgScope, Principal } from '../../platform/access/principal.js';
import { AppError } from '../../platform/errors/app-error.js';
import { validateInput } from '../../platform/graphql/validate.js';
import { toMemberModel } from '../members/members.resolver.js';
import { OrganizationModel } from '../orgs/models/organization.model.js';
import { ViewerModel } from '../viewer/models/viewer.model.js';
import { AccountSessionsService } from './account-sessions.service.js';
import {
  EndMemberSessionsInput,
  RevokeSessionInput,
  UpdateSessionPolicyInput,
  endMemberSessionsSchema,
  revokeSessionSchema,
  updateSessionPolicySchema,
} from './dto/session.input.js';
import { EndMemberSessionsPayload, SessionModel, SessionPolicyModel } from './models/session.model.js';

@Resolver(() => ViewerModel)
export class ViewerSessionsResolver {
  constructor(@Inject(AccountSessionsService) private readonly sessions: AccountSessionsService) {}

  @ResolveField('sessions', () => [SessionModel], {
    description:
      'Your signed-in sessions that have not ended, the most recently used first (at most 100); always empty for an API token.',
  })
  @Authenticated()
  async sessionsField(@CurrentPrincipal() p: Principal): Promise<SessionModel[]> {
    return p.kind === 'user' ? this.sessions.listOwn(p) : [];
  }

  @Mutation(() => SessionModel, {
    description:
      'End one of your own sessions at once (your current one too: that signs you out); its open subscriptions close within a second. Returns it as it was. Signed-in users only.',
  })
  @Authenticated()
  async revokeSession(
    @Args('input', { type: () => RevokeSessionInput, description: 'The session.' }) input: RevokeSessionInput,
    @CurrentPrincipal() p: Principal,
  ): Promise<SessionModel> {
    if (p.kind !== 'user')
      throw new AppError('FORBIDDEN', 'an API token has no sessions; revoke the token instead');
    const v = validateInput(revokeSessionSchema, input);
    return this.sessions.revokeOwn(p, v.sessionId);
  }
}

@Resolver(() => OrganizationModel)
export class OrgSessionsResolver {
  constructor(@Inject(AccountSessionsService) private readonly sessions: AccountSessionsService) {}

  @ResolveField('sessionPolicy', () => SessionPolicyModel, {
    description: 'How long sessions may reach this organisation. Roles: any.',
  })
  @RequirePermission('org:read')
  sessionPolicy(@Scope() scope: OrgScope): Promise<SessionPolicyModel> {
    return this.sessions.policy(scope);
  }

  @Mutation(() => SessionPolicyModel, {
    description:
      'Set how long sessions may reach the organisation after sign-in and while idle; sessions past a new limit end at their next request. Roles: owner.',
  })
  @RequirePermission('sessions:manage')
  updateSessionPolicy(
    @Args('input', { type: () => UpdateSessionPolicyInput, description: 'The organisation and its limits.' })
    input: UpdateSessionPolicyInput,
    @Scope() scope: OrgScope,
  ): Promise<SessionPolicyModel> {
    const v = validateInput(updateSessionPolicySchema, input);
    return this.sessions.updatePolicy(scope, v);
  }

  @Mutation(() => EndMemberSessionsPayload, {
    description:
      "End every session of a member at once (in every organisation they use: sessions are the person's); their open subscriptions close within a second. NOT_FOUND for someone who is not a member. Roles: owner.",
  })
  @RequirePermission('sessions:manage')
  async endMemberSessions(
    @Args('input', { type: () => EndMemberSessionsInput, description: 'The organisation and the member.' })
    input: EndMemberSessionsInput,
    @Scope() scope: OrgScope,
  ): Promise<EndMemberSessionsPayload> {
    const v = validateInput(endMemberSessionsSchema, input);
    const { member, endedSessions } = await this.sessions.endForMember(scope, v.userId);
    return { member: toMemberModel(member), endedSessions };
  }
}
