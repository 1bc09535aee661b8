// docs/api.md cannot rot: its examples are taken out of the guide as they are written (the block
// after each `<!-- example: NAME -->` marker) and run, unchanged, against the real API with a real
// cluster gateway and a real simulated agent: the token check, the createApiToken document, the
// VALIDATION_FAILED error shown, the CI apply script (dry run, an invalid document,
// the real apply and its rollout), the evidence export (paging through more than one page of the
// audit log) and the cluster status watcher (a WebSocket subscription).
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunningGateway } from '@palisade/cluster-gateway';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestContext, type Caller } from '../context.js';
import { eventually, startTestAgent, startTestGateway, type TestAgent } from '../support/fleet.js';

const GUIDE = readFileSync(new URL('../../../../docs/api.md', import.meta.url), 'utf8');

const used = new Set<string>();

/** The fenced block that follows `<!-- example: name -->` in the guide, exactly as written. */
function example(name: string): string {
  used.add(name);
  const marker = `<!-- example: ${name} -->`;
  const at = GUIDE.indexOf(marker);
  if (at < 0) throw new Error(`docs/api.md has no ${marker}`);
  const m = /```[a-z]*\n([\s\S]*?)\n\s*```/.exec(GUIDE.slice(at + marker.length));
  if (!m?.[1]) throw new Error(`no fenced block after ${marker}`);
  return `${m[1]}\n`;
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command without blocking this process (the API under test runs in it). */
function run(command: string, args: string[], cwd: string, env: Record<string, string>): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

let ctx: TestContext;
let slug: string;
let owner: Caller & { secret: string };
let gateway: RunningGateway;
const agents: TestAgent[] = [];
const dirs: string[] = [];

function workdir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'palisade-api-guide-'));
  dirs.push(dir);
  return dir;
}

function envFor(token: string): Record<string, string> {
  return { PALISADE_URL: ctx.origin, PALISADE_ORG: slug, PALISADE_TOKEN: token };
}

async function gql<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const r = await ctx.gql<T>(owner, query, variables);
  if (r.errors) throw new Error(JSON.stringify(r.errors));
  return r.data!;
}

/** Registers a cluster through GraphQL and connects a simulated agent to the gateway. */
async function connectCluster(name: string, labels: { key: string; value: string }[]): Promise<void> {
  const { registerCluster } = await gql<{ registerCluster: { enrollmentToken: string } }>(
    'mutation($i: RegisterClusterInput!) { registerCluster(input: $i) { enrollmentToken } }',
    { i: { orgSlug: slug, name, labels } },
  );
  agents.push(await startTestAgent({ port: gateway.port, token: registerCluster.enrollmentToken }));
  await eventually(`${name} to connect`, async () => {
    const d = await gql<{ organization: { cluster: { status: string } } }>(
      'query($s: String!, $n: String!) { organization(slug: $s) { cluster(name: $n) { status } } }',
      { s: slug, n: name },
    );
    return d.organization.cluster.status === 'CONNECTED' ? true : undefined;
  });
}

beforeAll(async () => {
  ctx = await TestContext.start();
  ({ slug } = await ctx.newOrg());
  owner = await ctx.tokenCaller(slug, 'owner');
  gateway = await startTestGateway(ctx);
  await connectCluster('prod-eu', [{ key: 'env', value: 'prod' }]);
});

