/// <reference types="node" />
// `palisade-policy preview`, spawned as a CI pipeline runs it: a directory of resources, exported
// flows as JSON Lines and an edit file; exit 1 when the edit newly denies a flow, 0 when it does
// not, 2 with file, line and field on bad input.

import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const BIN = fileURLToPath(new URL('../bin/palisade-policy.mjs', import.meta.url));
// The bin loads the compiled command as installed; in the repository, the development loader runs the sources.
const REGISTER = fileURLToPath(new URL('../../../scripts/register.mjs', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'palisade-policy-preview-'));

function run(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', REGISTER, BIN, 'preview', ...args], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function file(name: string, text: string): string {
  const path = join(work, name);
  writeFileSync(path, text);
  return path;
}

const policies = join(work, 'policies');
mkdirSync(policies);
writeFileSync(
  join(policies, 'tiers.yaml'),
  `apiVersion: projectcalico.org/v3
kind: Tier
metadata: { name: security }
spec: { order: 100 }
`,
);
writeFileSync(
  join(policies, 'shop.yml'),
  `apiVersion: projectcalico.org/v3
kind: NetworkPolicy
metadata: { name: cart, namespace: shop }
spec:
  selector: app == 'cart'
  types: [Ingress]
  ingress:
    - { action: Allow, source: { selector: app == 'frontend' } }
    - { action: Allow, source: { selector: app == 'batch' } }
`,
);
writeFileSync(join(policies, 'README.md'), 'not a resource\n');

function record(sourceApp: string, start: number): string {
  return JSON.stringify({
    start_time: start,
    end_time: start + 15,
    source_type: 'wep',
    source_namespace: 'shop',
    source_name: `${sourceApp}-7d9c8b6f5-*`,
    source_labels: [`app=${sourceApp}`],
    dest_type: 'wep',
    dest_namespace: 'shop',
    dest_name: 'cart-5f6d7c8b9-*',
    dest_labels: ['app=cart'],
    dest_port: 8080,
    dest_service_namespace: '-',
    dest_service_name: '-',
    dest_service_port_name: '-',
    dest_service_port: 0,
    proto: 'tcp',
    reporter: 'dst',
    action: 'allow',
    policies: { enforced: ['0|default|np:shop/cart|allow|0'], pending: [] },
    packets_in: 1,
    packets_out: 1,
    bytes_in: 100,
    bytes_out: 100,
    num_flows: 1,
    num_flows_started: 1,
    num_flows_completed: 1,
  });
}

const flows = file(
  'flows.jsonl',
  [record('frontend', 1767225600), record('frontend', 1767225615), record('batch', 1767225600), ''].join(
    '\n',
  ),
);

const dropBatch = file(
  'drop-batch.yaml',
  `apiVersion: projectcalico.org/v3
kind: NetworkPolicy
metadata: { name: cart, namespace: shop }
spec:
  selector: app == 'cart'
  types: [Ingress]
  ingress:
    - { action: Allow, source: { selector: app == 'frontend' } }
`,
);

describe('palisade-policy preview', () => {
  it('exits 1 and lists the flow an edit newly denies', () => {
    const r = run('--policies', policies, '--flows', flows, '--edit', dropBatch);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(
      /NEWLY_DENIED\s+shop\/batch-7d9c8b6f5-\*\s+shop\/cart-5f6d7c8b9-\*\s+tcp\/8080\s+dst\s+allow -> deny/,
    );
    expect(r.stdout).toContain('2 flow keys: 1 newly denied, 0 newly allowed, 0 uncertain, 1 unchanged');
  });

  it('exits 0 for an edit that denies nothing, and --json carries both traces', () => {
    const harmless = file(
      'harmless.yaml',
      `apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: { name: audit }
spec: { tier: security, selector: app == 'db', types: [Ingress], ingress: [{ action: Deny }] }
`,
    );
    const r = run('--policies', policies, '--flows', flows, '--edit', harmless, '--json');
    expect(r.status).toBe(0);
    const doc = JSON.parse(r.stdout) as {
      flows: { class: string; before: { trace: string[] }; after: { trace: string[] } }[];
      totals: { total: Record<string, number> };
    };
    expect(doc.totals.total).toEqual({ UNCHANGED: 2, NEWLY_DENIED: 0, NEWLY_ALLOWED: 0, UNCERTAIN: 0 });
    expect(doc.flows[0]!.before.trace).toEqual(['0|default|np:shop/cart|allow|0']);
  });

  it('--delete removes a resource: deleting the allow-list newly allows nothing here but changes traces', () => {
    const empty = file('empty.yaml', '');
    const r = run(
      '--policies',
      policies,
      '--flows',
      flows,
      '--edit',
      empty,
      '--delete',
      'NetworkPolicy/shop/cart',
      '--json',
    );
    expect(r.status).toBe(0);
    const doc = JSON.parse(r.stdout) as { flows: { class: string; after: { trace: string[] } }[] };
    expect(doc.flows.map((f) => f.class)).toEqual(['UNCHANGED', 'UNCHANGED']);
    expect(doc.flows[0]!.after.trace).toEqual(['0|__PROFILE__|pro:kns.shop|allow|0']);
  });

  it('exits 2 naming file, line and field for an invalid edit, a bad flow line or an unknown --delete', () => {
    const bad = file(
      'bad.yaml',
      `apiVersion: projectcalico.org/v3
kind: NetworkPolicy
metadata: { name: cart, namespace: shop }
spec:
  selector: app === 'cart'
`,
    );
    const r1 = run('--policies', policies, '--flows', flows, '--edit', bad);
    expect(r1.status).toBe(2);
    expect(r1.stderr).toMatch(new RegExp(`^${bad}:5:\\d+: spec.selector: `));
    const badFlows = file('bad.jsonl', `${record('frontend', 1767225600)}\n{"start_time": 1}\n`);
    const r2 = run('--policies', policies, '--flows', badFlows, '--edit', dropBatch);
    expect(r2.status).toBe(2);
    expect(r2.stderr).toMatch(new RegExp(`^${badFlows}:2: `));
    const r3 = run(
      '--policies',
      policies,
      '--flows',
      flows,
      '--edit',
      dropBatch,
      '--delete',
      'NetworkPolicy/shop/nope',
    );
    expect(r3.status).toBe(2);
    expect(r3.stderr).toContain('--delete NetworkPolicy/shop/nope: no such resource');
    const r4 = run('--flows', flows, '--edit', dropBatch);
    expect(r4.status).toBe(2);
    expect(r4.stderr).toContain('--policies is required');
  });
});
