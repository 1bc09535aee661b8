// Runs TypeScript sources directly with SWC, which emits decorator metadata (Node's own type
// stripping and esbuild/tsx emit none), so NestJS dependency injection and code-first GraphQL work
// without a build. Checks the Node.js version first, and resolves @palisade/* packages to their
// sources (the `palisade-source` export condition, docs/decisions/0015-production-build.md).
// Usage: node --import ./scripts/register.mjs file.ts
import '@palisade/node-guard';
import { register } from 'node:module';

register('./swc-hooks.mjs', import.meta.url);
