// The simulated provider's policy store and the desired-state controller, without a gateway:
// validation before applying (an invalid document is reported with its field and keeps the old
// version), idempotent apply, pruning only what Palisade manages, persistence across restarts,
// drift noticed from an outside edit (`npm run agent -- edit`) and reported or reverted by drift
// mode, and the traffic verdicts the applied policies produce.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AgentMessage, ApplyResultMessage, JsonObject } from '@palisade/protocol';
import { DesiredStateController } from '../src/controllers/desired-state.js';
import { silentLogger } from '../src/log.js';
import type { ApplyOutcome } from '../src/policy/managed-policies.js';
import { EditError, runEditCommand } from '../src/providers/simulated/edit-command.js';
import { SimulatedProvider } from '../src/providers/simulated/simulated-provider.js';
import { waitFor } from '@palisade/testing';

const SHOP = new URL('../examples/shop.yaml', import.meta.url).pathname;
const MANAGED = { 'app.kubernetes.io/managed-by': 'palisade' };

function denyApi(mode: 'report' | 'revert' = 'report', order = 100): JsonObject {
  return {
    apiVersion: 'projectcalico.org/v3',
    kind: 'NetworkPolicy',
    metadata: {
      name: 'default.deny-api',
      namespace: 'backend',
      labels: MANAGED,
      annotations: { 'palisade.io/drift-mode': mode },
    },
    spec: {
      tier: 'default',
      order,
      selector: "app == 'api'",
      types: ['Ingress'],
      ingress: [{ action: 'Deny', protocol: 'TCP', destination: { ports: [8000] } }],
    },
  };
}

const quiet = silentLogger();
const io = { stdin: () => Promise.resolve(''), print: () => undefined };

