// `npm run build`: the production build. Generates the Prisma client, compiles the TypeScript of
// every workspace's src/ to JavaScript in its dist/ (with the transform of the development loader,
// scripts/swc-options.mjs, so decorator metadata and module shape are the same as in development),
// then builds the web console with Vite. The packages' `default` export condition points at those
// dist/ files, so `node <deployable>/dist/main.js` runs without any TypeScript tooling
// (docs/decisions/0015-production-build.md). Type checking is `npm run typecheck`, not this.
// CLI: node --import ./scripts/register.mjs scripts/build.ts [<workspace dir>... | --deps-of <dir>]
//      no argument: every workspace, then the console; workspace dirs: only those;
//      --deps-of web: the @palisade/* packages that web/package.json depends on (the console's
//      build bundles their compiled dist/, web/scripts/build-console.ts asks for them).
import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import swc from '@swc/core';
import { generatePrismaClient } from './prisma-generate.js';
import { swcOptions } from './swc-options.mjs';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Test files and declarations stay out of dist/; so does everything that is not a source file. */
const NOT_SHIPPED = /\.(spec|test)\.tsx?$|\.d\.m?ts$/;
const TYPESCRIPT = /\.tsx?$/;

interface Manifest {
  name: string;
  workspaces?: string[];
  dependencies?: Record<string, string>;
}

const manifest = (dir: string): Manifest =>
  JSON.parse(readFileSync(join(ROOT, dir, 'package.json'), 'utf8')) as Manifest;

/** Workspaces with TypeScript under src/, in the root package.json's order; the console builds with Vite. */
export function compiledWorkspaces(): string[] {
  return (manifest('.').workspaces ?? []).filter((ws) => {
    if (ws === 'web') return false;
    const src = join(ROOT, ws, 'src');
    return existsSync(src) && readdirSync(src, { recursive: true }).some((f) => TYPESCRIPT.test(String(f)));
  });
}

/** Compiles `<workspace>/src` into a fresh `<workspace>/dist`; returns the number of files written. */
export async function compileWorkspace(workspace: string): Promise<number> {
  const src = join(ROOT, workspace, 'src');
  const out = join(ROOT, workspace, 'dist');
  rmSync(out, { recursive: true, force: true });
  let written = 0;
  for (const entry of readdirSync(src, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || NOT_SHIPPED.test(entry.name)) continue;
    const file = join(entry.parentPath, entry.name);
    const rel = relative(src, file);
    if (!TYPESCRIPT.test(rel)) {
      mkdirSync(dirname(join(out, rel)), { recursive: true });
      copyFileSync(file, join(out, rel));
      written++;
      continue;
    }
    const target = join(out, rel.replace(TYPESCRIPT, '.js'));
    mkdirSync(dirname(target), { recursive: true });
    const result = await swc.transformFile(file, {
      ...swcOptions(file, true),
      sourceFileName: relative(dirname(target), file),
    });
    writeFileSync(target, `${result.code}\n//# sourceMappingURL=${basename(target)}.map\n`);
    if (result.map) writeFileSync(`${target}.map`, result.map);
    written++;
  }
  return written;
}

/** The compiled workspaces among the runtime `@palisade/*` dependencies of `workspace`. */
export function compiledDependencies(workspace: string): string[] {
  const wanted = Object.keys(manifest(workspace).dependencies ?? {});
  return compiledWorkspaces().filter((ws) => wanted.includes(manifest(ws).name));
}

async function main(args: readonly string[]): Promise<void> {
  const all = compiledWorkspaces();
  const depsOf = args[0] === '--deps-of' ? args[1] : undefined;
  const only = depsOf !== undefined ? compiledDependencies(depsOf) : args.map((a) => a.replace(/\/+$/, ''));
  const unknown = only.filter((ws) => !all.includes(ws));
  if (unknown.length > 0) {
    process.stderr.write(
      `build: not a compiled workspace: ${unknown.join(', ')}\n` +
        `usage: npm run build [-- <workspace>... | --deps-of <workspace>]\n  workspaces: ${all.join(' ')}\n`,
    );
    process.exit(2);
  }
  if (only.length === 0 || only.includes('services/api')) generatePrismaClient();
  for (const ws of only.length > 0 ? only : all) {
    const n = await compileWorkspace(ws);
    console.log(`built ${ws}/dist (${n} files)`);
  }
  if (only.length === 0 && depsOf === undefined) {
    const r = spawnSync(
      process.execPath,
      ['--import', './scripts/register.mjs', 'web/scripts/build-console.ts', '--force'],
      { cwd: ROOT, stdio: 'inherit' },
    );
    if (r.status !== 0) throw new Error(`the console build failed (exit ${r.status ?? r.signal})`);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
