import { createRequire } from 'node:module';
import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';
import { swcOptions } from '../../scripts/swc-options.mjs';

// SWC instead of esbuild: NestJS injection and code-first GraphQL need decorator metadata; the
// transform is the one the development loader and the production build use.
// `graphql` is pinned to its CommonJS entry, the one @nestjs/graphql and Mercurius load, so that
// there is a single copy of its classes (instanceof checks on scalars and errors).
const require = createRequire(import.meta.url);

export default defineConfig({
  resolve: { alias: { graphql: require.resolve('graphql') } },
  plugins: [swc.vite({ jsc: swcOptions('vitest.ts', true).jsc ?? {} })],
  test: {
    name: 'api',
    include: ['src/**/*.spec.ts', 'test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
