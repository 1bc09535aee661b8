import { describe, expect, it } from 'vitest';
import { checkBatch, rejectionReason } from './flow-batch-check.js';

const NOW = 1_767_225_700;
const START = 1_767_225_600;

const good = {
  start_time: START,
  end_time: START + 15,
  source_type: 'wep',
  source_namespace: 'shop',
  source_name: 'frontend-*',
  source_labels: ['tier=web', 'app=frontend'],
  dest_type: 'net',
  dest_namespace: '-',
  dest_name: 'pub',
  dest_labels: [],
  dest_port: 443,
  dest_service_namespace: '-',
  dest_service_name: '-',
  dest_service_port_name: '-',
  dest_service_port: 0,
  proto: 'tcp',
  reporter: 'src',
  action: 'allow',
  policies: { enforced: ['0|default|np:shop/egress|allow|0'], pending: [] },
  packets_in: 1,
  packets_out: 1,
  bytes_in: 1,
  bytes_out: 1,
  num_flows: 1,
  num_flows_started: 1,
  num_flows_completed: 0,
};

describe('rejectionReason', () => {
  it('names the record field at fault, from a closed set', () => {
    expect(rejectionReason('dest_port')).toBe('dest_port');
    expect(rejectionReason('policies.pending[3]')).toBe('policies.pending');
    expect(rejectionReason('source_labels[0]')).toBe('source_labels');
    expect(rejectionReason('cluster_id')).toBe('unknown_field');
    expect(rejectionReason('__proto__')).toBe('unknown_field');
    expect(rejectionReason('')).toBe('record');
  });
});

describe('checkBatch', () => {
  it('accepts valid records (normalised) and counts each rejected one once, by its first problem', () => {
    const checked = checkBatch(
      [
        good,
        { ...good, dest_port: -1, proto: 'TCP' },
        { ...good, cluster_id: '00000000-0000-0000-0000-000000000000' },
        { ...good, start_time: START - 2 * 86_400, end_time: START - 2 * 86_400 + 15 },
        'not a record',
      ],
      NOW,
    );
    expect(checked.accepted).toHaveLength(1);
    expect(checked.accepted[0]?.source_labels).toEqual(['app=frontend', 'tier=web']);
    expect(Object.fromEntries(checked.rejected)).toEqual({
      proto: 1,
      unknown_field: 1,
      start_time: 1,
      record: 1,
    });
    expect(checked.firstProblem).toMatch(/^proto: /);
  });

  it('reports nothing for a clean batch, and cuts a long problem short', () => {
    expect(checkBatch([good], NOW)).toMatchObject({ rejected: new Map(), firstProblem: null });
    const long = checkBatch([{ ...good, [`x${'y'.repeat(5_000)}`]: 1 }], NOW);
    expect(long.firstProblem?.length).toBeLessThanOrEqual(500);
  });
});
