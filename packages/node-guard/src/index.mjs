// Imported first by every Palisade process (scripts/register.mjs for the development commands, the
// entrypoints of the API, worker, admin command, gateway and agent): stops at once, with a message
// that says what to do, on a Node.js older than `engines.node` of this package, instead of failing
// later on an API that the old runtime lacks. Plain JavaScript on purpose: it must run, and explain
// itself, on the old Node that cannot load TypeScript. The minimum lives in package.json only.
import { readFileSync } from 'node:fs';

const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const range = manifest.engines.node;
const minimum = Number(/^>=\s*(\d+)/.exec(range)?.[1]);
const major = Number(process.versions.node.split('.')[0]);

if (!(major >= minimum)) {
  const arch = process.arch === 'arm64' ? 'arm64' : 'x64';
  process.stderr.write(
    `Palisade needs Node.js ${range}; this is Node.js ${process.version} (${process.execPath}).\n` +
      `Node ${minimum} is an npm package; to use it without installing anything system-wide:\n` +
      `  npm pack node-linux-${arch}@${minimum} && tar xzf node-linux-${arch}-${minimum}.*.tgz\n` +
      `  export PATH="$PWD/package/bin:$PATH"\n` +
      `or run \`. scripts/use-node.sh\` from the repository (README, "Node.js").\n`,
  );
  process.exit(1);
}
