// Module hooks for scripts/register.mjs: resolve @palisade/* packages with the `development` export
// condition (their TypeScript sources rather than their compiled dist/), resolve `./x.js` to
// `./x.ts` when only the source exists, and compile `.ts` files with SWC (scripts/swc-options.mjs:
// the same transform as the production build, inline source maps).
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import swc from '@swc/core';
import { swcOptions } from './swc-options.mjs';

const TS_EXT = /\.(ts|mts|tsx)$/;

export async function resolve(specifier, context, nextResolve) {
  if (specifier.startsWith('@palisade/') && !context.conditions.includes('development')) {
    context = { ...context, conditions: [...context.conditions, 'development'] };
  }
  try {
    return await nextResolve(specifier, context);
  } catch (err) {
    const isRelative =
      specifier.startsWith('.') || specifier.startsWith('/') || specifier.startsWith('file:');
    if (isRelative && specifier.endsWith('.js') && context.parentURL && TS_EXT.test(context.parentURL)) {
      return nextResolve(specifier.slice(0, -3) + '.ts', context);
    }
    throw err;
  }
}

export async function load(url, context, nextLoad) {
  if (!TS_EXT.test(url) || url.includes('/node_modules/')) return nextLoad(url, context);
  const filename = fileURLToPath(url);
  const source = await readFile(filename, 'utf8');
  const out = await swc.transform(source, swcOptions(filename, 'inline'));
  return { format: 'module', source: out.code, shortCircuit: true };
}
