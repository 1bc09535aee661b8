// The production build, as an operator runs it, in a temporary copy of the repository:
//   1. `npm run build` (with the repository's installed dependencies, linked into the copy);
//   2. `npm pack` of packages/policy, installed on its own into an empty folder: the
//      `palisade-policy` command answers --version and evaluates and validates real files;
//   3. `npm ci --omit=dev --omit=optional` in the copy: no devDependency left (no TypeScript, SWC,
//      Vitest, Prisma CLI; plain --omit=dev keeps the Prisma CLI and TypeScript, which
//      @prisma/client names as optional peers; docs/decisions/0015-production-build.md), then the
//      built admin command migrates a fresh database and the built API, worker and gateway start
//      with plain `node <deployable>/dist/….js` and answer /healthz with 200; the API answers
//      GraphQL and serves the built console; the built agent connects through the built gateway.
import { randomBytes } from 'node:crypto';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmptyDatabase, type TestDatabase } from '@palisade/migrations/test-databases';
import { freePort, waitFor } from '@palisade/testing';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const STEP_TIMEOUT_MS = 240_000;

interface Manifest {
  version?: string;
  workspaces?: string[];
}

const manifest = (dir: string): Manifest =>
  JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Manifest;

function sh(cmd: string, args: string[], cwd: string): string {
  const r = spawnSync(cmd, args, {
    cwd,
    encoding: 'utf8',
    timeout: STEP_TIMEOUT_MS,
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, npm_config_update_notifier: 'false', npm_config_fund: 'false' },
  });
  if (r.status !== 0) {
    throw new Error(
      `${cmd} ${args.join(' ')} (in ${cwd}) exited ${r.status ?? r.signal}:\n${r.stdout}${r.stderr}`,
    );
  }
  return r.stdout;
}

/** The working tree's files (tracked and untracked, not ignored): no node_modules, dist or generated code. */
function copyRepository(to: string): void {
  const files = sh('git', ['ls-files', '-co', '--exclude-standard', '-z'], ROOT).split('\0').filter(Boolean);
  for (const file of files) {
    if (!existsSync(join(ROOT, file))) continue; // deleted in the working tree
    mkdirSync(dirname(join(to, file)), { recursive: true });
    copyFileSync(join(ROOT, file), join(to, file));
  }
}

/**
 * node_modules for building in the copy: the repository's installed packages, linked, except the
 * workspaces, which link to the copy's own (so the console's build bundles the copy's packages).
 */
function linkDependencies(copy: string, workspaces: readonly string[]): void {
  const modules = join(copy, 'node_modules');
  mkdirSync(join(modules, '@palisade'), { recursive: true });
  for (const entry of readdirSync(join(ROOT, 'node_modules'))) {
    if (entry !== '@palisade') symlinkSync(join(ROOT, 'node_modules', entry), join(modules, entry));
  }
  for (const ws of workspaces) {
    const { name } = JSON.parse(readFileSync(join(copy, ws, 'package.json'), 'utf8')) as { name: string };
    symlinkSync(join(copy, ws), join(modules, name));
    if (existsSync(join(ROOT, ws, 'node_modules'))) {
      symlinkSync(join(ROOT, ws, 'node_modules'), join(copy, ws, 'node_modules'));
    }
  }
}

/**
 * Every installed path that npm's lockfile marks as needed only for development (`dev`, or
 * `devOptional`: a devDependency that a runtime package also names as an optional peer).
 */
function devOnlyPaths(copy: string): string[] {
  const lock = JSON.parse(readFileSync(join(copy, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { dev?: boolean; devOptional?: boolean }>;
  };
  return Object.entries(lock.packages)
    .filter(([path, entry]) => path.includes('node_modules/') && (entry.dev || entry.devOptional))
    .map(([path]) => path);
}

let work: string;
let copy: string;
let workspaces: string[];
let db: TestDatabase | undefined;
const children: ChildProcess[] = [];

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'palisade-build-'));
  copy = join(work, 'repo');
  copyRepository(copy);
  workspaces = manifest(copy).workspaces ?? [];
  linkDependencies(copy, workspaces);
  sh('npm', ['run', 'build'], copy);
}, STEP_TIMEOUT_MS);

