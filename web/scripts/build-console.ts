// Builds the console into web/dist when it is missing or older than its sources (web/src,
// index.html, the Vite config, the packages it bundles). Used by `npm start`, the browser
// tests and bench/web, so none of them serves a stale console and none rebuilds needlessly.
// CLI: node --import ./scripts/register.mjs web/scripts/build-console.ts [--force]
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const WEB_DIR = fileURLToPath(new URL('..', import.meta.url));
export const DIST_DIR = join(WEB_DIR, 'dist');
const SOURCES = [
  'src',
  'index.html',
  'vite.config.ts',
  'package.json',
  '../packages/policy/src',
  '../packages/access/src',
];

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const e of readdirSync(path, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) newest = Math.max(newest, statSync(join(e.parentPath, e.name)).mtimeMs);
  }
  return newest;
}

/**
 * Written beside index.html by every build: a web/dist from before it (or built some other way,
 * e.g. `vite build` under NODE_ENV=development, which bundles React's development build) counts as
 * stale, so `npm start` never serves a development build.
 */
const BUILD_STAMP = '.palisade-build.json';

export function consoleIsStale(): boolean {
  const built = newestMtime(join(DIST_DIR, 'index.html'));
  if (built === 0) return true;
  try {
    const stamp = JSON.parse(readFileSync(join(DIST_DIR, BUILD_STAMP), 'utf8')) as { mode?: unknown };
    if (stamp.mode !== 'production') return true;
  } catch {
    return true;
  }
  return SOURCES.some((s) => newestMtime(join(WEB_DIR, s)) > built);
}

/** Returns true when it built. Throws when the build fails. */
export function buildConsoleIfStale(opts: { force?: boolean; log?: (line: string) => void } = {}): boolean {
  if (!opts.force && !consoleIsStale()) return false;
  opts.log?.('building the web console (web/dist)');
  // Vite's production build resolves @palisade/* to their compiled dist/ (the `default` export
  // condition), like every production build: compile the packages the console bundles first.
  const deps = spawnSync(
    process.execPath,
    ['--import', './scripts/register.mjs', 'scripts/build.ts', '--deps-of', 'web'],
    { cwd: join(WEB_DIR, '..'), stdio: ['ignore', 'ignore', 'inherit'] },
  );
  if (deps.status !== 0)
    throw new Error(`building the console's packages failed (exit ${deps.status ?? deps.signal})`);
  const vite = join(WEB_DIR, '../node_modules/vite/bin/vite.js');
  // The production build whatever the caller's NODE_ENV: `npm start` runs with NODE_ENV=development
  // and Vitest with NODE_ENV=test, and Vite would then bundle React's development build
  // (jsx-dev-runtime, the DevTools banner) into web/dist.
  const r = spawnSync(process.execPath, [vite, 'build', '--mode', 'production', '--logLevel', 'warn'], {
    cwd: WEB_DIR,
    stdio: 'inherit',
    env: { ...process.env, NODE_ENV: 'production' },
  });
  if (r.status !== 0) throw new Error(`the console build failed (exit ${r.status ?? r.signal})`);
  writeFileSync(join(DIST_DIR, BUILD_STAMP), `${JSON.stringify({ mode: 'production' })}\n`);
  return true;
}

const invoked = process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1];
if (invoked) {
  const built = buildConsoleIfStale({ force: process.argv.includes('--force'), log: (l) => console.log(l) });
  if (!built) console.log('the web console is up to date');
}
