// The shape of a simulated cluster description (agent/examples/README.md documents it for users).
// This module owns the structural rules only: field names, types, ranges and the formats the
// tunnel will accept, so a description that parses can never produce inventory the gateway refuses.
// Rules that relate fields to each other (duplicates, references, capacity) live in
// `check-cluster-spec.ts`.

import {
  DNS_LABEL,
  DNS_SUBDOMAIN,
  LABEL_KEY,
  LABEL_VALUE,
  PORT_NAME,
  VERSION_STRING,
  type Format,
} from '@palisade/protocol';
import { z } from 'zod';

const formatted = (format: Format) =>
  z
    .string()
    .max(format.maxLength, `must be at most ${String(format.maxLength)} characters`)
    .refine((v) => format.test(v), `must be ${format.description}`);

const ipv4Cidr = z
  .string()
  .regex(/^(\d{1,3})(\.\d{1,3}){3}\/\d{1,2}$/, 'must be an IPv4 CIDR such as 10.244.0.0/16')
  .refine(
    (v) =>
      v
        .split('/')[0]!
        .split('.')
        .every((o) => Number(o) <= 255),
    'must be an IPv4 CIDR such as 10.244.0.0/16',
  )
  .refine(
    (v) => Number(v.split('/')[1]) >= 8 && Number(v.split('/')[1]) <= 30,
    'prefix length must be 8 to 30',
  );

const name = formatted(DNS_LABEL);
const labels = z.record(formatted(LABEL_KEY), formatted(LABEL_VALUE)).default({});
const port = z
  .number()
  .int('must be a whole number')
  .min(1, 'must be 1 to 65535')
  .max(65535, 'must be 1 to 65535');
const l4Protocol = z.enum(['TCP', 'UDP', 'SCTP']).default('TCP');

const clusterSection = z.strictObject({
  name: name.optional(),
  kubernetesVersion: formatted(VERSION_STRING).default('v1.30.4'),
  calicoVersion: formatted(VERSION_STRING).nullable().default('v3.29.1'),
  podCidr: ipv4Cidr.default('10.244.0.0/16'),
  serviceCidr: ipv4Cidr.default('10.96.0.0/16'),
  nodes: z
    .number()
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .max(5_000, 'must be at most 5000')
    .default(3),
  /**
   * Nodes (1-based, as in their names `<cluster>-node-<n>`) whose kernel lacks WireGuard: Calico
   * never publishes their public key, so they do not encrypt even with WireGuard enabled.
   */
  nodesWithoutWireguardKey: z
    .array(z.number().int('must be a whole number').min(1, 'must be a node number from 1'))
    .max(5_000, 'must list at most 5000 nodes')
    .default([]),
});

const namespaceSpec = z.strictObject({ name, labels });

const serviceAccountSpec = z.strictObject({ namespace: name, name: formatted(DNS_SUBDOMAIN), labels });

const workloadPort = z.strictObject({
  name: formatted(PORT_NAME).nullable().default(null),
  port,
  protocol: l4Protocol,
});

const workloadSpec = z.strictObject({
  namespace: name,
  name,
  replicas: z
    .number()
    .int('must be a whole number')
    .min(0, 'must be 0 or more')
    .max(10_000, 'must be at most 10000')
    .default(1),
  labels,
  ports: z.array(workloadPort).max(256, 'at most 256 ports').default([]),
  serviceAccount: formatted(DNS_SUBDOMAIN).default('default'),
});

const servicePort = z.strictObject({
  name: formatted(PORT_NAME).nullable().default(null),
  port,
  /** Defaults to `port`; a string names a container port. */
  targetPort: z.union([port, formatted(PORT_NAME)]).optional(),
  protocol: l4Protocol,
});

const serviceSpec = z.strictObject({
  namespace: name,
  name,
  labels,
  /** Absent or null: a service without a selector (no endpoints). */
  selector: z.record(formatted(LABEL_KEY), formatted(LABEL_VALUE)).nullable().default(null),
  ports: z.array(servicePort).min(1, 'a service needs at least one port').max(256, 'at most 256 ports'),
  headless: z.boolean().default(false),
});

/** `namespace/workload` */
const workloadRef = z.string().regex(/^[a-z0-9-]+\/[a-z0-9-]+$/, 'must be "<namespace>/<workload>"');

const trafficSpec = z.strictObject({
  from: workloadRef,
  /** `<namespace>/<workload>`, or an IPv4 address or CIDR outside the cluster. */
  to: z.string().min(1, 'must be "<namespace>/<workload>" or an IPv4 address or CIDR'),
  port: z
    .number()
    .int('must be a whole number')
    .min(0, 'must be 0 to 65535')
    .max(65535, 'must be 0 to 65535'),
  protocol: z.enum(['TCP', 'UDP', 'SCTP', 'ICMP']).default('TCP'),
  /** New connections per second. */
  rate: z.number().positive('must be more than 0').max(1_000, 'must be at most 1000 per second').default(1),
  /** How far each second's rate strays from `rate`, as a fraction of it (0: exactly `rate`). */
  jitter: z.number().min(0, 'must be 0 to 1').max(1, 'must be 0 to 1').default(0.3),
});

/** A policy object (Calico or Kubernetes); validated with @palisade/policy by check-cluster-spec.ts. */
const policyObject = z.record(z.string(), z.unknown());

export const clusterSpecSchema = z.strictObject({
  cluster: clusterSection.default(() => clusterSection.parse({})),
  namespaces: z.array(namespaceSpec).default([]),
  serviceAccounts: z.array(serviceAccountSpec).default([]),
  workloads: z.array(workloadSpec).default([]),
  services: z.array(serviceSpec).default([]),
  traffic: z.array(trafficSpec).default([]),
  /**
   * Policies the cluster already has before Palisade manages it (a team's own NetworkPolicies, say):
   * written to the policy store on the very first start only, and never managed by Palisade.
   */
  policies: z.array(policyObject).max(1_000, 'at most 1000 policies').default([]),
});

export type ClusterSpec = z.infer<typeof clusterSpecSchema>;
export type WorkloadSpec = ClusterSpec['workloads'][number];
export type ServiceSpecInput = ClusterSpec['services'][number];
export type TrafficSpec = ClusterSpec['traffic'][number];