afterAll(async () => {
  await Promise.all(
    children.map(
      (c) =>
        new Promise<void>((resolve) => {
          if (c.exitCode !== null || c.signalCode !== null) return resolve();
          const timer = setTimeout(() => c.kill('SIGKILL'), 5000);
          c.once('exit', () => {
            clearTimeout(timer);
            resolve();
          });
          c.kill('SIGTERM');
        }),
    ),
  );
  await db?.drop();
  if (work) rmSync(work, { recursive: true, force: true });
}, STEP_TIMEOUT_MS);

describe('production build', () => {
  it('packs the policy package, which works installed on its own', () => {
    // The policy package depends on @palisade/flows (the preview command reads flow records): both
    // are packed, as they would be published together.
    const pack = (dir: string) =>
      join(
        work,
        sh('npm', ['pack', '--silent', '--pack-destination', work], join(copy, dir))
          .trim()
          .split('\n')
          .pop()!,
      );
    const tarballs = [pack('packages/flows'), pack('packages/policy')];
    const user = join(work, 'policy-user');
    mkdirSync(user);
    writeFileSync(join(user, 'package.json'), '{ "name": "policy-user", "private": true }\n');
    sh('npm', ['install', '--prefer-offline', '--no-audit', ...tarballs], user);
    expect(existsSync(join(user, 'node_modules/@palisade/policy/src'))).toBe(false);

    const cli = (...args: string[]) =>
      spawnSync('npx', ['--no-install', 'palisade-policy', ...args], { cwd: user, encoding: 'utf8' });
    const version = cli('--version');
    expect(version.stdout).toBe(`${manifest(join(copy, 'packages/policy')).version}\n`);
    expect(version.status).toBe(0);

    const scenario = join(copy, 'packages/policy/test/scenarios');
    const file = readdirSync(scenario).find((f) => f.endsWith('.yaml'))!;
    const evaluated = cli('evaluate', join(scenario, file), '--json');
    expect(evaluated.stderr).toBe('');
    expect(evaluated.status).toBe(0);
    const doc = JSON.parse(evaluated.stdout) as { flows: unknown[]; expectations: { failed: number } };
    expect(doc.flows.length).toBeGreaterThan(0);
    expect(doc.expectations.failed).toBe(0);

    writeFileSync(
      join(user, 'bad.yaml'),
      'apiVersion: projectcalico.org/v3\nkind: NetworkPolicy\nmetadata: { name: Bad_Name, namespace: shop }\nspec: {}\n',
    );
    const validated = cli('validate', join(user, 'bad.yaml'));
    expect(validated.status).toBe(1);
    expect(validated.stdout).toMatch(/bad\.yaml:\d+:\d+: metadata\.name: /);
  });

  it('installs without devDependencies; the built API, worker and gateway serve /healthz, the built agent connects', async () => {
    rmSync(join(copy, 'node_modules'), { recursive: true, force: true });
    for (const ws of workspaces) rmSync(join(copy, ws, 'node_modules'), { recursive: true, force: true });
    sh('npm', ['ci', '--omit=dev', '--omit=optional', '--prefer-offline', '--no-audit'], copy);
    const devOnly = devOnlyPaths(copy);
    expect(devOnly.length).toBeGreaterThan(100);
    expect(devOnly.filter((path) => existsSync(join(copy, path)))).toEqual([]);
    for (const tool of ['typescript', 'prisma', '@swc/core', 'vitest', 'vite']) {
      expect(existsSync(join(copy, 'node_modules', tool)), tool).toBe(false);
    }

    db = await createEmptyDatabase('palisade_build');
    const [apiPort, workerPort, gatewayPort] = [await freePort(), await freePort(), await freePort()];
    const base = {
      PATH: process.env['PATH'] ?? '',
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      REDIS_URL: 'redis://127.0.0.1:6379',
      REDIS_PREFIX: `palisade-build-${db.name}`,
      LOG_LEVEL: 'warn',
    };
    const apiEnv = {
      ...base,
      // Required in production: it encrypts the compliance evidence signing keys (decision 0068).
      EVIDENCE_KEY_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      PORT: String(apiPort),
      WORKER_PORT: String(workerPort),
      DATABASE_URL: db.urlAs('palisade_app'),
      DATABASE_ADMIN_URL: db.adminUrl,
    };
    // The built admin command migrates (plain node, no loader).
    const migrated = spawnSync(process.execPath, ['services/api/dist/admin/admin.js', 'migrate'], {
      cwd: copy,
      env: apiEnv,
      encoding: 'utf8',
      timeout: STEP_TIMEOUT_MS,
    });
    expect(migrated.stderr).toBe('');
    expect(migrated.stdout).toMatch(/applied \d+ migration\(s\)/);

    const output: string[] = [];
    const start = (entry: string, env: Record<string, string>, args: string[] = []) => {
      const child = spawn(process.execPath, [entry, ...args], {
        cwd: copy,
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child.stdout?.on('data', (d: Buffer) => output.push(`${entry}: ${d.toString()}`));
      child.stderr?.on('data', (d: Buffer) => output.push(`${entry}: ${d.toString()}`));
      children.push(child);
      return child;
    };
    const processes = [
      start('services/api/dist/main.js', apiEnv),
      start('services/api/dist/worker.js', apiEnv),
      start('services/cluster-gateway/dist/main.js', {
        ...base,
        PORT: String(gatewayPort),
        DATABASE_URL: db.urlAs('palisade_gateway'),
      }),
    ];
    for (const port of [apiPort, workerPort, gatewayPort]) {
      const status = await waitFor(
        async () => {
          if (processes.some((p) => p.exitCode !== null))
            throw new Error(`a process exited:\n${output.join('')}`);
          return (await fetch(`http://127.0.0.1:${port}/healthz`)).status;
        },
        `/healthz on port ${port}`,
        60_000,
        100,
      ).catch((err: unknown) => {
        throw new Error(`${(err as Error).message}\n${output.join('')}`);
      });
      expect(status).toBe(200);
    }
    // The compiled API really is the API: GraphQL answers (Nest's injection and code-first schema
    // need the decorator metadata the build emits), and it serves the built console.
    const graphql = await fetch(`http://127.0.0.1:${apiPort}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      // Not __schema: production refuses introspection to anonymous callers (decision 0055).
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(await graphql.json()).toEqual({ data: { __typename: 'Query' } });
    const page = await fetch(`http://127.0.0.1:${apiPort}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<div id="root"></div>');

    // The built agent connects through the built gateway: an organisation and a token from the
    // built admin command, a cluster registered over GraphQL, and the cluster turns CONNECTED.
    const admin = (...args: string[]) => {
      const r = spawnSync(process.execPath, ['services/api/dist/admin/admin.js', ...args], {
        cwd: copy,
        env: apiEnv,
        encoding: 'utf8',
        timeout: STEP_TIMEOUT_MS,
      });
      expect(r.status, r.stderr).toBe(0);
      return r.stdout.trimEnd().split('\n').pop()!;
    };
    admin('create-org', '--slug', 'built', '--name', 'Built', '--owner', 'ops@example.com');
    const token = admin('create-token', '--org', 'built', '--role', 'admin');
    const gql = async <T>(query: string): Promise<T> => {
      const r = await fetch(`http://127.0.0.1:${apiPort}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query }),
      });
      const body = (await r.json()) as { data?: T; errors?: unknown };
      if (!body.data) throw new Error(JSON.stringify(body.errors));
      return body.data;
    };
    const registered = await gql<{ registerCluster: { enrollmentToken: string } }>(
      'mutation { registerCluster(input: { orgSlug: "built", name: "shop" }) { enrollmentToken } }',
    );
    start(
      'agent/dist/main.js',
      {
        PATH: base.PATH,
        LOG_LEVEL: 'warn',
        PALISADE_GATEWAY_URL: `ws://127.0.0.1:${gatewayPort}/v1/tunnel`,
        PALISADE_ENROLLMENT_TOKEN: registered.registerCluster.enrollmentToken,
        PALISADE_AGENT_STATE_DIR: join(work, 'agent-state'),
      },
      ['--simulate', 'agent/examples/shop.yaml'],
    );
    const status = await waitFor(
      async () => {
        const d = await gql<{ organization: { cluster: { status: string } } }>(
          '{ organization(slug: "built") { cluster(name: "shop") { status } } }',
        );
        return d.organization.cluster.status === 'CONNECTED' ? d.organization.cluster.status : undefined;
      },
      'the built agent to connect',
      60_000,
      200,
    ).catch((err: unknown) => {
      throw new Error(`${(err as Error).message}\n${output.join('')}`);
    });
    expect(status).toBe('CONNECTED');
  });
});
