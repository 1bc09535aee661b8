// The Role enum as GraphQL sees it (upper case) and its mapping to the stored lower-case roles.
import { registerEnumType } from '@nestjs/graphql';
import type { Role } from '../access/roles.js';

export enum RoleEnum {
  OWNER = 'owner',
  ADMIN = 'admin',
  EDITOR = 'editor',
  VIEWER = 'viewer',
  AUDITOR = 'auditor',
}

registerEnumType(RoleEnum, {
  name: 'Role',
  description:
    "A member's or API token's role in one organisation; each value says what it may do (docs/api.md has the table).",
  valuesMap: {
    OWNER: {
      description:
        "Everything admin may do, and grant owner, configure single sign-on, set the session policy, end members' sessions and manage SCIM provisioning. An organisation always keeps at least one owner.",
    },
    ADMIN: {
      description:
        'Manages the organisation, members, invitations, API tokens, clusters and policy; reads the audit log.',
    },
    EDITOR: {
      description:
        'Reads the organisation, members, clusters and policy; registers clusters and changes policy.',
    },
    VIEWER: { description: 'Reads the organisation, members, clusters and policy; changes nothing.' },
    AUDITOR: { description: 'What viewer may, plus the audit log and its chain verification.' },
  },
});

/** The enum's values are the stored role names. */
export function toRole(r: RoleEnum): Role {
  return r;
}
