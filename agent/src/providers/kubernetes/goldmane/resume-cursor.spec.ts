import { describe, expect, it } from 'vitest';
import type { GoldmaneFlowKey } from './goldmane-api.js';
import { ResumeCursor } from './resume-cursor.js';

function key(name: string): GoldmaneFlowKey {
  return {
    source_name: 'a-*',
    source_namespace: 'shop',
    source_type: 'WorkloadEndpoint',
    dest_name: name,
    dest_namespace: 'shop',
    dest_type: 'WorkloadEndpoint',
    dest_port: '80',
    dest_service_name: '',
    dest_service_namespace: '',
    dest_service_port_name: '',
    dest_service_port: '0',
    proto: 'tcp',
    reporter: 'Src',
    action: 'Allow',
    policies: { enforced_policies: [], pending_policies: [] },
  };
}

const NOW = 1_800_000_000;
const options = { maxKeys: 2, maxBackfillSeconds: 3_540 };

describe('resume cursor', () => {
  it('asks from now first, then, until a flow comes, from two buckets before the first stream', () => {
    const cursor = new ResumeCursor(options);
    expect(cursor.startTimeGte(NOW)).toBe(0);
    expect(cursor.startTimeGte(NOW + 100)).toBe(NOW - 30);
  });

  it('resumes at the newest bucket seen and drops only the keys of it already delivered', () => {
    const cursor = new ResumeCursor(options);
    cursor.startTimeGte(NOW);
    expect(cursor.admit(NOW - 7, key('x'))).toBe('new');
    expect(cursor.admit(NOW + 8, key('x'))).toBe('new');
    expect(cursor.startTimeGte(NOW + 40)).toBe(NOW + 8);
    // The resumed stream resends the newest bucket whole, then goes on.
    expect(cursor.admit(NOW + 8, key('x'))).toBe('duplicate');
    expect(cursor.admit(NOW + 8, key('y'))).toBe('new');
    expect(cursor.admit(NOW - 7, key('z'))).toBe('stale');
    expect(cursor.admit(NOW + 23, key('x'))).toBe('new');
    expect(cursor.startTimeGte(NOW + 60)).toBe(NOW + 23);
  });

  it('remembers at most maxKeys of a bucket, and then resumes after that bucket', () => {
    const cursor = new ResumeCursor(options);
    for (const name of ['a', 'b', 'c']) expect(cursor.admit(NOW, key(name))).toBe('new');
    expect(cursor.overflowed()).toBe(true);
    expect(cursor.startTimeGte(NOW + 40)).toBe(NOW + 15);
    expect(cursor.admit(NOW + 15, key('a'))).toBe('new');
    expect(cursor.overflowed()).toBe(false);
  });

  it('asks for all Goldmane keeps when the resume point is older than that', () => {
    const cursor = new ResumeCursor(options);
    cursor.admit(NOW, key('a'));
    expect(cursor.startTimeGte(NOW + 3_540)).toBe(NOW);
    expect(cursor.startTimeGte(NOW + 3_541)).toBe(-3_540);
  });
});
