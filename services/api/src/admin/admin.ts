// `npm run admin -- <command>` (built: `node services/api/dist/admin/admin.js <command>`): operator
// commands. Command-line conventions: --help/-h and --version answer on stdout with exit 0; bad
// usage (no or unknown command, unknown or missing option) prints what is wrong and the usage on
// stderr and exits 2; a bad value (a slug, a role, an organisation that does not exist) exits 2
// with a message naming it; nothing is changed in either case. Help and version need no database.
// backup/restore are parsed in backup-commands.ts (decision 0081).
import '@palisade/node-guard'; // first: stops on a Node.js older than engines.node
import { readFileSync } from 'node:fs';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { migrate } from '@palisade/migrations';
import { EnvError, loadEnv, parseDuration } from '../config/env.js';
import { Database } from '../platform/db/database.js';
import { EvidenceKeys } from '../modules/compliance-reports/evidence-keys.js';
import { seedDemoReports } from '../modules/compliance-reports/demo-reports.js';
import { AdminService, AdminUsageError } from './admin-service.js';
import { BACKUP_USAGE, isBackupCommand, runBackupCommand } from './backup-commands.js';
import { BackupError } from './backup.js';
import { DEMO_ORG, seedDemo } from './seed-demo.js';

export const ADMIN_USAGE = `usage: npm run admin -- <command> [options]
       node services/api/dist/admin/admin.js <command> [options]   (built)

commands:
  migrate                                      apply pending SQL migrations
  seed-demo                                    the demo organisation "acme" and its members
  create-org --slug S --name N --owner EMAIL   create an organisation with an owner
  create-token --org S --role R [--name N] [--expires-in 30d]
                                               print a new API token as the last line
  rotate-evidence-key                          retire the evidence signing key; new manifests use the next
${BACKUP_USAGE}

options:
  -h, --help   show this help
  --version    print the version

environment: DATABASE_ADMIN_URL, the database to act on (services/api/src/config/env.ts)
exit codes: 0 done, 1 failed, 2 bad usage or a bad value (nothing changed)`;

/** The command line is malformed: the usage follows the message. */
export class AdminCommandLineError extends Error {
  override readonly name = 'AdminCommandLineError';
}

type Options = NonNullable<ParseArgsConfig['options']>;
const text = { type: 'string' } as const;
const COMMAND_OPTIONS: Readonly<Record<string, Options>> = {
  migrate: {},
  'seed-demo': {},
  'create-org': { slug: text, name: text, owner: text },
  'create-token': { org: text, role: text, name: text, 'expires-in': text },
  'rotate-evidence-key': {},
};

const isHelp = (arg: string): boolean => arg === '--help' || arg === '-h';

/** services/api's version: package.json is two folders above src/admin/ and dist/admin/ alike. */
export function adminVersion(): string {
  const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return manifest.version;
}

function required(values: Record<string, string | undefined>, name: string): string {
  const v = values[name];
  if (v === undefined || v === '') throw new AdminCommandLineError(`--${name} is required`);
  return v;
}

export async function runAdmin(argv: string[], out: (line: string) => void = console.log): Promise<void> {
  const [command, ...rest] = argv;
  if (command === undefined) throw new AdminCommandLineError('a command is required');
  if (argv.some(isHelp)) {
    out(ADMIN_USAGE);
    return;
  }
  if (command === '--version') {
    out(adminVersion());
    return;
  }
  if (isBackupCommand(command)) return runBackupCommand(command, rest, loadEnv().DATABASE_ADMIN_URL, out);
  const options = Object.hasOwn(COMMAND_OPTIONS, command) ? COMMAND_OPTIONS[command] : undefined;
  if (!options) {
    throw new AdminCommandLineError(
      command.startsWith('-') ? `unknown option "${command}"` : `unknown command "${command}"`,
    );
  }
  const parsed = parseArgs({ args: rest, options, strict: true, allowPositionals: false }).values;
  // Every option is a string option (COMMAND_OPTIONS).
  const values: Record<string, string | undefined> = Object.fromEntries(
    Object.entries(parsed).map(([k, v]) => [k, typeof v === 'string' ? v : undefined]),
  );
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
        throw new AdminCommandLineError(`unknown command "${command}"`);
    }
  } finally {
    await db.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  runAdmin(process.argv.slice(2)).catch((err: unknown) => {
    if (err instanceof BackupError) {
      console.error(`error: ${err.message}`);
      process.exit(1);
    }
    if (
      err instanceof AdminCommandLineError ||
      (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')
    ) {
      console.error(`error: ${(err as Error).message}\n\n${ADMIN_USAGE}`);
      process.exit(2);
    }
    if (err instanceof AdminUsageError || err instanceof EnvError) {
      console.error(`error: ${(err as Error).message}`);
      process.exit(2);
    }
    console.error(err);
    process.exit(1);
  });
}
