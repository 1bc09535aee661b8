import { describe, expect, it } from 'vitest';
import { parseClusterSpec } from './parse-cluster-spec.js';
import { ClusterSpecError, type SpecIssue } from './spec-error.js';

function issues(text: string): SpecIssue[] {
  try {
    parseClusterSpec(text, 'test.yaml');
  } catch (error) {
    expect(error).toBeInstanceOf(ClusterSpecError);
    return [...(error as ClusterSpecError).issues];
  }
  throw new Error('expected the description to be refused');
}

const base = `namespaces:
  - name: web
workloads:
  - namespace: web
    name: app
    replicas: 2
`;

describe('parseClusterSpec', () => {
  it('fills in defaults', () => {
    const spec = parseClusterSpec(base);
    expect(spec.cluster).toMatchObject({ kubernetesVersion: 'v1.30.4', podCidr: '10.244.0.0/16', nodes: 3 });
    expect(spec.workloads[0]).toMatchObject({ serviceAccount: 'default', labels: {}, ports: [] });
  });

  it('accepts an empty file as an empty cluster', () => {
    expect(parseClusterSpec('').namespaces).toEqual([]);
  });

  it('reports YAML syntax errors with their line', () => {
    const [issue] = issues('namespaces:\n  - name: web\n    labels: {a: b\n');
    expect(issue).toMatchObject({ path: '' });
    expect(issue!.line).toBeGreaterThanOrEqual(2);
  });

  it('reports duplicate keys as a YAML error', () => {
    expect(issues('namespaces: []\nnamespaces: []\n')[0]!.message).toMatch(/unique/i);
  });

  it('names unknown fields with their path and line', () => {
    expect(issues(`${base}    replica: 3\n`)).toEqual([
      { path: 'workloads[0].replica', message: 'unknown field "replica"', line: 7, column: 5 },
    ]);
  });

  it('refuses negative replicas at the field', () => {
    expect(issues(base.replace('replicas: 2', 'replicas: -1'))).toEqual([
      { path: 'workloads[0].replicas', message: 'must be 0 or more', line: 6, column: 15 },
    ]);
  });

  it('refuses bad ports', () => {
    const found = issues(
      `${base}    ports: [{ name: HTTP, port: 70000 }, { port: 80, protocol: ICMP }, { port: "80" }]\n`,
    );
    expect(found.map((i) => `${i.path}: ${i.message}`)).toEqual([
      'workloads[0].ports[0].name: must be a port name (at most 15 lowercase alphanumerics and "-")',
      'workloads[0].ports[0].port: must be 1 to 65535',
      'workloads[0].ports[1].protocol: must be one of "TCP", "UDP", "SCTP"',
      'workloads[0].ports[2].port: must be a number',
    ]);
    expect(found.every((i) => i.line === 7)).toBe(true);
  });

  it('refuses missing required fields', () => {
    expect(issues('namespaces:\n  - labels: {}\n')).toMatchObject([
      { path: 'namespaces[0].name', message: 'is required' },
    ]);
  });

  it('refuses duplicate names at the repeat', () => {
    const found = issues(`${base}  - namespace: web\n    name: app\n`);
    expect(found).toMatchObject([
      {
        path: 'workloads[1].name',
        message: 'duplicate workload "web/app" (first declared at workloads[0])',
        line: 8,
      },
    ]);
    expect(issues('namespaces:\n  - name: a\n  - name: a\n')).toMatchObject([
      { path: 'namespaces[1].name', line: 3 },
    ]);
  });

  it('refuses references that do not resolve', () => {
    const found = issues(`${base}    serviceAccount: api
services:
  - { namespace: nowhere, name: s, ports: [{ port: 80 }] }
traffic:
  - { from: web/app, to: web/ghost, port: 80 }
  - { from: web/app, to: not-an-address, port: 80 }
`);
    expect(found.map((i) => i.path)).toEqual([
      'workloads[0].serviceAccount',
      'services[0].namespace',
      'traffic[0].to',
      'traffic[1].to',
    ]);
  });

  it('refuses more pods than the pod CIDR holds', () => {
    const found = issues(`cluster: { podCidr: 10.0.0.0/30 }\n${base.replace('replicas: 2', 'replicas: 3')}`);
    expect(found).toMatchObject([
      { path: 'cluster.podCidr', message: '10.0.0.0/30 holds 2 pods; the workloads ask for 3', line: 1 },
    ]);
  });

  it('lists every problem at once', () => {
    expect(
      issues(
        'namespaces:\n  - name: A\n  - name: b\n    extra: 1\nworkloads:\n  - { namespace: b, name: w, replicas: 1.5 }\n',
      ),
    ).toHaveLength(3);
  });

  it('puts the file, line and path in the error message', () => {
    expect(() => parseClusterSpec(base.replace('replicas: 2', 'replicas: -1'), 'shop.yaml')).toThrow(
      'shop.yaml:6:15: workloads[0].replicas: must be 0 or more',
    );
  });
});