afterAll(async () => {
  for (const a of agents) await a.close().catch(() => undefined);
  await gateway?.close().catch(() => undefined);
  await ctx?.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('the API guide (docs/api.md)', () => {
  it('whoami: checks a token with viewer', async () => {
    const viewer = await ctx.tokenCaller(slug, 'viewer');
    const r = await run('bash', ['-c', example('whoami.sh')], workdir(), envFor(viewer.secret));
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual({
      data: { viewer: { kind: 'TOKEN', token: { name: 'test-viewer', role: 'VIEWER' } } },
    });
  });

  it('creates a token with the createApiToken document', async () => {
    const r = await ctx.gql<{
      createApiToken: { secret: string; token: { id: string; prefix: string; expiresAt: string } };
    }>(owner, example('create-token.graphql'), { org: slug });
    expect(r.errors).toBeUndefined();
    const { secret, token } = r.data!.createApiToken;
    expect(secret).toMatch(/^pal_[A-Za-z0-9_-]{43}$/);
    expect(token.prefix).toBe(secret.slice(0, 10));
    const days = (Date.parse(token.expiresAt) - Date.now()) / 86_400_000;
    expect(Math.round(days)).toBe(30);
    const viewer = await ctx.gql<{ viewer: { token: { role: string } } }>(
      { label: 'new token', headers: { authorization: `Bearer ${secret}` } },
      '{ viewer { token { role } } }',
    );
    expect(viewer.data?.viewer.token.role).toBe('EDITOR');
  });

  it('shows a VALIDATION_FAILED error as the API sends it', async () => {
    const r = await ctx.gql(
      owner,
      'mutation($i: RegisterClusterInput!) { registerCluster(input: $i) { cluster { id } } }',
      { i: { orgSlug: slug, name: 'Prod EU' } },
    );
    expect(r.errors).toHaveLength(1);
    const { locations: _locations, ...error } = r.errors![0] as Record<string, unknown>;
    expect(error).toEqual(JSON.parse(example('validation-error.json')));
  });

  it('example 1: the CI script plans on a dry run, refuses an invalid document, then applies and waits for the rollout', async () => {
    const editor = await ctx.tokenCaller(slug, 'editor');
    const dir = workdir();
    const policy = example('policies.yaml');
    writeFileSync(join(dir, 'policies.yaml'), policy);
    writeFileSync(join(dir, 'ci-apply.sh'), example('ci-apply.sh'));
    // The platform Tier and the policies in it.
    const stored = async () => {
      const { organization: o } = await gql<{
        organization: { tier: { totalCount: number }; policies: { totalCount: number } };
      }>(
        `query($s: String!) { organization(slug: $s) {
          tier: policyResources(filter: { kind: Tier, name: "platform" }) { totalCount }
          policies: policyResources(filter: { tier: "platform" }) { totalCount } } }`,
        { s: slug },
      );
      return o.tier.totalCount + o.policies.totalCount;
    };

    const plan = await run('bash', ['ci-apply.sh'], dir, {
      ...envFor(editor.secret),
      PALISADE_DRY_RUN: 'true',
    });
    expect(plan.stderr).toBe('');
    expect(plan.code).toBe(0);
    expect(plan.stdout.trim().split('\n')).toEqual([
      'CREATED\tTier/-/platform\t(line 1)',
      'CREATED\tNetworkPolicy/backend/api-from-storefront\t(line 8)',
    ]);
    expect(await stored()).toBe(0);

    // A third document whose 7th line is wrong.
    const broken =
      'apiVersion: projectcalico.org/v3\nkind: GlobalNetworkPolicy\nmetadata:\n  name: broken\nspec:\n  ingress:\n    - action: Allowed\n';
    const brokenStart = policy.split('\n').length + 1;
    writeFileSync(join(dir, 'policies.yaml'), `${policy}---\n${broken}`);
    const refused = await run('bash', ['ci-apply.sh'], dir, envFor(editor.secret));
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain(`ERROR\t?/-/?\t(line ${brokenStart})`);
    expect(refused.stderr).toMatch(
      new RegExp(
        `^policies\\.yaml: spec\\.ingress\\[0\\]\\.action: .*\\(line ${brokenStart + 6}, column \\d+\\)$`,
        'm',
      ),
    );
    expect(await stored()).toBe(0);

    writeFileSync(join(dir, 'policies.yaml'), policy);
    const applied = await run('bash', ['ci-apply.sh'], dir, envFor(editor.secret));
    expect(applied.stderr).toBe('');
    expect(applied.code).toBe(0);
    expect(applied.stdout).toContain('CREATED\tNetworkPolicy/backend/api-from-storefront\t(line 8)');
    expect(applied.stdout.trim().split('\n').at(-1)).toBe('every connected cluster runs it');
    expect(await stored()).toBe(2);
    const { organization } = await gql<{
      organization: { policyResource: { clusterStatus: { cluster: { name: string }; status: string }[] } };
    }>(
      `query($s: String!) { organization(slug: $s) {
        policyResource(kind: NetworkPolicy, namespace: "backend", name: "api-from-storefront") {
          clusterStatus { cluster { name } status } } } }`,
      { s: slug },
    );
    expect(organization.policyResource.clusterStatus).toEqual([
      { cluster: { name: 'prod-eu' }, status: 'IN_SYNC' },
    ]);
  }, 120_000);

  it('example 2: the evidence script pages through the audit log, verifies the chain and exports the policy', async () => {
    const from = new Date(Date.now() - 3_600_000).toISOString();
    // 120 changes in one apply: 120 audit events, more than one page of 100.
    const sets = Array.from(
      { length: 120 },
      (_, i) =>
        `apiVersion: projectcalico.org/v3\nkind: GlobalNetworkSet\nmetadata:\n  name: evidence-${i}\n  labels: { role: evidence }\nspec:\n  nets: [10.${i}.0.0/16]\n`,
    ).join('---\n');
    await gql('mutation($i: ApplyResourcesInput!) { applyResources(input: $i) { applied } }', {
      i: { orgSlug: slug, yaml: sets },
    });
    const auditor = await ctx.tokenCaller(slug, 'auditor'); // itself an audit event
    const to = new Date(Date.now() + 3_600_000).toISOString();
    const { organization } = await gql<{ organization: { auditEvents: { totalCount: number } } }>(
      'query($s: String!, $f: AuditEventFilter) { organization(slug: $s) { auditEvents(filter: $f) { totalCount } } }',
      { s: slug, f: { from, to } },
    );
    expect(organization.auditEvents.totalCount).toBeGreaterThan(120);

    const dir = workdir();
    writeFileSync(join(dir, 'export-evidence.sh'), example('export-evidence.sh'));
    const r = await run('bash', ['export-evidence.sh'], dir, {
      ...envFor(auditor.secret),
      FROM: from,
      TO: to,
    });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);

    const events = readFileSync(join(dir, 'evidence/audit-events.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { seq: string; hash: string; prevHash: string; action: string });
    expect(events).toHaveLength(organization.auditEvents.totalCount);
    const seqs = events.map((e) => Number(e.seq));
    expect(seqs).toEqual([...seqs].sort((a, b) => b - a));
    expect(new Set(seqs).size).toBe(seqs.length);
    // Newest first: each event's prevHash is the next line's hash.
    for (let i = 0; i + 1 < events.length; i++) expect(events[i]!.prevHash).toBe(events[i + 1]!.hash);
    expect(events.filter((e) => e.action === 'policy.create').length).toBeGreaterThanOrEqual(120);

    const chain = JSON.parse(readFileSync(join(dir, 'evidence/audit-chain.json'), 'utf8')) as {
      valid: boolean;
      headHash: string;
    };
    expect(chain).toMatchObject({ valid: true, headHash: events[0]!.hash });
    const { exportResources } = await gql<{ exportResources: string }>(
      'query($s: String!) { exportResources(orgSlug: $s) }',
      { s: slug },
    );
    expect(readFileSync(join(dir, 'evidence/policy.yaml'), 'utf8')).toBe(`${exportResources}\n`);
    expect(exportResources).toContain('name: evidence-119');
    expect(r.stdout).toBe(`${events.length} audit events; chain valid: true, head ${chain.headHash}\n`);
    const sums = await run('sha256sum', ['--check', 'SHA256SUMS'], join(dir, 'evidence'), {});
    expect(sums.code).toBe(0);
  }, 120_000);

  it('example 3: the watcher prints status changes from the subscription, and exits on a refused token', async () => {
    const viewer = await ctx.tokenCaller(slug, 'viewer');
    const dir = workdir();
    writeFileSync(join(dir, 'watch-clusters.mjs'), example('watch-clusters.mjs'));

    const child = spawn(process.execPath, ['watch-clusters.mjs'], {
      cwd: dir,
      env: { ...process.env, ...envFor(viewer.secret) },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    try {
      await eventually('the watcher to subscribe', () =>
        stdout.includes(`watching the clusters of ${slug}\n`) ? true : undefined,
      );
      await connectCluster('prod-us', [{ key: 'env', value: 'prod' }]);
      const line = await eventually('the CONNECTED line', () =>
        stdout.split('\n').find((l) => / prod-us CONNECTED \(last seen \d{4}-/.test(l)),
      );
      expect(line).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z prod-us CONNECTED/);
      expect(stderr).toBe('');
    } finally {
      child.kill();
    }

    const refused = await run(process.execPath, ['watch-clusters.mjs'], dir, envFor('pal_not-a-token'));
    expect(refused.code).toBe(1);
    // A bad token is refused at connection_init: the socket closes with 4401 and the reason.
    expect(refused.stderr).toContain('connection closed (4401 unknown API token)');
  }, 120_000);

  it('ran every example the guide marks', () => {
    const marked = [...GUIDE.matchAll(/<!-- example: (\S+) -->/g)].map((m) => m[1]);
    expect(marked.filter((name) => !used.has(name!))).toEqual([]);
    expect(marked.length).toBeGreaterThanOrEqual(7);
  });
});
