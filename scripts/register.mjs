// Runs TypeScript sources directly under Node 20 with SWC, which (unlike esbuild/tsx) emits
// decorator metadata, so NestJS dependency injection and code-first GraphQL work without a build.
// Usage: node --import ./scripts/register.mjs file.ts
import { register } from 'node:module';

register('./swc-hooks.mjs', import.meta.url);
