// `npm start`'s demo fleet (scripts/demo-clusters.ts) against the real stack: two clusters from the
// same example file keep separate state folders named after the registered clusters, and an agent
// whose stored credential the gateway refuses (the cluster was enrolled again from another
// checkout) exits CREDENTIAL_REFUSED and is enrolled again, saying so, while its sibling runs on.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulatedAgent } from '@palisade/agent/simulated';
import { waitFor } from '@palisade/testing';
import { DemoFleet, type DemoCluster } from '../scripts/demo-clusters.js';
import type { Supervised } from '../scripts/supervisor.js';
import { FaultStack, NODE_ARGS, REPO, runAdmin } from './support/stack.js';

const CLUSTERS: DemoCluster[] = [
  { name: 'alpha', file: 'agent/examples/shop.yaml', labels: { env: 'prod' } },
  { name: 'beta', file: 'agent/examples/shop.yaml', labels: { env: 'prod' } },
];

let stack: FaultStack;
let root: string;
const said: string[] = [];

beforeAll(async () => {
  stack = await FaultStack.start();
  root = mkdtempSync(join(tmpdir(), 'palisade-demo-fleet-'));
});

afterAll(async () => {
  await stack?.close();
  rmSync(root, { recursive: true, force: true });
});

async function status(name: string): Promise<string | undefined> {
  const d = await stack.data<{ organization: { cluster: { status: string } | null } }>(
    'query($s: String!, $n: String!) { organization(slug: $s) { cluster(name: $n) { status } } }',
    { s: stack.orgSlug, n: name },
  );
  return d.organization.cluster?.status;
}

function storedClusterId(name: string): string {
  return (JSON.parse(readFileSync(join(root, name, 'credential.json'), 'utf8')) as { clusterId: string })
    .clusterId;
}

describe('the demo fleet of npm start', () => {
  it('separates same-file clusters and re-enrolls one whose credential is refused', async () => {
    const fleet = new DemoFleet({
      apiOrigin: stack.origin,
      gatewayUrl: stack.gatewayUrl,
      orgSlug: stack.orgSlug,
      stateRoot: root,
      command: process.execPath,
      commandArgs: [...NODE_ARGS, 'agent/src/main.ts'],
      cwd: REPO,
      env: { PATH: process.env['PATH'] ?? '', LOG_LEVEL: 'warn' },
      say: (line) => said.push(line),
      mintToken: () =>
        Promise.resolve(
          runAdmin(stack.env, [
            'create-token',
            '--org',
            stack.orgSlug,
            '--role',
            'admin',
            '--expires-in',
            '1h',
          ]).at(-1) ?? '',
        ),
    });
    await fleet.prepare(CLUSTERS);
    const agents = new Map<string, Supervised>(
      CLUSTERS.map((c) => [c.name, stack.supervisor.run(fleet.agent(c))]),
    );
    for (const c of CLUSTERS)
      await waitFor(async () => (await status(c.name)) === 'CONNECTED', `${c.name} connected`, 60_000, 250);
    const [alphaId, betaId] = [storedClusterId('alpha'), storedClusterId('beta')];
    expect(alphaId).not.toBe(betaId);

    // Another checkout registers alpha again and enrolls its own agent: ours is now refused.
    const again = await stack.data<{ registerCluster: { enrollmentToken: string } }>(
      'mutation($i: RegisterClusterInput!) { registerCluster(input: $i) { enrollmentToken } }',
      { i: { orgSlug: stack.orgSlug, name: 'alpha' } },
    );
    const elsewhere = mkdtempSync(join(tmpdir(), 'palisade-other-checkout-'));
    const other = await startSimulatedAgent({
      file: join(REPO, 'agent/examples/shop.yaml'),
      gatewayUrl: stack.gatewayUrl,
      enrollmentToken: again.registerCluster.enrollmentToken,
      stateDir: elsewhere,
      watch: false,
    });
    try {
      await waitFor(() => other.status() === 'connected', 'the other checkout enrolled', 30_000);
    } finally {
      await other.close();
      rmSync(elsewhere, { recursive: true, force: true });
    }

    const alpha = agents.get('alpha');
    await waitFor(
      () => said.some((l) => l.includes('registered again')) && (alpha?.starts() ?? 0) >= 2,
      'alpha enrolled again and restarted',
      60_000,
      100,
    );
    expect(said).toContain(
      'alpha: the gateway refused its stored credential (not valid or was revoked); enrolling it again',
    );
    await waitFor(async () => (await status('alpha')) === 'CONNECTED', 'alpha connected again', 60_000, 250);
    expect(storedClusterId('alpha')).toBe(alphaId);
    expect(stack.output.some((l) => l.includes('agent:alpha exited with code 3'))).toBe(true);
    expect(agents.get('beta')?.starts()).toBe(1);
    expect(await status('beta')).toBe('CONNECTED');
  });
});
