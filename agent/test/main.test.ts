import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = new URL('../../', import.meta.url).pathname;

function run(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      ['--import', './scripts/register.mjs', 'agent/src/main.ts', ...args],
      {
        cwd: ROOT,
        env: { PATH: process.env['PATH'] ?? '', ...env },
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

describe('the agent command', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'palisade-main-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('exits 2 naming the flag for bad flags, environment and descriptions', async () => {
    const cases = await Promise.all([
      run(['--simulate', 'agent/examples/shop.yaml', '--bogus']),
      run(['--simulate', join(dir, 'missing.yaml'), '--token', 'pen_0123456789abcdef']),
      run(['--simulate', 'agent/examples/shop.yaml', '--state-dir', join(dir, 'state')]),
      run(['--kubernetes'], { PALISADE_GATEWAY_URL: 'http://not-a-tunnel' }),
    ]);
    expect(cases.map((c) => c.code)).toEqual([2, 2, 2, 2]);
    expect(cases[0].stderr).toContain('palisade-agent: --bogus: is not a known option');
    expect(cases[1].stderr).toContain('--simulate:');
    expect(cases[1].stderr).toContain('missing.yaml does not exist');
    expect(cases[2].stderr).toContain('--token: required the first time: no cluster credential in file');
    expect(cases[3].stderr).toContain('PALISADE_GATEWAY_URL: must be a ws:// or wss:// URL');
  });
});
