// The group-mapping editor's text form: one "group = ROLE" per line. Parsing checks each line with
// the API's own rules (@palisade/access) so the owner sees the line that is wrong before saving.
import { SSO_GROUP_NAME_MAX_LENGTH, SSO_MAPPABLE_ROLES } from '@palisade/access';
import type { Role, SsoGroupMappingInput } from '../../generated/graphql';

export function mappingsToText(mappings: readonly { groupName: string; role: Role }[]): string {
  return mappings.map((m) => `${m.groupName} = ${m.role}`).join('\n');
}

export function parseMappingsText(text: string): { mappings: SsoGroupMappingInput[]; error: string | null } {
  const mappings: SsoGroupMappingInput[] = [];
  const seen = new Set<string>();
  const lines = text.split('\n');
  for (const [i, raw] of lines.entries()) {
    const line = raw.trim();
    if (!line) continue;
    const eq = line.lastIndexOf('=');
    const groupName = eq > 0 ? line.slice(0, eq).trim() : '';
    const role =
      eq > 0
        ? line
            .slice(eq + 1)
            .trim()
            .toUpperCase()
        : '';
    const where = `Line ${i + 1}`;
    if (!groupName) return { mappings, error: `${where}: write "group = ROLE"` };
    if (groupName.length > SSO_GROUP_NAME_MAX_LENGTH)
      return {
        mappings,
        error: `${where}: the group name is longer than ${SSO_GROUP_NAME_MAX_LENGTH} characters`,
      };
    if (!(SSO_MAPPABLE_ROLES as readonly string[]).includes(role.toLowerCase()))
      return { mappings, error: `${where}: the role must be ADMIN, EDITOR, AUDITOR or VIEWER` };
    if (seen.has(groupName)) return { mappings, error: `${where}: ${groupName} is mapped twice` };
    seen.add(groupName);
    mappings.push({ groupName, role: role as Role });
  }
  return { mappings, error: null };
}
