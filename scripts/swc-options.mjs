// The one TypeScript-to-JavaScript transform of the repository's Node code, shared by the
// development loader (swc-hooks.mjs) and the production build (build.ts) so that what runs in
// development is what ships: ES2022 modules, legacy decorators with their design-time metadata
// (NestJS injection and code-first GraphQL read it), class names kept (Nest and logs show them).
// The Vitest projects that need metadata (services/api) pass the same jsc options to unplugin-swc.

/**
 * @param {string} filename
 * @param {boolean | 'inline'} sourceMaps
 * @returns {import('@swc/core').Options}
 */
export function swcOptions(filename, sourceMaps) {
  return {
    filename,
    sourceMaps,
    swcrc: false,
    configFile: false,
    module: { type: 'es6' },
    jsc: {
      target: 'es2022',
      parser: { syntax: 'typescript', decorators: true, tsx: filename.endsWith('.tsx') },
      transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
      keepClassNames: true,
    },
  };
}