describe('simulated provider: policy', () => {
  let dir: string;
  let providers: SimulatedProvider[];

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'palisade-sim-policy-'));
    providers = [];
  });
  afterEach(async () => {
    await Promise.all(providers.map((p) => p.stop()));
    await rm(dir, { recursive: true, force: true });
  });

  async function started(watchPolicies = false): Promise<SimulatedProvider> {
    const provider = await SimulatedProvider.load({
      file: SHOP,
      watch: false,
      watchPolicies,
      debounceMs: 20,
      pollIntervalMs: 100,
      stateDir: dir,
    });
    await provider.start();
    providers.push(provider);
    return provider;
  }

  function controller(provider: SimulatedProvider): {
    sent: ApplyResultMessage[];
    ctl: DesiredStateController;
  } {
    const sent: ApplyResultMessage[] = [];
    const ctl = new DesiredStateController({ provider, log: quiet });
    ctl.attach((m: AgentMessage) => {
      if (m.type === 'apply.result') sent.push(m);
      return true;
    });
    return { sent, ctl };
  }

  const storefrontToApi = {
    from: 'frontend/storefront',
    to: 'backend/api',
    port: 8000,
    protocol: 'TCP',
  } as const;

  it('an applied deny policy changes the verdict of the simulated dataplane; pruning it restores it', async () => {
    const provider = await started();
    expect(provider.evaluateTraffic(storefrontToApi).action).toBe('allow');
    const { sent, ctl } = controller(provider);
    ctl.receive({ type: 'desired.state', generation: 1, resources: [denyApi()] });
    await waitFor(() => sent.length === 1, 'the apply result');
    expect(sent[0]).toEqual({
      type: 'apply.result',
      generation: 1,
      results: [
        {
          resource: {
            apiVersion: 'projectcalico.org/v3',
            kind: 'NetworkPolicy',
            namespace: 'backend',
            name: 'default.deny-api',
          },
          status: 'ok',
        },
      ],
      drift: [],
    });
    const verdict = provider.evaluateTraffic(storefrontToApi);
    expect(verdict.action).toBe('deny');
    expect(verdict.ingress?.trace.join(' ')).toContain('default.deny-api');
    // Pods no policy selects keep the default (allow).
    expect(provider.evaluateTraffic({ ...storefrontToApi, to: 'db/postgres', port: 5432 }).action).toBe(
      'allow',
    );
    // Also through the request method the gateway can call.
    expect(provider.extraMethods()['traffic.evaluate']!({ ...storefrontToApi })).toMatchObject({
      action: 'deny',
    });

    ctl.receive({ type: 'desired.state', generation: 2, resources: [] });
    await waitFor(() => sent.length === 2, 'the second result');
    expect(provider.policies()).toEqual([]);
    expect(provider.evaluateTraffic(storefrontToApi).action).toBe('allow');
  });

  it('validates before applying: an invalid document fails with its field and keeps its previous version', async () => {
    const provider = await started();
    const { sent, ctl } = controller(provider);
    ctl.receive({ type: 'desired.state', generation: 1, resources: [denyApi()] });
    await waitFor(() => sent.length === 1, 'generation 1');
    const broken = denyApi();
    (broken['spec'] as { ingress: { action: string }[] }).ingress[0]!.action = 'Explode';
    ctl.receive({ type: 'desired.state', generation: 2, resources: [broken] });
    await waitFor(() => sent.length === 2, 'generation 2');
    expect(sent[1]!.results).toEqual([
      {
        resource: expect.objectContaining({ name: 'default.deny-api' }) as unknown,
        status: 'failed',
        message: expect.stringMatching(/^invalid: spec\.ingress\[0\]\.action: /) as unknown,
      },
    ]);
    expect(provider.policies()).toHaveLength(1);
    expect(provider.evaluateTraffic(storefrontToApi).action).toBe('deny');
  });

  it('never touches objects without the managed-by label, and keeps its store across restarts', async () => {
    const provider = await started();
    const unmanaged = { ...denyApi(), metadata: { name: 'default.by-hand', namespace: 'backend' } };
    await writeFile(join(dir, 'by-hand.json'), JSON.stringify(unmanaged));
    await runEditCommand(
      [dir, 'set', 'NetworkPolicy', 'backend/default.by-hand', join(dir, 'by-hand.json')],
      io,
    );
    const { sent, ctl } = controller(provider);
    ctl.receive({ type: 'desired.state', generation: 1, resources: [denyApi()] });
    await waitFor(() => sent.length === 1, 'generation 1');
    ctl.receive({ type: 'desired.state', generation: 2, resources: [] });
    await waitFor(() => sent.length === 2, 'generation 2');
    expect(provider.policies().map((p) => p.metadata.name)).toEqual(['default.by-hand']);
    ctl.receive({ type: 'desired.state', generation: 3, resources: [denyApi()] });
    await waitFor(() => sent.length === 3, 'generation 3');
    await provider.stop();

    const again = await started();
    const { type: _type, ...lastOutcome } = sent[2]!;
    expect(again.appliedState()).toEqual(lastOutcome);
    expect(again.policies().map((p) => p.metadata.name)).toEqual(['default.by-hand', 'default.deny-api']);
    // Reported on the next session right after the welcome.
    const { sent: reported } = controller(again);
    expect(reported).toEqual([sent[2]]);
    const stored = JSON.parse(await readFile(join(dir, 'policies.json'), 'utf8')) as unknown[];
    expect(stored).toHaveLength(2);
  });

  it('reports drift from an outside edit with what differs, and a deletion as missing', async () => {
    const provider = await started(true);
    const drift: ApplyOutcome[] = [];
    provider.onDrift((o) => drift.push(o));
    const { sent, ctl } = controller(provider);
    ctl.receive({ type: 'desired.state', generation: 1, resources: [denyApi('report')] });
    await waitFor(() => sent.length === 1, 'generation 1');
    // As `kubectl edit` would: the object as the cluster has it, one field changed.
    const edited = provider.policies()[0] as unknown as { spec: { order: number } };
    edited.spec.order = 5;
    await writeFile(join(dir, 'edited.json'), JSON.stringify(edited));
    await runEditCommand(
      [dir, 'set', 'NetworkPolicy', 'backend/default.deny-api', join(dir, 'edited.json')],
      io,
    );
    await waitFor(() => sent.length === 2, 'the drift report');
    expect(sent[1]).toMatchObject({
      generation: 1,
      results: [{ status: 'ok' }],
      drift: [{ drift: 'modified', message: 'spec.order: desired 100, found 5' }],
    });
    expect(provider.policies()[0]).toMatchObject({ spec: { order: 5 } }); // report mode: left as edited
    await runEditCommand([dir, 'delete', 'NetworkPolicy', 'backend/default.deny-api'], io);
    await waitFor(() => sent.length === 3, 'the deletion');
    expect(sent[2]!.drift).toEqual([
      expect.objectContaining({ drift: 'missing', message: 'deleted from the cluster' }),
    ]);
    expect(drift).toHaveLength(2);
    await expect(runEditCommand([dir, 'delete', 'NetworkPolicy', 'backend/nothing'], io)).rejects.toThrow(
      EditError,
    );
  });

  it('reverts drift when the drift mode says revert, and reports it in sync again', async () => {
    const provider = await started(true);
    const { sent, ctl } = controller(provider);
    ctl.receive({ type: 'desired.state', generation: 1, resources: [denyApi('revert')] });
    await waitFor(() => sent.length === 1, 'generation 1');
    await runEditCommand([dir, 'delete', 'NetworkPolicy', 'backend/default.deny-api'], io);
    await waitFor(() => sent.length === 3, 'drift, then reverted');
    expect(sent[1]!.drift).toEqual([expect.objectContaining({ drift: 'missing' })]);
    expect(sent[2]).toMatchObject({ generation: 1, results: [{ status: 'ok' }], drift: [] });
    expect(provider.policies().map((p) => p.metadata.name)).toEqual(['default.deny-api']);
    expect(provider.evaluateTraffic(storefrontToApi).action).toBe('deny');
  });
});
