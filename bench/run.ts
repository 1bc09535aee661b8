// `npm run bench [name…]`: runs each benchmark in bench/<name>/run.ts in its own process, one after
// the other (they would skew each other on a small machine). Without names, runs them all.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { generatePrismaClient } from '../scripts/prisma-generate.js';

const dir = fileURLToPath(new URL('.', import.meta.url));
const all = readdirSync(dir, { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(`${dir}${d.name}/run.ts`))
  .map((d) => d.name)
  .sort();
const wanted = process.argv.slice(2);
const unknown = wanted.filter((w) => !all.includes(w));
if (unknown.length) {
  console.error(`unknown benchmark(s): ${unknown.join(', ')}; available: ${all.join(', ')}`);
  process.exit(2);
}
// The api, rollout and tunnel benches load the API's Prisma client, which is generated, not committed.
generatePrismaClient();
let failed = 0;
for (const name of wanted.length ? wanted : all) {
  console.log(`\n=== bench/${name} ===`);
  const r = spawnSync(
    process.execPath,
    ['--enable-source-maps', '--expose-gc', '--import', './scripts/register.mjs', `bench/${name}/run.ts`],
    {
      stdio: 'inherit',
    },
  );
  if (r.status !== 0) failed += 1;
}
process.exit(failed ? 1 : 0);
