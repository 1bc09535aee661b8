// The admin command's backup and restore verbs (decision 0081): argument parsing only; the work is
// in backup.ts. Kept apart from admin.ts so that file only registers them.
import { parseArgs } from 'node:util';
import { AdminUsageError } from './admin-service.js';
import { backupDatabase, restoreDatabase } from './backup.js';

export const BACKUP_USAGE = `  backup --out FILE                      pg_dump of the whole database (custom format)
  restore --from FILE --database NAME    into a new database NAME on the same server`;

export function isBackupCommand(command: string | undefined): command is 'backup' | 'restore' {
  return command === 'backup' || command === 'restore';
}

export async function runBackupCommand(
  command: 'backup' | 'restore',
  args: string[],
  adminUrl: string,
  out: (line: string) => void,
): Promise<void> {
  const { values } = parseArgs({
    args,
    options: { out: { type: 'string' }, from: { type: 'string' }, database: { type: 'string' } },
    strict: true,
  });
  const need = (name: 'out' | 'from' | 'database'): string => {
    const v = values[name];
    if (v === undefined || v === '') throw new AdminUsageError(`${command}: --${name} is required`);
    return v;
  };
  if (command === 'backup') return backupDatabase(adminUrl, need('out'), out);
  return restoreDatabase(adminUrl, need('from'), need('database'), out);
}
