// The type checker and the linter are part of the test suite, so CI fails on a type error or on
// any lint warning (including an unguarded GraphQL resolver) the same way it fails on a test.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));

// Runs a tool's own binary (not through npx, whose npm warnings about the machine's configuration
// would pollute the output that must be empty).
function run(tool: string, args: string[]): { status: number | null; output: string } {
  const r = spawnSync(`${root}node_modules/.bin/${tool}`, args, {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

describe('static checks', () => {
  it('type-checks every workspace (tsc -b)', () => {
    const r = run('tsc', ['-b']);
    expect(r.output).toBe('');
    expect(r.status).toBe(0);
  });

  it('is formatted (prettier --check)', () => {
    const r = run('prettier', ['--check', '.']);
    expect(r.output).not.toContain('[warn]');
    expect(r.status).toBe(0);
  });

  it('lints with zero warnings (eslint)', () => {
    const r = run('eslint', ['--max-warnings', '0', '.']);
    expect(r.output.trim()).toBe('');
    expect(r.status).toBe(0);
  });
});
