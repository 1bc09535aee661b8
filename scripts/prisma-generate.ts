// Generates the Prisma client (services/api/src/generated, not committed) before the API runs or is
// tested. Prisma 7's CLI wants a schema engine binary even for `generate`, which does not use it;
// pointing PRISMA_SCHEMA_ENGINE_BINARY at any executable (node itself) satisfies the check without
// a download.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const apiDir = fileURLToPath(new URL('../services/api/', import.meta.url));

export function generatePrismaClient(opts: { force?: boolean } = {}): void {
  const schema = `${apiDir}prisma/schema.prisma`;
  const marker = `${apiDir}src/generated/prisma/client.ts`;
  if (!opts.force && existsSync(marker) && statSync(marker).mtimeMs >= statSync(schema).mtimeMs) return;
  const r = spawnSync('npx', ['prisma', 'generate'], {
    cwd: apiDir,
    stdio: ['ignore', 'pipe', 'pipe'],
    encoding: 'utf8',
    env: { ...process.env, PRISMA_SCHEMA_ENGINE_BINARY: process.execPath, PRISMA_HIDE_UPDATE_MESSAGE: '1' },
  });
  if (r.status !== 0) throw new Error(`prisma generate failed:\n${r.stdout}${r.stderr}`);
}

if (import.meta.url === `file://${process.argv[1]}`) generatePrismaClient({ force: true });
