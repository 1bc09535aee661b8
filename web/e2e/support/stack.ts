// The real stack for browser tests, started per test file: a database cloned from the run's
// migrated template, the dev OIDC provider, the API (serving the built console) and its worker as
// child processes exactly as `npm start` runs them, the cluster gateway, and simulated agents on
// demand. Everything listens on loopback ports of its own; close() stops it all and drops the DB.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { freePort } from '@palisade/testing';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inject } from 'vitest';
import { startDevOidcProvider } from '@palisade/dev-oidc';
import { cloneDatabase } from '@palisade/migrations/test-databases';

declare module 'vitest' {
  export interface ProvidedContext {
    templateDb: string;
  }
}

export const REPO = fileURLToPath(new URL('../../../', import.meta.url));

async function waitForOk(
  url: string,
  what: string,
  child: ChildProcess,
  output: string[],
  timeoutMs = 60_000,
) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${what} exited (${child.exitCode}):\n${output.join('')}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${what} not ready at ${url}:\n${output.join('')}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * The enrollment token behind a console install command, fetched as kubectl would: the command's
 * URL holds a single-use install code (decision 0059), and the token is in the manifest's Secret.
 */
export async function enrollmentTokenOf(installCommand: string): Promise<string> {
  const url = /(https?:\/\/\S+\/v1\/install\/pic_[A-Za-z0-9_-]+\.yaml)/.exec(installCommand)?.[1];
  if (!url) throw new Error(`no install URL in: ${installCommand}`);
  const manifest = await (await fetch(url)).text();
  const token = /PALISADE_ENROLLMENT_TOKEN:\s*['"]?(pen_[A-Za-z0-9_-]+)/.exec(manifest)?.[1];
  if (!token) throw new Error(`no enrollment token in the manifest from ${url}`);
  return token;
}

export interface Stack {
  origin: string;
  gatewayUrl: string;
  /** Starts a simulated agent for `example` (agent/examples/<example>.yaml) with an enrollment token. */
  startAgent(example: string, enrollmentToken: string): ChildProcess;
  /** kill -9 of the API process (its worker and the gateway keep running). */
  killApi(): Promise<void>;
  /** Starts the API again after killApi and waits until it is ready. */
  restartApi(): Promise<void>;
  /** Recent output of every process, for failure messages. */
  logs(): string;
  close(): Promise<void>;
}

export async function startStack(): Promise<Stack> {
  const db = await cloneDatabase(inject('templateDb'), 'palisade_e2e');
  const [apiPort, gatewayPort] = [await freePort(), await freePort()];
  const origin = `http://127.0.0.1:${apiPort}`;
  const gatewayUrl = `ws://127.0.0.1:${gatewayPort}/v1/tunnel`;
  const redisPrefix = `palisade-e2e-${randomBytes(4).toString('hex')}`;
  const stateDir = mkdtempSync(join(tmpdir(), 'palisade-e2e-agents-'));
  const oidc = await startDevOidcProvider({
    port: 0,
    log: () => undefined,
    clients: [
      {
        clientId: 'palisade-e2e',
        clientSecret: 'e2e-secret',
        redirectUris: [`${origin}/auth/callback`],
        postLogoutRedirectUris: [`${origin}/`],
      },
    ],
  });

  const children: ChildProcess[] = [];
  const output: string[] = [];
  const run = (name: string, args: string[], env: Record<string, string>): ChildProcess => {
    const child = spawn(
      process.execPath,
      ['--enable-source-maps', '--import', './scripts/register.mjs', ...args],
      {
        cwd: REPO,
        env: { PATH: process.env['PATH'] ?? '', ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    for (const s of [child.stdout, child.stderr])
      s?.on('data', (d: Buffer) => {
        output.push(`[${name}] ${d.toString()}`);
        if (output.length > 400) output.splice(0, output.length - 400);
      });
    children.push(child);
    return child;
  };

  const apiEnv = {
    NODE_ENV: 'test',
    HOST: '127.0.0.1',
    PORT: String(apiPort),
    PUBLIC_ORIGIN: origin,
    DATABASE_URL: db.urlAs('palisade_app'),
    DATABASE_ADMIN_URL: db.adminUrl,
    DATABASE_POOL_SIZE: '4',
    REDIS_PREFIX: redisPrefix,
    OIDC_ISSUER: oidc.issuer,
    OIDC_CLIENT_ID: 'palisade-e2e',
    OIDC_CLIENT_SECRET: 'e2e-secret',
    OIDC_ALLOW_INSECURE_HTTP: 'true',
    GATEWAY_PUBLIC_URL: gatewayUrl,
    LOG_LEVEL: 'warn',
  };
  let api: ChildProcess | undefined;
  const stack: Stack = {
    origin,
    gatewayUrl,
    startAgent: (example, token) =>
      run(
        `agent-${example}`,
        [
          'agent/src/main.ts',
          '--simulate',
          `agent/examples/${example}.yaml`,
          '--token',
          token,
          '--gateway',
          gatewayUrl,
          '--state-dir',
          join(stateDir, example),
          '--log-level',
          'warn',
        ],
        {},
      ),
    async killApi() {
      const child = api;
      if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
      await new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGKILL');
      });
    },
    async restartApi() {
      api = run('api', ['services/api/src/main.ts'], apiEnv);
      await waitForOk(`${origin}/readyz`, 'the API', api, output);
    },
    logs: () => output.join(''),
    async close() {
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
      await oidc.close();
      rmSync(stateDir, { recursive: true, force: true });
      await db.drop();
    },
  };
  try {
    api = run('api', ['services/api/src/main.ts'], apiEnv);
    run('worker', ['services/api/src/worker.ts'], { ...apiEnv, WORKER_PORT: '0' });
    const gateway = run('gateway', ['services/cluster-gateway/src/main.ts'], {
      HOST: '127.0.0.1',
      PORT: String(gatewayPort),
      DATABASE_URL: db.urlAs('palisade_gateway'),
      DATABASE_POOL_SIZE: '2',
      REDIS_PREFIX: redisPrefix,
      LOG_LEVEL: 'warn',
    });
    await waitForOk(`${origin}/readyz`, 'the API', api, output);
    await waitForOk(`http://127.0.0.1:${gatewayPort}/readyz`, 'the gateway', gateway, output);
  } catch (err) {
    await stack.close();
    throw err;
  }
  return stack;
}
