import { describe, expect, it } from 'vitest';
import { applyReport } from './apply-report.js';

const np = (name: string) => ({
  apiVersion: 'projectcalico.org/v3',
  kind: 'NetworkPolicy',
  namespace: 'a',
  name,
});

describe('applyReport', () => {
  it('keys rows by the managed kind key, with an empty namespace for cluster-scoped kinds', () => {
    const report = applyReport({
      type: 'apply.result',
      generation: 1,
      results: [
        { resource: { ...np('x'), apiVersion: 'networking.k8s.io/v1' }, status: 'ok' },
        {
          resource: { apiVersion: 'projectcalico.org/v3', kind: 'Tier', namespace: null, name: 't' },
          status: 'ok',
        },
      ],
      drift: [],
    });
    expect(report.resources.map((r) => [r.kind, r.namespace, r.name])).toEqual([
      ['KubernetesNetworkPolicy', 'a', 'x'],
      ['Tier', '', 't'],
    ]);
  });

  it('is IN_SYNC when everything applied, FAILED over DRIFTED, one sorted row per resource', () => {
    expect(
      applyReport({
        type: 'apply.result',
        generation: 2,
        results: [{ resource: np('b'), status: 'ok' }],
        drift: [],
      }),
    ).toEqual({
      generation: 2,
      status: 'IN_SYNC',
      error: null,
      resources: [
        { kind: 'NetworkPolicy', namespace: 'a', name: 'b', status: 'IN_SYNC', message: null, diff: null },
      ],
    });
    const report = applyReport({
      type: 'apply.result',
      generation: 3,
      results: [
        { resource: np('c'), status: 'failed', message: 'refused' },
        { resource: np('b'), status: 'ok' },
        { resource: np('d'), status: 'failed', message: 'also' },
      ],
      drift: [
        { resource: np('b'), drift: 'modified', message: 'spec.order: desired 100, found 5' },
        { resource: np('c'), drift: 'missing', message: null },
      ],
    });
    expect(report.status).toBe('FAILED');
    expect(report.error).toBe('NetworkPolicy a/c: refused (and 1 more failed)');
    expect(report.resources.map((r) => [r.name, r.status])).toEqual([
      ['b', 'DRIFTED'],
      ['c', 'FAILED'],
      ['d', 'FAILED'],
    ]);
    expect(report.resources[0]?.diff).toEqual({
      drift: 'modified',
      message: 'spec.order: desired 100, found 5',
    });
  });

  it('is DRIFTED when nothing failed but something drifted, including objects nobody desired', () => {
    const report = applyReport({
      type: 'apply.result',
      generation: 1,
      results: [],
      drift: [
        {
          resource: { ...np('x'), namespace: null, kind: 'GlobalNetworkPolicy' },
          drift: 'unexpected',
          message: 'm',
        },
      ],
    });
    expect(report.status).toBe('DRIFTED');
    expect(report.resources).toEqual([
      {
        kind: 'GlobalNetworkPolicy',
        namespace: '',
        name: 'x',
        status: 'DRIFTED',
        message: 'm',
        diff: { drift: 'unexpected', message: 'm' },
      },
    ]);
  });
});
