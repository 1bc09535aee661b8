// The operator command, run as operators run it (a child process: node + the SWC loader +
// services/api/src/admin/admin.ts) against this file's freshly cloned database, with the API of
// the test context serving the same database so a printed token can be tried for real.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestContext } from './context.js';
import { expectData } from './factories/members.js';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const API_VERSION = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;
const CLI_TIMEOUT_MS = 60_000;

let ctx: TestContext;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  lastLine: string;
}

function admin(...args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', './scripts/register.mjs', 'services/api/src/admin/admin.ts', ...args],
      {
        cwd: REPO_ROOT,
        env: {
          ...process.env,
          NODE_ENV: 'test',
          LOG_LEVEL: 'silent',
          DATABASE_URL: ctx.env.DATABASE_URL,
          DATABASE_ADMIN_URL: ctx.env.DATABASE_ADMIN_URL,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), CLI_TIMEOUT_MS);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      const lines = stdout.trimEnd().split('\n');
      resolve({ code, stdout, stderr, lastLine: lines[lines.length - 1] ?? '' });
    });
  });
}

async function state() {
  const [row] =
    await ctx.sql(`SELECT (SELECT count(*) FROM organizations)::int AS orgs, (SELECT count(*) FROM users)::int AS users,
    (SELECT count(*) FROM memberships)::int AS members, (SELECT count(*) FROM api_tokens)::int AS tokens,
    (SELECT count(*) FROM audit_events)::int AS events`);
  return row;
}

beforeAll(async () => {
  ctx = await TestContext.start();
});
afterAll(async () => ctx?.close());

