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
    'owner and admin manage everything; editor changes clusters and policy; viewer reads; auditor reads and exports audit and compliance evidence.',
});

/** The enum's values are the stored role names. */
export function toRole(r: RoleEnum): Role {
  return r;
}
