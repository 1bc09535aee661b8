// The demo organisation: "acme", owned by alice@example.com, with one member of every other role.
// The dev OIDC provider knows all these users (services/dev-oidc/src/users.ts).
import type { Role } from '../platform/access/roles.js';
import type { AdminService } from './admin-service.js';

export const DEMO_ORG = { slug: 'acme', name: 'Acme Corp', owner: 'alice@example.com' };
export const DEMO_MEMBERS: { email: string; role: Role }[] = [
  { email: 'bob@example.com', role: 'admin' },
  { email: 'carol@example.com', role: 'editor' },
  { email: 'dave@example.com', role: 'viewer' },
  { email: 'erin@example.com', role: 'auditor' },
];

export async function seedDemo(admin: AdminService, out: (line: string) => void): Promise<void> {
  const r = await admin.createOrg(DEMO_ORG.slug, DEMO_ORG.name, DEMO_ORG.owner);
  for (const m of DEMO_MEMBERS) await admin.addMember(DEMO_ORG.slug, m.email, m.role);
  out(
    `${r.created ? 'seeded' : 'kept'} demo organisation ${DEMO_ORG.slug} (owner ${DEMO_ORG.owner}, ${DEMO_MEMBERS.length} more members)`,
  );
}
