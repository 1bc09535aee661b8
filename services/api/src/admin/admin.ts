// `npm run admin -- <command>`: operator commands.
//   migrate                                             apply pending SQL migrations
//   seed-demo                                           demo organisation "acme" and its members
//   create-org --slug S --name N --owner EMAIL          create an organisation with an owner
//   create-token --org S --role R [--name N] [--expires-in 30d]
//                                                       print a new API token as the last line
//   rotate-evidence-key                                 retire the evidence signing key, make the next
import { parseArgs } from 'node:util';
import { migrate } from '@palisade/migrations';
import { EnvError, loadEnv, parseDuration } from '../config/env.js';
import { Database } from '../platform/db/database.js';
import { EvidenceKeys } from '../modules/compliance-reports/evidence-keys.js';
import { seedDemoReports } from '../modules/compliance-reports/demo-reports.js';
import { AdminService, AdminUsageError } from './admin-service.js';
import { DEMO_ORG, seedDemo } from './seed-demo.js';

const USAGE = `usage: npm run admin -- <command> [options]
  migrate
  seed-demo
  create-org --slug S --name N --owner EMAIL
  create-token --org S --role R [--name N] [--expires-in 30d]
  rotate-evidence-key`;

function required(values: Record<string, string | boolean | undefined>, name: string): string {
  const v = values[name];
  if (typeof v !== 'string' || v === '') throw new AdminUsageError(`--${name} is required`);
  return v;
}

export async function runAdmin(argv: string[], out: (line: string) => void = console.log): Promise<void> {
  const [command, ...rest] = argv;
  const env = loadEnv();
  if (command === 'migrate') {
    const r = await migrate(env.DATABASE_ADMIN_URL, { log: out });
    out(
      r.applied.length
        ? `applied ${r.applied.length} migration(s)`
        : `database is up to date (${r.alreadyApplied} applied)`,
    );
    return;
  }
  const { values } = parseArgs({
    args: rest,
    options: {
      slug: { type: 'string' },
      name: { type: 'string' },
      owner: { type: 'string' },
      org: { type: 'string' },
      role: { type: 'string' },
      'expires-in': { type: 'string' },
    },
    strict: true,
  });
  const db = new Database(env.DATABASE_ADMIN_URL, 2);
  const admin = new AdminService(db);
  try {
    switch (command) {
      case 'seed-demo':
        await seedDemo(admin, out);
        await seedDemoReports(db, env, DEMO_ORG.slug);
        return;
      case 'create-org': {
        const r = await admin.createOrg(
          required(values, 'slug'),
          required(values, 'name'),
          required(values, 'owner'),
        );
        out(
          r.created
            ? `created organisation ${values.slug} (${r.orgId})`
            : `organisation ${values.slug} already exists (${r.orgId})`,
        );
        return;
      }
      case 'create-token': {
        let ttl: number;
        try {
          ttl = parseDuration(values['expires-in'] ?? '30d');
        } catch {
          throw new AdminUsageError(
            `--expires-in "${values['expires-in']}" must be a duration such as 12h or 30d`,
          );
        }
        const secret = await admin.createToken(
          required(values, 'org'),
          required(values, 'role'),
          values.name ?? 'admin-cli',
          ttl,
        );
        out(`created a ${values.role} token for ${values.org}; it is shown only once:`);
        out(secret);
        return;
      }
      case 'rotate-evidence-key': {
        // Old keys stay published (not_after set), so evidence signed before still verifies.
        const id = await new EvidenceKeys(db, env.evidenceKeyEncryptionKey).rotate();
        out(`evidence manifests are now signed with ${id}`);
        return;
      }
      default:
        throw new AdminUsageError(command ? `unknown command "${command}"\n${USAGE}` : USAGE);
    }
  } finally {
    await db.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  runAdmin(process.argv.slice(2)).catch((err: unknown) => {
    if (
      err instanceof AdminUsageError ||
      err instanceof EnvError ||
      (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')
    ) {
      console.error(`error: ${(err as Error).message}`);
      process.exit(2);
    }
    console.error(err);
    process.exit(1);
  });
}
