// Module hooks for scripts/register.mjs: resolve `./x.js` to `./x.ts` when only the source exists,
// and compile `.ts` files with SWC (legacy decorators + metadata, ES2022, inline source maps).
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import swc from '@swc/core';

const TS_EXT = /\.(ts|mts|tsx)$/;

export async function resolve(specifier, context, nextResolve) {
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
  const out = await swc.transform(source, {
    filename,
    sourceMaps: 'inline',
    module: { type: 'es6' },
    jsc: {
      target: 'es2022',
      parser: { syntax: 'typescript', decorators: true, tsx: url.endsWith('.tsx') },
      transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
      keepClassNames: true,
    },
  });
  return { format: 'module', source: out.code, shortCircuit: true };
}