describe('npm run admin', { timeout: 2 * CLI_TIMEOUT_MS }, () => {
  it('migrate reports an up-to-date database', async () => {
    const r = await admin('migrate');
    expect(r.code, r.stderr).toBe(0);
    expect(r.lastLine).toMatch(/database is up to date \(\d+ applied\)/);
  });

  it('create-org creates the organisation and its owner, once', async () => {
    const r = await admin('create-org', '--slug', 'x-corp', '--name', 'X Corp', '--owner', 'Ops@Example.com');
    expect(r.code, r.stderr).toBe(0);
    expect(r.lastLine).toMatch(/^created organisation x-corp \([0-9a-f-]{36}\)$/);
    const rows = await ctx.sql(
      `SELECT o.name, u.email, m.role FROM organizations o JOIN memberships m ON m.org_id = o.id JOIN users u ON u.id = m.user_id
        WHERE o.slug = 'x-corp'`,
    );
    expect(rows).toEqual([{ name: 'X Corp', email: 'ops@example.com', role: 'owner' }]);
    const events = await ctx.sql(
      `SELECT e.action, e.actor_type, e.actor_label FROM audit_events e JOIN organizations o ON o.id = e.org_id WHERE o.slug = 'x-corp'`,
    );
    expect(events).toEqual([
      { action: 'organization.create', actor_type: 'system', actor_label: 'admin-cli' },
    ]);

    const before = await state();
    const again = await admin(
      'create-org',
      '--slug',
      'x-corp',
      '--name',
      'Other',
      '--owner',
      'someone@example.com',
    );
    expect(again.code, again.stderr).toBe(0);
    expect(again.lastLine).toMatch(/^organisation x-corp already exists/);
    // Nothing at all is written for an existing slug (not even the other owner's user row).
    expect(await state()).toEqual(before);
  });

  it('create-token prints the token as the last line, stored hashed, and it works against the API', async () => {
    const r = await admin(
      'create-token',
      '--org',
      'x-corp',
      '--role',
      'viewer',
      '--name',
      'deploy',
      '--expires-in',
      '30d',
    );
    expect(r.code, r.stderr).toBe(0);
    const secret = r.lastLine;
    expect(secret).toMatch(/^pal_[A-Za-z0-9_-]{43}$/);
    expect(r.stdout.split(secret).length).toBe(2);

    const [row] = await ctx.sql<{ name: string; role: string; token_hash: Buffer; expires_at: Date }>(
      `SELECT t.name, t.role, t.token_hash, t.expires_at FROM api_tokens t JOIN organizations o ON o.id = t.org_id
        WHERE o.slug = 'x-corp'`,
    );
    expect(row).toMatchObject({ name: 'deploy', role: 'viewer' });
    expect(row!.token_hash.equals(createHash('sha256').update(secret).digest())).toBe(true);
    expect(Math.round((row!.expires_at.getTime() - Date.now()) / 86_400_000)).toBe(30);

    const caller = { label: 'cli-token', headers: { authorization: `Bearer ${secret}` } };
    const me = await ctx.gql<{
      viewer: { kind: string; token: { name: string; role: string } };
      organization: { slug: string; viewerRole: string };
    }>(caller, '{ viewer { kind token { name role } } organization(slug: "x-corp") { slug viewerRole } }');
    expect(expectData(me)).toEqual({
      viewer: { kind: 'TOKEN', token: { name: 'deploy', role: 'VIEWER' } },
      organization: { slug: 'x-corp', viewerRole: 'VIEWER' },
    });
  });

  it.each([
    [['frobnicate'], /unknown command "frobnicate"/],
    [[], /usage: npm run admin/],
    [['create-org', '--name', 'Y', '--owner', 'y@example.com'], /--slug is required/],
    [
      ['create-org', '--slug', 'Bad Slug', '--name', 'Y', '--owner', 'y@example.com'],
      /--slug "Bad Slug" must be/,
    ],
    [
      ['create-org', '--slug', 'y-corp', '--name', 'Y', '--owner', 'not-an-email'],
      /--owner "not-an-email" is not an email/,
    ],
    [['create-org', '--slug', 'y-corp', '--bogus', 'x'], /Unknown option '--bogus'/],
    [
      ['create-token', '--org', 'x-corp', '--role', 'superuser'],
      /--role "superuser" must be one of owner, admin, editor, viewer, auditor/,
    ],
    [['create-token', '--org', 'x-corp'], /--role is required/],
    [['create-token', '--org', 'nowhere', '--role', 'viewer'], /no organisation with slug "nowhere"/],
    [
      ['create-token', '--org', 'x-corp', '--role', 'viewer', '--expires-in', 'forever'],
      /--expires-in "forever" must be a duration/,
    ],
  ] as const)('%j exits 2, names the problem and changes nothing', async (args, message) => {
    const before = await state();
    const r = await admin(...args);
    expect(r.code, r.stdout + r.stderr).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /); // a message, not a stack trace
    expect(r.stdout).not.toMatch(/pal_/);
    expect(await state()).toEqual(before);
  });

  it.each([[['--help']], [['-h']], [['create-token', '--help']]] as const)(
    '%j prints the usage on stdout and exits 0',
    async (args) => {
      const r = await admin(...args);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/^usage: npm run admin -- <command> \[options\]\n/);
      expect(r.stdout).toContain('create-token --org S --role R');
      expect(r.stderr).toBe('');
    },
  );

  it('--version prints the version of services/api', async () => {
    const r = await admin('--version');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(`${API_VERSION}\n`);
  });

  it.each([
    [[], 'a command is required'],
    [['frobnicate'], 'unknown command "frobnicate"'],
    [['--verbose'], 'unknown option "--verbose"'],
    [['migrate', '--force'], "Unknown option '--force'"],
    [['create-org', '--slug', 'y-corp'], '--name is required'],
  ] as const)('bad usage %j: the problem and the usage on stderr, exit 2', async (args, problem) => {
    const r = await admin(...args);
    expect(r.code, r.stdout + r.stderr).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(problem);
    expect(r.stderr).toContain('usage: npm run admin -- <command> [options]');
  });

  it('seed-demo creates acme with the demo users, and a second run changes nothing', async () => {
    const first = await admin('seed-demo');
    expect(first.code, first.stderr).toBe(0);
    expect(first.lastLine).toMatch(/^seeded demo organisation acme \(owner alice@example\.com/);
    const members = await ctx.sql(
      `SELECT u.email, m.role FROM memberships m JOIN users u ON u.id = m.user_id JOIN organizations o ON o.id = m.org_id
        WHERE o.slug = 'acme' ORDER BY u.email`,
    );
    expect(members).toEqual([
      { email: 'alice@example.com', role: 'owner' },
      { email: 'bob@example.com', role: 'admin' },
      { email: 'carol@example.com', role: 'editor' },
      { email: 'dave@example.com', role: 'viewer' },
      { email: 'erin@example.com', role: 'auditor' },
    ]);
    // One report definition of each type, from GlobalReport YAML.
    const reports = await ctx.sql(
      `SELECT d.name, d.report_type, d.schedule FROM report_definitions d JOIN organizations o ON o.id = d.org_id
        WHERE o.slug = 'acme' ORDER BY d.name`,
    );
    expect(reports).toEqual([
      { name: 'daily-inventory', report_type: 'inventory', schedule: '0 2 * * *' },
      { name: 'daily-policy-audit', report_type: 'policy-audit', schedule: '30 2 * * *' },
      { name: 'hourly-network-access', report_type: 'network-access', schedule: '0 * * * *' },
    ]);
    const before = await state();
    const second = await admin('seed-demo');
    expect(second.code, second.stderr).toBe(0);
    expect(second.lastLine).toMatch(/^kept demo organisation acme/);
    expect(await state()).toEqual(before);
  });

  it('rotate-evidence-key retires the active signing key and keeps it published', async () => {
    const first = await admin('rotate-evidence-key');
    expect(first.code, first.stderr).toBe(0);
    const second = await admin('rotate-evidence-key');
    expect(second.code, second.stderr).toBe(0);
    const ids = [first, second].map((r) => /signed with (pal-ev-\d{8}-[0-9a-f]{8})$/.exec(r.lastLine)?.[1]);
    const keys = await ctx.sql<{ id: string; not_after: Date | null }>(
      'SELECT id, not_after FROM evidence_signing_keys WHERE id = ANY($1::text[]) ORDER BY not_before',
      [ids],
    );
    expect(keys.map((k) => [k.id, k.not_after === null])).toEqual([
      [ids[0], false],
      [ids[1], true],
    ]);
  });
});
