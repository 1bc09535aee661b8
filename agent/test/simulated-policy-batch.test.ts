// Applying a large desired set to the simulated provider's store: every object is written, stale
// managed objects are pruned, and the policies file is saved once for the whole apply (version
// moves by one), not once per object — which made 3,000 policies take minutes.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PolicyResource } from '@palisade/policy';
import { ManagedPolicies } from '../src/policy/managed-policies.js';
import { POLICIES_FILE, SimulatedPolicyStore } from '../src/providers/simulated/policy-store.js';

const MANAGED = { 'app.kubernetes.io/managed-by': 'palisade' };

function policy(i: number): PolicyResource {
  return {
    apiVersion: 'projectcalico.org/v3',
    kind: 'NetworkPolicy',
    metadata: { name: `default.p-${String(i)}`, namespace: 'backend', labels: MANAGED },
    spec: { tier: 'default', order: i, selector: `app == 'svc-${String(i)}'`, types: ['Ingress'] },
  } as unknown as PolicyResource;
}

describe('simulated policy store: a large apply', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'palisade-sim-batch-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes 2,000 objects and prunes 500 with one save of the policies file', async () => {
    const store = await SimulatedPolicyStore.open(dir);
    const managed = new ManagedPolicies(store, (state) => store.saveApplied(state), null);
    const first = Array.from({ length: 2_000 }, (_, i) => policy(i));
    const v0 = store.version;
    const applied = await managed.apply(1, first, []);
    expect(applied.results.filter((r) => r.status !== 'ok')).toEqual([]);
    expect(store.version).toBe(v0 + 1);
    const onDisk = JSON.parse(await readFile(join(dir, POLICIES_FILE), 'utf8')) as unknown[];
    expect(onDisk).toHaveLength(2_000);

    // The next generation drops the first 500: pruned, again in one save.
    const v1 = store.version;
    await managed.apply(2, first.slice(500), []);
    expect(store.version).toBe(v1 + 1);
    const after = JSON.parse(await readFile(join(dir, POLICIES_FILE), 'utf8')) as {
      metadata: { name: string };
    }[];
    expect(after).toHaveLength(1_500);
    expect(after.some((p) => p.metadata.name === 'default.p-0')).toBe(false);
    expect((await store.objects()).size).toBe(1_500);
  });

  it('outside a batch, a single write is saved at once', async () => {
    const store = await SimulatedPolicyStore.open(dir);
    await store.write(policy(7));
    const onDisk = JSON.parse(await readFile(join(dir, POLICIES_FILE), 'utf8')) as unknown[];
    expect(onDisk).toHaveLength(1);
  });
});
