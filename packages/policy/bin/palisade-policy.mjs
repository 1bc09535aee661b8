#!/usr/bin/env node
// The `palisade-policy` command. Node 20 cannot run TypeScript, so this registers the repository's
// SWC loader hooks first and then imports the TypeScript entry point.
import '../../../scripts/register.mjs';

await import('../src/cli/main.ts');
