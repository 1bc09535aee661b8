import { describe, expect, it } from 'vitest';
import { validateResource } from './validate.js';
import { unvalidatedFelixFields } from './felix-configuration.js';
import { pushedObject, clusterRefOf } from '../managed/documents.js';
import { canonicalResource } from '../yaml/canonical-resource.js';

function felix(spec: unknown, metadata: Record<string, unknown> = { name: 'default' }) {
  return validateResource({ apiVersion: 'projectcalico.org/v3', kind: 'FelixConfiguration', metadata, spec });
}

function errorsOf(spec: unknown, metadata?: Record<string, unknown>) {
  return felix(spec, metadata).errors.map((e) => [e.path, e.message]);
}

describe('FelixConfiguration validation', () => {
  it('accepts the settings Palisade understands, as Calico spells them', () => {
    const spec = {
      wireguardEnabled: true,
      wireguardEnabledV6: false,
      wireguardListeningPort: 51820,
      wireguardMTU: 1440,
      bpfEnabled: true,
      bpfExternalServiceMode: 'dsr',
      nftablesMode: 'Auto',
      flowLogsFlushInterval: '1m30s',
      flowLogsFileAggregationKindForAllowed: 2,
      flowLogsFileAggregationKindForDenied: 1,
      policySyncPathPrefix: '/var/run/nodeagent',
    };
    const { resource, errors } = felix(spec);
    expect(errors).toEqual([]);
    expect(resource?.spec).toEqual(spec);
  });

  it('accepts default and node.<name>, and a free name that applies as one of them', () => {
    expect(felix({}, { name: 'node.worker-1' }).errors).toEqual([]);
    expect(
      felix({}, { name: 'prod-wireguard', annotations: { 'palisade.io/applies-as': 'default' } }).errors,
    ).toEqual([]);
  });

  it('refuses a name Felix would ignore, naming the field', () => {
    expect(errorsOf({}, { name: 'prod-wireguard' })).toEqual([
      [
        'metadata.name',
        'a FelixConfiguration in a cluster is named "default" or "node.<node name>", not "prod-wireguard"; or name it freely and set palisade.io/applies-as',
      ],
    ]);
    expect(
      errorsOf({}, { name: 'x', annotations: { 'palisade.io/applies-as': 'node.Bad_Node' } })[0]?.[0],
    ).toBe('metadata.annotations["palisade.io/applies-as"]');
  });

  it.each([
    [
      { nftablesMode: 'Turbo' },
      'spec.nftablesMode',
      'must be one of Disabled, Enabled, Auto (case-sensitive), not "Turbo"',
    ],
    [
      { wireguardListeningPort: 70000 },
      'spec.wireguardListeningPort',
      'must be a whole number from 1 to 65535',
    ],
    [{ wireguardListeningPort: 0 }, 'spec.wireguardListeningPort', 'must be a whole number from 1 to 65535'],
    [
      { wireguardMTU: 40 },
      'spec.wireguardMTU',
      'must be 0 (detect) or a whole number from 68 to 65535, not 40',
    ],
    [{ wireguardEnabled: 'yes' }, 'spec.wireguardEnabled', 'must be true or false, not a string'],
    [
      { bpfExternalServiceMode: 'Direct' },
      'spec.bpfExternalServiceMode',
      'must be one of Tunnel, DSR, not "Direct"',
    ],
    [
      { flowLogsFlushInterval: '10 seconds' },
      'spec.flowLogsFlushInterval',
      'must be a duration such as "15s", "1m30s" or "500ms", not "10 seconds"',
    ],
    [
      { flowLogsFileAggregationKindForDenied: 4 },
      'spec.flowLogsFileAggregationKindForDenied',
      'must be a whole number from 0 to 3',
    ],
    [
      { policySyncPathPrefix: 'run/nodeagent' },
      'spec.policySyncPathPrefix',
      'must be an absolute path on the node, not "run/nodeagent"',
    ],
  ])('refuses %j at the field', (spec, path, message) => {
    expect(errorsOf(spec)).toEqual([[path, message]]);
  });

  it('passes other Felix settings through untouched, and says which they are', () => {
    const spec = {
      wireguardEnabled: true,
      logSeverityScreen: 'Info',
      routeTableRanges: [{ min: 1, max: 250 }],
    };
    const { resource, errors } = felix(spec);
    expect(errors).toEqual([]);
    expect(resource?.spec).toEqual(spec);
    expect(unvalidatedFelixFields(resource!.spec)).toEqual(['logSeverityScreen', 'routeTableRanges']);
  });

  it('is pushed under the name it applies as, without the annotation', () => {
    const stored = canonicalResource(
      felix(
        { wireguardEnabled: true },
        {
          name: 'prod-wireguard',
          annotations: {
            'palisade.io/applies-as': 'default',
            'palisade.io/cluster-selector': 'env == "prod"',
          },
        },
      ).resource!,
    );
    const pushed = pushedObject(stored, 'report') as { metadata: { name: string; annotations: object } };
    expect(pushed.metadata.name).toBe('default');
    expect(pushed.metadata.annotations).toEqual({ 'palisade.io/drift-mode': 'report' });
    expect(validateResource(pushed).errors).toEqual([]);
    expect(
      clusterRefOf({ kind: 'FelixConfiguration', namespace: '', name: 'prod-wireguard' }, stored),
    ).toEqual({
      kind: 'FelixConfiguration',
      namespace: '',
      name: 'default',
    });
  });
});
