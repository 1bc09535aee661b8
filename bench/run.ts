// `npm run bench [name…] [--option …]`: runs each benchmark in bench/<name>/run.ts in its own process,
// one after the other (they would skew each other on a small machine). Without names, runs them
// all. Everything from the first `--option` on is passed to each benchmark (e.g. `flows --flows N`).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { generatePrismaClient } from '../scripts/prisma-generate.js';

const dir = fileURLToPath(new URL('.', import.meta.url));
const all = readdirSync(dir, { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(`${dir}${d.name}/run.ts`))
  .map((d) => d.name)
  .sort();
const args = process.argv.slice(2);
const firstOption = args.findIndex((a) => a.startsWith('--'));
const wanted = firstOption === -1 ? args : args.slice(0, firstOption);
const options = firstOption === -1 ? [] : args.slice(firstOption);
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
    [
      '--enable-source-maps',
      '--expose-gc',
      '--import',
      './scripts/register.mjs',
      `bench/${name}/run.ts`,
      ...options,
    ],
    {
      stdio: 'inherit',
    },
  );
  if (r.status !== 0) failed += 1;
}
process.exit(failed ? 1 : 0);
