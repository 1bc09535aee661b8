import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLOSE_REASONS } from '@palisade/protocol';
import { FakeGateway } from './support/fake-gateway.js';
import { waitFor } from '@palisade/testing';
import { AGENT_VERSION } from '../src/version.js';

const ROOT = new URL('../../', import.meta.url).pathname;

type Child = ReturnType<typeof spawn>;

function run(
  args: string[],
  env: Record<string, string> = {},
  onSpawn?: (child: Child) => void,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      ['--import', './scripts/register.mjs', 'agent/src/main.ts', ...args],
      {
        cwd: ROOT,
        env: { PATH: process.env['PATH'] ?? '', ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    onSpawn?.(child);
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

  it('answers --help, -h, --version and edit --help on stdout with exit 0, whatever the environment', async () => {
    const badEnv = { PALISADE_GATEWAY_URL: 'http://not-a-tunnel' };
    const [help, short, version, edit] = await Promise.all([
      run(['--help'], badEnv),
      run(['-h']),
      run(['--version'], badEnv),
      run(['edit', '--help']),
    ]);
    for (const r of [help, short]) {
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/^Usage:\n {2}npm run agent -- --simulate <cluster\.yaml>/);
      expect(r.stdout).toContain('--version');
      expect(r.stderr).toBe('');
    }
    expect(version.code).toBe(0);
    expect(version.stdout).toBe(`${AGENT_VERSION}\n`);
    expect(edit.code).toBe(0);
    expect(edit.stdout).toMatch(/^Usage:\n {2}npm run agent -- edit <state-dir> set /);
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
    expect(cases[0].stderr).toContain('Usage:\n  npm run agent -- --simulate');
    expect(cases[0].stdout).toBe('');
    expect(cases[1].stderr).toContain('--simulate:');
    expect(cases[1].stderr).toContain('missing.yaml does not exist');
    expect(cases[2].stderr).toContain('--token: required the first time: no cluster credential in file');
    expect(cases[3].stderr).toContain('PALISADE_GATEWAY_URL: must be a ws:// or wss:// URL');
  });

  it('connects, exits 0 on SIGTERM after telling the gateway, and 1 when the gateway revokes it', async () => {
    const gateway = await FakeGateway.start();
    try {
      const args = [
        '--simulate',
        'agent/examples/shop.yaml',
        '--token',
        'pen_0123456789abcdef',
        '--gateway',
        gateway.url,
      ];
      const stateDir = join(dir, 'cli-state');
      let child: Child | undefined;
      const first = run([...args, '--state-dir', stateDir, '--log-level', 'silent'], {}, (c) => {
        child = c;
      });
      await waitFor(
        () => gateway.all('inventory.snapshot').length > 0,
        'the snapshot from the command',
        20_000,
      );
      expect(gateway.last()!.hello.auth.kind).toBe('enrollment');
      child!.kill('SIGTERM');
      expect((await first).code).toBe(0);
      expect(gateway.last()!.received.at(-1)).toMatchObject({ type: 'close', reason: 'agent_shutting_down' });

      const second = run([
        '--simulate',
        'agent/examples/shop.yaml',
        '--gateway',
        gateway.url,
        '--state-dir',
        stateDir,
      ]);
      await waitFor(
        () => gateway.connections.length === 2 && gateway.last()!.received.length > 0,
        'the second run',
        20_000,
      );
      expect(gateway.last()!.hello.auth).toEqual({
        kind: 'credential',
        credential: 'pcc_issued_credential_1',
      });
      gateway.last()!.close(CLOSE_REASONS.CREDENTIAL_REVOKED, 'the cluster was deleted');
      expect((await second).code).toBe(1);
    } finally {
      await gateway.stop();
    }
  });
});
