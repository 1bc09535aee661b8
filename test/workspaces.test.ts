// The workspace scheme of docs/decisions/0015-production-build.md, checked on every package.json:
// one Node.js requirement everywhere; every @palisade/* import declared (runtime imports as
// dependencies, so `npm ci --omit=dev` installs them); every export of a compiled workspace maps
// the `development` condition to its TypeScript source and `default` to the same file compiled in
// dist/; every entrypoint checks the Node.js version before anything else.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

interface Manifest {
  name: string;
  engines?: { node?: string };
  exports?: Record<string, string | Record<string, string>>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  workspaces?: string[];
}

const read = (dir: string): Manifest =>
  JSON.parse(readFileSync(join(ROOT, dir, 'package.json'), 'utf8')) as Manifest;
const root = read('.');
const workspaces = root.workspaces ?? [];

/** Entrypoints that `node <file>` starts, as sources (their dist/ twins are what production runs). */
const ENTRYPOINTS = [
  'services/api/src/main.ts',
  'services/api/src/worker.ts',
  'services/api/src/admin/admin.ts',
  'services/cluster-gateway/src/main.ts',
  'agent/src/main.ts',
];

const SOURCE = /\.(ts|tsx|mts)$/;
const TEST_FILE = /\.(spec|test)\.tsx?$/;
const PALISADE_IMPORT = /(?:from\s+|import\s*\(?\s*)'(@palisade\/[a-z-]+)(?:\/[a-z-]+)?'/g;

function files(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && SOURCE.test(e.name) && !e.parentPath.includes('node_modules'))
    .map((e) => join(e.parentPath, e.name))
    .filter((f) => !relative(ROOT, f).includes('/generated/'));
}

function importsOf(paths: readonly string[]): Set<string> {
  const found = new Set<string>();
  for (const path of paths) {
    for (const m of readFileSync(path, 'utf8').matchAll(PALISADE_IMPORT)) found.add(m[1]!);
  }
  return found;
}

describe('workspaces', () => {
  it('declare one Node.js requirement: the root engines.node, >= 24', () => {
    expect(root.engines?.node).toMatch(/^>=\s*(2[4-9]|[3-9]\d)/);
    const differing = workspaces.filter((ws) => read(ws).engines?.node !== root.engines?.node);
    expect(differing).toEqual([]);
  });

  it('declare every @palisade/* package they import (runtime imports as dependencies)', () => {
    const missing: string[] = [];
    for (const ws of workspaces) {
      const m = read(ws);
      const all = files(join(ROOT, ws)).filter((f) => !f.endsWith('.d.mts'));
      const runtime = all.filter((f) => relative(join(ROOT, ws), f).startsWith('src/') && !TEST_FILE.test(f));
      const deps = new Set(Object.keys(m.dependencies ?? {}));
      const devDeps = new Set(Object.keys(m.devDependencies ?? {}));
      for (const name of importsOf(runtime)) {
        if (name !== m.name && !deps.has(name)) missing.push(`${ws}: dependencies lack ${name}`);
      }
      for (const name of importsOf(all)) {
        if (name !== m.name && !deps.has(name) && !devDeps.has(name))
          missing.push(`${ws}: neither dependencies nor devDependencies list ${name}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('export sources under the development condition and their compiled dist/ twins by default', () => {
    const wrong: string[] = [];
    for (const ws of workspaces.filter((w) => w !== 'web')) {
      const compiled = files(join(ROOT, ws, 'src')).some((f) => !f.endsWith('.d.mts'));
      for (const [path, target] of Object.entries(read(ws).exports ?? {})) {
        const where = `${ws} exports["${path}"]`;
        if (typeof target === 'string' || !target['default']) {
          wrong.push(`${where}: needs conditions, at least "default"`);
          continue;
        }
        if (!compiled) {
          // Plain JavaScript (the Node.js guard): runs as it is, in development and production.
          if (!existsSync(join(ROOT, ws, target['default']))) wrong.push(`${where}: no ${target['default']}`);
          continue;
        }
        const source = target['development'];
        if (!source?.startsWith('./src/') || !existsSync(join(ROOT, ws, source))) {
          wrong.push(`${where}: "development" must name a file under ./src/`);
          continue;
        }
        const twin = source.replace(/^\.\/src\//, './dist/').replace(/\.tsx?$/, '.js');
        if (target['default'] !== twin) wrong.push(`${where}: "default" must be ${twin}`);
        const order = Object.keys(target);
        if (order.indexOf('development') > order.indexOf('default'))
          wrong.push(`${where}: "development" must come before "default"`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('start every entrypoint with the Node.js version guard', () => {
    const late = ENTRYPOINTS.filter((file) => {
      const first = readFileSync(join(ROOT, file), 'utf8')
        .split('\n')
        .find((line) => line.startsWith('import '));
      return !first?.startsWith("import '@palisade/node-guard';");
    });
    expect(late).toEqual([]);
  });
});
