// The rules of a cluster description that relate fields to each other: unique names, references
// that resolve (namespaces, service accounts, traffic endpoints), port names a service can target,
// and address pools large enough for every pod and service. Kubernetes would refuse the same things.

import { validateResourceIssues } from '@palisade/policy';
import { parseIpv4Cidr, isIpv4 } from './ipv4.js';
import type { ClusterSpec } from './cluster-spec.js';
import type { SpecPath } from './spec-error.js';

export interface SpecProblem {
  readonly path: SpecPath;
  readonly message: string;
}

export function checkClusterSpec(spec: ClusterSpec): SpecProblem[] {
  const problems: SpecProblem[] = [];
  const report = (path: SpecPath, message: string): void => void problems.push({ path, message });

  spec.cluster.nodesWithoutWireguardKey.forEach((n, i) => {
    if (n > spec.cluster.nodes)
      report(
        ['cluster', 'nodesWithoutWireguardKey', i],
        `node ${String(n)} does not exist: the cluster has ${String(spec.cluster.nodes)} nodes`,
      );
  });

  const namespaces = firstIndexes(
    spec.namespaces.map((n) => n.name),
    'namespaces',
    'namespace',
    report,
  );
  const requireNamespace = (path: SpecPath, namespace: string): void => {
    if (!namespaces.has(namespace)) report(path, `namespace "${namespace}" is not declared under namespaces`);
  };

  const accounts = firstIndexes(
    spec.serviceAccounts.map((a) => `${a.namespace}/${a.name}`),
    'serviceAccounts',
    'service account',
    report,
  );
  spec.serviceAccounts.forEach((a, i) => requireNamespace(['serviceAccounts', i, 'namespace'], a.namespace));

  const workloads = firstIndexes(
    spec.workloads.map((w) => `${w.namespace}/${w.name}`),
    'workloads',
    'workload',
    report,
  );
  spec.workloads.forEach((w, i) => {
    requireNamespace(['workloads', i, 'namespace'], w.namespace);
    if (w.serviceAccount !== 'default' && !accounts.has(`${w.namespace}/${w.serviceAccount}`)) {
      report(
        ['workloads', i, 'serviceAccount'],
        `service account "${w.serviceAccount}" is not declared in namespace "${w.namespace}" (only "default" is implicit)`,
      );
    }
    uniquePorts(w.ports, ['workloads', i, 'ports'], report);
  });

  firstIndexes(
    spec.services.map((s) => `${s.namespace}/${s.name}`),
    'services',
    'service',
    report,
  );
  spec.services.forEach((s, i) => {
    requireNamespace(['services', i, 'namespace'], s.namespace);
    uniquePorts(s.ports, ['services', i, 'ports'], report);
    if (s.ports.length > 1) {
      s.ports.forEach((p, j) => {
        if (p.name === null)
          report(['services', i, 'ports', j, 'name'], 'a service with several ports must name each');
      });
    }
  });

  spec.traffic.forEach((t, i) => {
    if (!workloads.has(t.from))
      report(['traffic', i, 'from'], `workload "${t.from}" is not declared under workloads`);
    if (t.to.includes('/') && !parseIpv4Cidr(t.to)) {
      if (!workloads.has(t.to))
        report(['traffic', i, 'to'], `workload "${t.to}" is not declared under workloads`);
    } else if (!isIpv4(t.to) && !parseIpv4Cidr(t.to)) {
      report(['traffic', i, 'to'], 'must be "<namespace>/<workload>" or an IPv4 address or CIDR');
    }
    if (t.protocol !== 'ICMP' && t.port === 0)
      report(['traffic', i, 'port'], `must be 1 to 65535 for ${t.protocol}`);
  });

  spec.policies.forEach((object, i) => {
    const { issues } = validateResourceIssues(object);
    for (const issue of issues.slice(0, 3)) report(['policies', i, ...issue.segments], issue.message);
  });

  const pods = spec.workloads.reduce((sum, w) => sum + w.replicas, 0);
  const podPool = parseIpv4Cidr(spec.cluster.podCidr);
  if (podPool && pods > podPool.hosts) {
    report(
      ['cluster', 'podCidr'],
      `${spec.cluster.podCidr} holds ${String(podPool.hosts)} pods; the workloads ask for ${String(pods)}`,
    );
  }
  const servicePool = parseIpv4Cidr(spec.cluster.serviceCidr);
  const services = spec.services.filter((s) => !s.headless).length;
  if (servicePool && services > servicePool.hosts) {
    report(
      ['cluster', 'serviceCidr'],
      `${spec.cluster.serviceCidr} holds ${String(servicePool.hosts)} services; there are ${String(services)}`,
    );
  }
  return problems;
}

/** Reports every repeat of a key at the repeat's own `name`, and returns the keys seen. */
function firstIndexes(
  keys: readonly string[],
  list: string,
  what: string,
  report: (path: SpecPath, message: string) => void,
): Set<string> {
  const first = new Map<string, number>();
  keys.forEach((key, i) => {
    const earlier = first.get(key);
    if (earlier === undefined) first.set(key, i);
    else
      report([list, i, 'name'], `duplicate ${what} "${key}" (first declared at ${list}[${String(earlier)}])`);
  });
  return new Set(first.keys());
}

function uniquePorts(
  ports: readonly { name: string | null; port: number; protocol: string }[],
  path: SpecPath,
  report: (path: SpecPath, message: string) => void,
): void {
  const names = new Set<string>();
  const numbers = new Set<string>();
  ports.forEach((p, i) => {
    if (p.name !== null) {
      if (names.has(p.name)) report([...path, i, 'name'], `duplicate port name "${p.name}"`);
      names.add(p.name);
    }
    const key = `${String(p.port)}/${p.protocol}`;
    if (numbers.has(key)) report([...path, i, 'port'], `duplicate port ${key}`);
    numbers.add(key);
  });
}
